package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.reconciler.status.Conditions;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A FlagRelease that LaunchDarkly keeps failing (here: a conflict at every call, which opens no
 * breaker) is Stalled once no pass has got through for {@code retry.stalled-after}, so the Stalled
 * alert reaches a person; it is still tried again, and Ready once a pass gets through.
 */
class LongFailureIT extends EmbeddedOperatorCase {
  @Test
  void aFlagReleaseFailingForLongIsStalledAndStillTriedAgain() {
    startStallingAfter3s();
    harness.simulator.faults().failNext(100_000, 409);

    harness.createTwoStep("c-01", DesiredPhaseStatus.Started);
    harness.awaitAll(
        List.of("c-01"), Duration.ofSeconds(20), r -> r.isSettledIn(ReleaseState.Failed));

    FlagRelease stalled = harness.get("c-01");
    assertThat(
            Conditions.find(stalled.getStatus().getConditions(), ConditionTypes.STALLED)
                .getReason())
        .isEqualTo("Conflict");
    assertThat(stalled.getStatus().getMessage())
        .startsWith("reading the release: LaunchDarkly answered 409")
        .endsWith(
            "; no pass has got through for 3s, so a person should look (still tried again with"
                + " backoff)");
    long reads = harness.simulator.calls().count(CallLog.GET_RELEASE, 409);

    // a rate limit between its failures keeps the stall: no flip to Progressing and back
    harness.simulator.faults().clear();
    harness
        .simulator
        .faults()
        .rateLimitStormFromNext(CallLog.GET_RELEASE, Duration.ofSeconds(8), Duration.ofSeconds(1));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> harness.simulator.calls().count(CallLog.GET_RELEASE, 429) >= 1);
    await() // the pass the 429 ended has reported by now; the storm lasts beyond this
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> harness.get("c-01").isSettledIn(ReleaseState.Failed));

    harness.awaitReady(List.of("c-01"), Duration.ofSeconds(20));
    assertThat(reads).as("tried again while it failed").isGreaterThan(3);
  }

  /**
   * A restart forgets the count but not the stall: the status says the resource has been failing
   * that long, and it stays Stalled while it fails, rather than Progressing until another hour.
   */
  @Test
  void aStallForFailingLongOutlivesARestart() {
    EmbeddedSettings settings = startStallingAfter3s();
    harness.simulator.faults().failNext(100_000, 409);
    harness.createTwoStep("c-03", DesiredPhaseStatus.Started);
    harness.awaitAll(
        List.of("c-03"), Duration.ofSeconds(20), r -> r.isSettledIn(ReleaseState.Failed));

    operator.close();
    long before = harness.simulator.calls().count(CallLog.GET_RELEASE, 409);
    operator =
        EmbeddedOperator.start(
            harness.newClient(), settings.with("flagrelease.retry.stalled-after", "1h"), null);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> harness.simulator.calls().count(CallLog.GET_RELEASE, 409) >= before + 6);
    assertThat(harness.get("c-03").isSettledIn(ReleaseState.Failed))
        .as("still Stalled after six failed reads of the new process, seconds past a blip")
        .isTrue();
  }

  /**
   * A create LaunchDarkly keeps failing: each try announces the create in the status first, and a
   * stall for failing long stays through that announcement rather than flipping to Progressing and
   * back at each try.
   */
  @Test
  void aCreateFailingForLongStaysStalledThroughItsTries() {
    startStallingAfter3s();
    for (int i = 0; i < 1000; i++) {
      harness.simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 409);
    }
    harness.createTwoStep("c-04", DesiredPhaseStatus.Started);
    harness.awaitAll(
        List.of("c-04"), Duration.ofSeconds(20), r -> r.isSettledIn(ReleaseState.Failed));

    List<String> states = new CopyOnWriteArrayList<>();
    try (Watch watch =
        harness
            .client
            .resources(FlagRelease.class)
            .inNamespace(Harness.NAMESPACE)
            .withName("c-04")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, FlagRelease resource) {
                    states.add(String.valueOf(resource.getStatus().getState()));
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      long creates = harness.simulator.calls().count(CallLog.CREATE_RELEASE, 409);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> harness.simulator.calls().count(CallLog.CREATE_RELEASE, 409) >= creates + 3);
    }
    assertThat(states)
        .as("every status written while the create was tried again")
        .doesNotContain("Progressing");
  }

  /** The same for a deletion: a namespace left Terminating behind it reaches a person too. */
  @Test
  void aDeletionFailingForLongIsStalledAndStillTriedAgain() {
    startStallingAfter3s();
    harness.createTwoStep("c-02", DesiredPhaseStatus.Started);
    harness.awaitReady(List.of("c-02"), Duration.ofSeconds(20));
    harness.simulator.faults().failNext(100_000, 409);

    harness.client.resource(harness.get("c-02")).delete();
    harness.awaitAll(
        List.of("c-02"),
        Duration.ofSeconds(20),
        r ->
            Conditions.currentStall(r)
                .filter(s -> "DeletionBlocked".equals(s.getReason()))
                .isPresent());

    assertThat(harness.get("c-02").getStatus().getMessage())
        .contains("; no attempt has got through for 3s, so a person should look");
    harness.simulator.faults().clear();
    await().atMost(Duration.ofSeconds(20)).until(() -> harness.get("c-02") == null);
    assertThat(harness.simulator.release("chaos", "c-02")).as("deleted, as Delete says").isEmpty();
  }

  /** The chaos seed, and an operator that stalls a resource after 3 s of failing. */
  private EmbeddedSettings startStallingAfter3s() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    EmbeddedSettings settings =
        EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN)
            .with("flagrelease.retry.stalled-after", "3s");
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);
    return settings;
  }
}
