package io.flagops.operator.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.launchdarkly.model.Release;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The seam every call passes: a breaker that cannot wedge, a budget that never sleeps. */
class LaunchDarklyGuardTest {
  private static final FlagRef FLAG = new FlagRef("shop", "flag");
  private static final Duration OPEN_FOR = Duration.ofMillis(200);

  /** Answers reads from a script: each entry returns a value or throws. */
  private final Deque<Supplier<Optional<Release>>> script = new ArrayDeque<>();

  private final LaunchDarklyGuard guard =
      new LaunchDarklyGuard(
          new RequestBudget(1000, 1000),
          75,
          4,
          OPEN_FOR,
          new LaunchDarklyMetrics(new SimpleMeterRegistry()));

  @Test
  void anUnexpectedExceptionDuringTheHalfOpenProbeDoesNotKeepTheBreakerOpen() {
    openTheBreaker();
    awaitHalfOpen();
    script.add(
        () -> {
          throw new IllegalStateException("a bug of ours, not LaunchDarkly's");
        });

    assertThatThrownBy(() -> read()).isInstanceOf(IllegalStateException.class);

    // the probe's slot is free again: the next call goes through and closes the breaker
    assertThat(read()).isEmpty();
    for (int i = 0; i < 10; i++) {
      assertThat(read()).isEmpty();
    }
  }

  @Test
  void aFailedProbeOpensTheBreakerAgainAndASuccessfulOneClosesIt() {
    openTheBreaker();
    awaitHalfOpen();
    script.add(LaunchDarklyGuardTest::serverError);
    assertThatThrownBy(() -> read()).isInstanceOf(LaunchDarklyException.Unavailable.class);
    assertThatThrownBy(() -> read()).isInstanceOf(LaunchDarklyException.CircuitOpen.class);

    awaitHalfOpen();
    assertThat(read()).isEmpty();
    assertThat(read()).isEmpty();
  }

  @Test
  void aSteadyShareOfFailuresBelowTheRateNeverOpensTheBreaker() {
    for (int i = 0; i < 300; i++) {
      script.add(i % 3 == 0 ? LaunchDarklyGuardTest::serverError : Optional::empty);
    }
    for (int i = 0; i < 300; i++) {
      try {
        read();
      } catch (LaunchDarklyException.Unavailable expected) {
        // a third of the calls fail, as configured
      }
    }
    assertThat(read()).isEmpty();
  }

  @Test
  void answersThatSayNoDoNotCountAsFailures() {
    for (int i = 0; i < 10; i++) {
      script.add(
          () -> {
            throw new LaunchDarklyException.Rejected("no", 400);
          });
      assertThatThrownBy(() -> read()).isInstanceOf(LaunchDarklyException.Rejected.class);
    }
    assertThat(read()).isEmpty();
  }

