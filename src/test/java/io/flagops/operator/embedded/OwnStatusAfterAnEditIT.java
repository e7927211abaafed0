package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A spec edit made while a pass runs wakes the next pass as soon as this one ends, from the
 * operator's cache of the resource. The watch may not have delivered this pass's own status writes
 * by then (a busy API server, a slow network): the next pass must still start from them, not from
 * the status as it was when the edit was made.
 */
class OwnStatusAfterAnEditIT extends EmbeddedOperatorCase {
  private static final String FLAG = "c-09";

  @Test
  void aPassWokenByAnEditMadeDuringAMoveStartsFromTheStatusTheMoveWrote() {
    startOnChaosSeed();
    harness.createTwoStep(FLAG, DesiredPhaseStatus.Started);
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(30));
    // during the move, between its delete and its create, someone edits the spec again; from
    // then on the operator's watch lags
    AtomicReference<FlagRelease> edited = new AtomicReference<>();
    harness
        .simulator
        .faults()
        .changeBeforeNext(
            CallLog.DELETE_RELEASE,
            () -> {
              harness.dispatcher.hold();
              FlagReleaseSpec spec = threeStep();
              spec.setPhases(List.of(new PhaseSpec("Alpha", DesiredPhaseStatus.Complete)));
              edited.set(harness.editSpec(FLAG, spec));
            });

    FlagRelease moving = harness.editSpec(FLAG, threeStep());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                edited.get() != null
                    && harness.get(FLAG).getStatus().getObservedGeneration()
                        >= moving.getMetadata().getGeneration()
                    && "three-step".equals(harness.get(FLAG).getStatus().getOwnedPipelineKey()));
    // the watch delivers the edit, not yet the move's own status writes that followed it
    harness.dispatcher.deliverThrough(edited.get().getMetadata().getResourceVersion());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                harness.get(FLAG).getStatus().getObservedGeneration()
                    >= edited.get().getMetadata().getGeneration());
    FlagRelease after = harness.get(FLAG);
    harness.dispatcher.release();

    assertThat(after.getStatus().getReleaseOrigin())
        .as("the release the move created stays this resource's own")
        .isEqualTo(ReleaseOrigin.Created);
    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE)).isEqualTo(2);
  }

  private FlagReleaseSpec threeStep() {
    FlagReleaseSpec spec = harness.get(FLAG).getSpec();
    spec.setReleasePipelineKey("three-step");
    spec.setPhases(List.of(new PhaseSpec("Alpha", DesiredPhaseStatus.Started)));
    return spec;
  }
}
