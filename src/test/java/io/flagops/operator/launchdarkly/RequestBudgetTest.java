package io.flagops.operator.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestBudgetTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RequestBudget budget = new RequestBudget(10, 3, now::get);

  @Test
  void aBurstIsServedAtOnceThenTheRateApplies() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      assertThat(budget.acquire(Duration.ZERO)).isZero();
    }
    assertThat(budget.acquire(Duration.ZERO)).isEqualTo(Duration.ofMillis(100));

    now.addAndGet(Duration.ofMillis(100).toNanos());
    assertThat(budget.acquire(Duration.ZERO)).isZero();
  }

  @Test
  void aRateLimitPausesEveryCallerUntilTheWaitIsOver() throws InterruptedException {
    budget.pauseFor(Duration.ofSeconds(2));

    assertThat(budget.acquire(Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
    assertThat(budget.pausedFor()).isEqualTo(Duration.ofSeconds(2));

    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(budget.acquire(Duration.ZERO)).isZero();
  }

  @Test
  void anEmptyWindowStopsCallsUntilItsReset() throws InterruptedException {
    budget.observe(0, Duration.ofSeconds(4));

    assertThat(budget.acquire(Duration.ZERO)).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void aNearlySpentWindowSpreadsWhatIsLeftUntilTheReset() {
    budget.observe(2, Duration.ofSeconds(4));

    assertThat(budget.currentRequestsPerSecond()).isEqualTo(0.5);

    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(10.0);
  }

  @Test
  void aRateLimitHalvesTheRateWhichClimbsBackWhenQuiet() {
    budget.pauseFor(Duration.ofSeconds(1));
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(5.0);
    budget.pauseFor(Duration.ofSeconds(1));
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(2.5);

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(3.5);
    now.addAndGet(Duration.ofSeconds(100).toNanos());
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(10.0);
  }

  @Test
  void neverPlansToSpendMoreThanTheWindowHasLeft() throws InterruptedException {
    budget.observe(1, Duration.ofSeconds(5));

    assertThat(budget.acquire(Duration.ZERO)).isZero();
    assertThat(budget.acquire(Duration.ZERO)).isPositive();
  }

  @Test
  void aCallerWaitsForAPermitWithinItsLimit() throws InterruptedException {
    RequestBudget real = new RequestBudget(20, 1);
    assertThat(real.acquire(Duration.ZERO)).isZero();

    long started = System.nanoTime();
    assertThat(real.acquire(Duration.ofSeconds(1))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(40));
  }
}
