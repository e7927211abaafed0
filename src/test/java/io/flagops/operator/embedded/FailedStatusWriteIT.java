package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status written before a create ("creating the release here") is an intention: when that
 * status write fails, no create was sent, and the error status written next must not keep it, or a
 * release a person makes before the next pass counts as the operator's and goes with the
 * FlagRelease.
 */
class FailedStatusWriteIT extends EmbeddedOperatorCase {
  private static final String FLAG = "c-13";

  @Test
  void aCreateWhoseStatusWriteFailedIsNotRecordedAsCreated() {
    startOnChaosSeed();
    // the first status write of the new resource is the one before its create: refused once
    harness.refuseNextStatusWrite(FLAG);
    // between that pass and the next, a person attaches the flag to the pipeline
    harness
        .simulator
        .faults()
        .changeBeforeNext(
            CallLog.GET_RELEASE,
            () ->
                harness
                    .simulator
                    .faults()
                    .changeBeforeNext(
                        CallLog.GET_RELEASE,
                        () -> harness.simulator.ui().createRelease("chaos", FLAG, "two-step")));

    harness.createTwoStep(FLAG, DesiredPhaseStatus.Started);
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(30));

    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE)).as("never sent").isZero();
    assertThat(harness.get(FLAG).getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);
    deleteAndExpectThePersonsReleaseLeft(FLAG);
  }
}
