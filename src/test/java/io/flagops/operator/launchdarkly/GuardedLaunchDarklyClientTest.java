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

/** The guard in front of LaunchDarkly: a breaker that cannot wedge, a budget that never sleeps. */
class GuardedLaunchDarklyClientTest {
  private static final AccessToken TOKEN = AccessToken.of("api-guard-test");
  private static final FlagRef FLAG = new FlagRef("shop", "flag");
  private static final Duration OPEN_FOR = Duration.ofMillis(200);

  /** Answers reads from a script: each entry returns a value or throws. */
  private final Deque<Supplier<Optional<Release>>> script = new ArrayDeque<>();

  private final LaunchDarklyClient scripted =
      new ReadOnlyClient() {
        @Override
        public Optional<Release> getRelease(AccessToken token, FlagRef flag) {
          return script.isEmpty() ? Optional.empty() : script.removeFirst().get();
        }
      };

  private final GuardedLaunchDarklyClient guarded =
      new GuardedLaunchDarklyClient(
          scripted,
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

    assertThatThrownBy(() -> guarded.getRelease(TOKEN, FLAG))
        .isInstanceOf(IllegalStateException.class);

    // the probe's slot is free again: the next call goes through and closes the breaker
    assertThat(guarded.getRelease(TOKEN, FLAG)).isEmpty();
    for (int i = 0; i < 10; i++) {
      assertThat(guarded.getRelease(TOKEN, FLAG)).isEmpty();
    }
  }

  @Test
  void aFailedProbeOpensTheBreakerAgainAndASuccessfulOneClosesIt() {
    openTheBreaker();
    awaitHalfOpen();
    script.add(GuardedLaunchDarklyClientTest::serverError);
    assertThatThrownBy(() -> guarded.getRelease(TOKEN, FLAG))
        .isInstanceOf(LaunchDarklyException.Unavailable.class);
    assertThatThrownBy(() -> guarded.getRelease(TOKEN, FLAG))
        .isInstanceOf(LaunchDarklyException.CircuitOpen.class);

    awaitHalfOpen();
    assertThat(guarded.getRelease(TOKEN, FLAG)).isEmpty();
    assertThat(guarded.getRelease(TOKEN, FLAG)).isEmpty();
  }

  @Test
  void aSteadyShareOfFailuresBelowTheRateNeverOpensTheBreaker() {
    for (int i = 0; i < 300; i++) {
      script.add(i % 3 == 0 ? GuardedLaunchDarklyClientTest::serverError : Optional::empty);
    }
    for (int i = 0; i < 300; i++) {
      try {
        guarded.getRelease(TOKEN, FLAG);
      } catch (LaunchDarklyException.Unavailable expected) {
        // a third of the calls fail, as configured
      }
    }
    assertThat(guarded.getRelease(TOKEN, FLAG)).isEmpty();
  }

  @Test
  void answersThatSayNoDoNotCountAsFailures() {
    for (int i = 0; i < 10; i++) {
      script.add(
          () -> {
            throw new LaunchDarklyException.Rejected("no", 400);
          });
      assertThatThrownBy(() -> guarded.getRelease(TOKEN, FLAG))
          .isInstanceOf(LaunchDarklyException.Rejected.class);
    }
    assertThat(guarded.getRelease(TOKEN, FLAG)).isEmpty();
  }

  @Test
  void aSpentBudgetDefersTheCallerToItsTurnWithoutWaiting() {
    GuardedLaunchDarklyClient slow =
        new GuardedLaunchDarklyClient(
            scripted,
            new RequestBudget(1, 1),
            75,
            4,
            OPEN_FOR,
            new LaunchDarklyMetrics(new SimpleMeterRegistry()));
    assertThat(slow.getRelease(TOKEN, FLAG)).isEmpty();

    long started = System.nanoTime();
    assertThatThrownBy(() -> slow.getRelease(TOKEN, new FlagRef("shop", "other")))
        .isInstanceOfSatisfying(
            LaunchDarklyException.Throttled.class,
            t ->
                assertThat(t.retryAfter())
                    .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1)));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(400));
  }

  /** Fails calls until the breaker refuses them (at most the window's worth). */
  private void openTheBreaker() {
    for (int i = 0; i < 4; i++) {
      script.add(GuardedLaunchDarklyClientTest::serverError);
      assertThatThrownBy(() -> guarded.getRelease(TOKEN, FLAG))
          .isInstanceOfAny(
              LaunchDarklyException.Unavailable.class, LaunchDarklyException.CircuitOpen.class);
    }
    script.clear();
    assertThatThrownBy(() -> guarded.getRelease(TOKEN, FLAG))
        .isInstanceOf(LaunchDarklyException.CircuitOpen.class);
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