  @Test
  void aSpentBudgetDefersTheCallerToItsTurnWithoutWaiting() {
    LaunchDarklyGuard slow =
        new LaunchDarklyGuard(
            new RequestBudget(1, 1),
            75,
            4,
            OPEN_FOR,
            new LaunchDarklyMetrics(new SimpleMeterRegistry()));
    assertThat(readThrough(slow, FLAG)).isEmpty();

    long started = System.nanoTime();
    assertThatThrownBy(() -> readThrough(slow, new FlagRef("shop", "other")))
        .isInstanceOfSatisfying(
            LaunchDarklyException.Throttled.class,
            t ->
                assertThat(t.retryAfter())
                    .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1)));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(400));
  }

  @Test
  void aRateLimitOfOneAccountHoldsBackOnlyThatAccount() {
    RequestBudget budget = new RequestBudget(1000, 1000);
    LaunchDarklyGuard shared =
        new LaunchDarklyGuard(
            budget, 75, 4, OPEN_FOR, new LaunchDarklyMetrics(new SimpleMeterRegistry()));
    budget.pauseFor("account-a", Duration.ofMinutes(5)); // a 429 of account-a

    assertThatThrownBy(() -> readThrough(shared, "account-a", FLAG))
        .isInstanceOfSatisfying(
            LaunchDarklyException.Throttled.class,
            t -> assertThat(t.retryAfter()).isGreaterThan(Duration.ofMinutes(4)));
    assertThat(shared.untilTurn("account-a", FLAG)).isGreaterThan(Duration.ofMinutes(4));
    await() // the rate halved: account-b's turn comes at it
        .atMost(Duration.ofSeconds(2))
        .ignoreExceptionsInstanceOf(LaunchDarklyException.Throttled.class)
        .untilAsserted(
            () -> assertThat(readThrough(shared, "account-b", new FlagRef("shop", "b"))).isEmpty());
    assertThat(budget.pausedFor()).as("no pause of the whole process").isZero();
  }

  /**
   * A token LaunchDarkly refused on a pass's read is refused to the other passes with it for a
   * while without a call (nor a turn of the budget): a team's many FlagReleases on a revoked token
   * would otherwise spend every team's budget. Another token, and a later pass, are asked.
   */
  @Test
  void aRefusedTokenIsRefusedToItsOtherPassesWithoutACall() {
    RequestBudget budget = new RequestBudget(1, 2); // the first read, then one permit left
    LaunchDarklyGuard remembering =
        new LaunchDarklyGuard(
            budget,
            75,
            4,
            OPEN_FOR,
            Duration.ofMillis(300),
            new LaunchDarklyMetrics(new SimpleMeterRegistry()));
    script.add(
        () -> {
          throw new LaunchDarklyException.Unauthorized(
              "reading the release: LaunchDarkly answered 401: Invalid token (error id 7f3a)");
        });
    assertThatThrownBy(() -> readThrough(remembering, "revoked", FLAG))
        .isInstanceOf(LaunchDarklyException.Unauthorized.class);

    script.add(() -> Optional.empty()); // would answer, were it asked
    assertThat(remembering.untilTurn("revoked", new FlagRef("shop", "other"))).isZero();
    assertThatThrownBy(() -> readThrough(remembering, "revoked", new FlagRef("shop", "other")))
        .isInstanceOf(LaunchDarklyException.Unauthorized.class)
        .hasMessage("reading the release: LaunchDarkly answered 401: Invalid token");
    assertThat(script).as("not asked").hasSize(1);
    assertThat(budget.untilTurn("someone", "valid")).as("no turn was taken").isZero();

    await() // asked again once the refusal is no longer kept, at its turn of the budget
        .atMost(Duration.ofSeconds(3))
        .ignoreExceptionsMatching(
            e ->
                e instanceof LaunchDarklyException.Throttled
                    || e instanceof LaunchDarklyException.Unauthorized)
        .until(() -> readThrough(remembering, "revoked", FLAG).isEmpty());
    assertThat(script).isEmpty();
  }

  /** A read of the release that begins a pass for FLAG, answered by the script. */
  private Optional<Release> read() {
    return readThrough(guard, "account", FLAG);
  }

  private Optional<Release> readThrough(LaunchDarklyGuard through, FlagRef flag) {
    return readThrough(through, "account", flag);
  }

  private Optional<Release> readThrough(LaunchDarklyGuard through, String account, FlagRef flag) {
    return through.call(
        "GET_RELEASE",
        account,
        flag,
        () -> script.isEmpty() ? Optional.<Release>empty() : script.removeFirst().get());
  }

  /** Fails calls until the breaker refuses them (at most the window's worth). */
  private void openTheBreaker() {
    for (int i = 0; i < 4; i++) {
      script.add(LaunchDarklyGuardTest::serverError);
      assertThatThrownBy(() -> read())
          .isInstanceOfAny(
              LaunchDarklyException.Unavailable.class, LaunchDarklyException.CircuitOpen.class);
    }
    script.clear();
    assertThatThrownBy(() -> read()).isInstanceOf(LaunchDarklyException.CircuitOpen.class);
  }

  /** Waits out the open period without calling (a call would be the probe). */
  private static void awaitHalfOpen() {
    long until = System.nanoTime() + OPEN_FOR.toNanos();
    await().atMost(Duration.ofSeconds(2)).until(() -> System.nanoTime() > until);
  }

  private static Optional<Release> serverError() {
    throw new LaunchDarklyException.Unavailable("reading the release: 502", 502, null);
  }
}
