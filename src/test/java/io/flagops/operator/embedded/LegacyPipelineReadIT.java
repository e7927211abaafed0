package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whether a pipeline is a legacy one is read once per operator (it never changes). A pass whose
 * read of it fails must not lose what only a legacy release keeps: a phase the spec moved back from
 * Complete, which the operator still has to untick.
 */
class LegacyPipelineReadIT extends EmbeddedOperatorCase {
  private static final String FLAG = "c-23";

  @Test
  void aPhaseMovedBackIsUntickedAlthoughTheFirstReadOfThePipelineFailed() {
    startOnChaosSeed();
    harness.create(FLAG, legacySpec(DesiredPhaseStatus.Complete));
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(20));
    assertThat(firstPhaseComplete()).isTrue();
    operator.close(); // an upgrade: the next operator has read no pipeline yet

    harness.editSpec(FLAG, legacySpec(DesiredPhaseStatus.NotStarted));
    harness.simulator.faults().failNextOn(CallLog.GET_PIPELINE, 503);
    operator =
        EmbeddedOperator.start(
            harness.newClient(),
            EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN),
            null);

    await().atMost(Duration.ofSeconds(20)).until(() -> !firstPhaseComplete());
    assertThat(harness.simulator.calls().count(CallLog.GET_PIPELINE, 503)).isEqualTo(1);
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(20));
  }

  private static FlagReleaseSpec legacySpec(DesiredPhaseStatus first) {
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("chaos");
    spec.setFlagKey(FLAG);
    spec.setReleasePipelineKey("by-hand");
    spec.setPhases(List.of(new PhaseSpec("First", first)));
    return spec;
  }

  private boolean firstPhaseComplete() {
    return harness
        .simulator
        .release("chaos", FLAG)
        .orElseThrow()
        .path("phases")
        .get(0)
        .path("complete")
        .asBoolean();
  }
}
