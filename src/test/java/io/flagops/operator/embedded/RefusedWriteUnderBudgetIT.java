package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    aPersonAttachesTheFlagJustBeforeTheCreate(FLAG, () -> {});

    harness.createTwoStep(FLAG, DesiredPhaseStatus.Started);
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(30));
    FlagRelease ready = harness.get(FLAG);

    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE, 400))
        .as("the create was refused: the release was already there")
        .isEqualTo(1);
    assertThat(ready.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);
    deleteAndExpectThePersonsReleaseLeft(FLAG);
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
    aPersonAttachesTheFlagJustBeforeTheCreate(flag, () -> harness.refuseNextStatusWrite(flag));

    harness.createTwoStep(flag, DesiredPhaseStatus.Started);
    harness.awaitReady(List.of(flag), Duration.ofSeconds(30));

    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE, 400)).isEqualTo(1);
    assertThat(harness.get(flag).getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);
    deleteAndExpectThePersonsReleaseLeft(flag);
  }

  /**
   * An operator stopped after LaunchDarkly refused its create, while the pass reads the release
   * again: the record "created here" written before the create must already be undone, or the next
   * operator takes the person's release for one it created and deletes it with the FlagRelease.
   */
  @Test
  void anOperatorStoppedJustAfterARefusedCreateRestartsWithoutTakingThePersonsReleaseForItsOwn()
      throws InterruptedException {
    String flag = "c-10";
    harness = new Harness("/simulator/chaos-seed.yaml");
    KubernetesClient stopped = harness.newClient();
    EmbeddedSettings settings = EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN);
    operator = EmbeddedOperator.start(stopped, settings, null);
    CountDownLatch rereading = new CountDownLatch(1);
    CountDownLatch crashed = new CountDownLatch(1);
    // the read after the refusal waits until the operator has stopped
    aPersonAttachesTheFlagJustBeforeTheCreate(
        flag,
        () ->
            harness
                .simulator
                .faults()
                .changeBeforeNext(
                    CallLog.GET_RELEASE,
                    () -> {
                      rereading.countDown();
                      awaitQuietly(crashed);
                    }));

    harness.createTwoStep(flag, DesiredPhaseStatus.Started);
    assertThat(rereading.await(30, TimeUnit.SECONDS)).as("the read after the refusal").isTrue();
    stopped.close(); // the process dies: nothing it does from now on reaches the API server
    crashed.countDown();
    operator.close();

    operator = EmbeddedOperator.start(harness.newClient(), settings, null);
    harness.awaitReady(List.of(flag), Duration.ofSeconds(30));
    assertThat(harness.get(flag).getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);
    deleteAndExpectThePersonsReleaseLeft(flag);
  }

  /**
   * A person attaches the flag between the operator's read (no release) and its create, which
   * LaunchDarkly then refuses; {@code then} runs just before that refusal.
   */
  private void aPersonAttachesTheFlagJustBeforeTheCreate(String flag, Runnable then) {
    harness
        .simulator
        .faults()
        .changeBeforeNext(
            CallLog.CREATE_RELEASE,
            () -> {
              harness.simulator.ui().createRelease("chaos", flag, "two-step");
              then.run();
            });
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
