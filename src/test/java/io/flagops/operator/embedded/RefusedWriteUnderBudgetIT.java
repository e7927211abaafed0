package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A write LaunchDarkly refuses while the request budget is spent: the read that follows it is part
 * of the same pass, so the pass still learns what LaunchDarkly holds and says so, whatever the
 * budget.
 */
class RefusedWriteUnderBudgetIT extends EmbeddedOperatorCase {
  private static final String FLAG = "c-07";

  @Test
  void aReleaseSomeoneCreatedJustBeforeTheCreateIsAdoptedAndSurvivesTheDeletion() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    EmbeddedSettings settings =
        EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN).withBudget(1, 1);
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);
    // someone attaches the flag between the operator's read (no release) and its create
    harness
        .simulator
        .faults()
        .changeBeforeNext(
            CallLog.CREATE_RELEASE,
            () -> harness.simulator.ui().createRelease("chaos", FLAG, "two-step"));

    harness.createTwoStep(FLAG, DesiredPhaseStatus.Started);
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(30));
    FlagRelease ready = harness.get(FLAG);

    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE, 400))
        .as("the create was refused: the release was already there")
        .isEqualTo(1);
    assertThat(ready.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);

    harness.client.resource(ready).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.get(FLAG) == null);
    assertThat(harness.simulator.release("chaos", FLAG))
        .as("deletionPolicy Delete leaves a release the operator did not create")
        .isPresent();
  }

  /**
   * The same, when the status write after the refused create fails: the create was recorded as this
   * resource's before it was sent (an answer lost on the way may still have made it), and that
   * record must not outlive the refusal, or the person's release counts as created here and goes
   * with the FlagRelease.
   */
  @Test
  void aRefusedCreateIsNotRecordedAsCreatedWhenTheNextStatusWriteFails() {
    String flag = "c-08";
    startOnChaosSeed();
    harness
        .simulator
        .faults()
        .changeBeforeNext(
            CallLog.CREATE_RELEASE,
            () -> {
              harness.simulator.ui().createRelease("chaos", flag, "two-step");
              harness
                  .kubernetes
                  .expect()
                  .patch()
                  .withPath(
                      "/apis/flagops.io/v1alpha1/namespaces/"
                          + Harness.NAMESPACE
                          + "/flagreleases/"
                          + flag
                          + "/status")
                  .andReturn(422, "refused by an admission webhook")
                  .once();
            });

    harness.createTwoStep(flag, DesiredPhaseStatus.Started);
    harness.awaitReady(List.of(flag), Duration.ofSeconds(30));

    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE, 400)).isEqualTo(1);
    assertThat(harness.get(flag).getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);
    harness.client.resource(harness.get(flag)).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.get(flag) == null);
    assertThat(harness.simulator.release("chaos", flag)).isPresent();
  }
}
