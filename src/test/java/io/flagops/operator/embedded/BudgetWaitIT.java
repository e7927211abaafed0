package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Waiting for the request budget holds no worker: with one reconcile thread and a budget of a call
 * every two seconds, a resource that needs no call is handled at once while the others wait for
 * their turns (a worker held through each turn would handle it six seconds or more later).
 */
class BudgetWaitIT extends EmbeddedOperatorCase {

  @Test
  void resourcesWaitingForTheBudgetHoldNoWorker() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    EmbeddedSettings settings =
        EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN)
            .withReconcileThreads(1)
            .withBudget(0.5, 1);
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);
    List<String> waiting = IntStream.rangeClosed(1, 4).mapToObj(i -> "c-0" + i).toList();
    waiting.forEach(name -> harness.createTwoStep(name, DesiredPhaseStatus.Started));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> harness.simulator.calls().size() >= 1); // the budget is now spent

    FlagReleaseSpec suspended = new FlagReleaseSpec();
    suspended.setProjectKey("chaos");
    suspended.setFlagKey("c-05");
    suspended.setReleasePipelineKey("two-step");
    suspended.setSuspend(true);
    long created = System.nanoTime();
    harness.create("c-05", suspended);

    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> harness.get("c-05").isSettledIn(ReleaseState.Suspended));
    Duration handledAfter = Duration.ofNanos(System.nanoTime() - created);
    assertThat(waiting.stream().map(harness::get))
        .as("the others are still waiting for their turns")
        .anyMatch(r -> !r.isSettledIn(ReleaseState.Ready));
    assertThat(handledAfter).isLessThan(Duration.ofSeconds(3));

    harness.awaitReady(waiting, Duration.ofSeconds(60));
  }
}
