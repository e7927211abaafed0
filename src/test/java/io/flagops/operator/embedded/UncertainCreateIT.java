package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A create that failed without saying whether it was made (a server error, a timeout): it is
 * recorded as this resource's before it is sent, since an answer lost on the way may still have
 * made the release. That record must not outlive what LaunchDarkly shows next, or a release a
 * person makes afterwards counts as created here and goes with the FlagRelease.
 */
class UncertainCreateIT extends EmbeddedOperatorCase {
  private static final String FLAG = "c-11";

  @Test
  void aReleaseAPersonMadeAfterAFailedCreateIsNotTakenForTheOperatorsOwn() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    EmbeddedSettings settings = EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN);
    // no retry before the stop below: the failed pass is the last one this operator runs
    EmbeddedSettings noRetry =
        settings
            .with("flagrelease.retry.initial-interval", "10m")
            .with("flagrelease.retry.max-interval", "10m");
    operator = EmbeddedOperator.start(harness.newClient(), noRetry, null);
    harness.simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 503);
    harness.createTwoStep(FLAG, DesiredPhaseStatus.Started);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> harness.simulator.calls().count(CallLog.CREATE_RELEASE, 503) >= 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                harness.get(FLAG).getStatus() != null
                    && harness.get(FLAG).getStatus().getMessage().contains("503"));
    operator.close();

    // "the operator can't create it": a person does, while the operator is down
    harness.simulator.faults().clear();
    harness.simulator.ui().createRelease("chaos", FLAG, "two-step");
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(30));

    assertThat(harness.get(FLAG).getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);
    deleteAndExpectThePersonsReleaseLeft(FLAG);
  }
}
