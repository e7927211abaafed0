package io.flagops.operator.launchdarkly;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one seam every LaunchDarkly call passes: the process-wide {@link RequestBudget} (which holds
 * back the calls of an account LaunchDarkly answered 429) and a circuit breaker, before the request
 * leaves. Nothing here waits: callers get {@link LaunchDarklyException.Throttled} with the time of
 * their turn when the budget is spent, and {@link LaunchDarklyException.CircuitOpen} while
 * LaunchDarkly keeps failing.
 *
 * <p>A pass begins with a read of the release, which waits its turn; the calls that follow it in
 * the same pass borrow from the budget, so a pass is never cut between its read and its writes. A
 * token LaunchDarkly refused (401) on such a first call is refused here for the other passes with
 * it, for a while, without a call.
 */
public final class LaunchDarklyGuard implements CallGuard, AutoCloseable {
  private final RequestBudget budget;
  private final CircuitBreaker breaker;
  private final Duration openFor;
  private final LaunchDarklyMetrics metrics;

  /**
   * The 401 LaunchDarkly gave a pass's first call (its read of the release, the one call that takes
   * a turn), by token fingerprint: the other passes with that token are told the same for a while,
   * without a call or a turn. A team's refused token used by many FlagReleases would otherwise
   * spend the process's budget, every team's.
   */
  private final Cache<String, String> refusals;

  /**
   * @param failureRate percentage of failed calls (server errors, timeouts, dropped connections)
   *     among the last {@code window} calls that opens the breaker
   * @param openFor how long calls stay off before one probe is let through
   */
  public LaunchDarklyGuard(
      RequestBudget budget,
      int failureRate,
      int window,
      Duration openFor,
      LaunchDarklyMetrics metrics) {
    this(budget, failureRate, window, openFor, Duration.ZERO, metrics);
  }

  /**
   * @param refusalKept how long a 401 to a pass's first call is the answer to every pass's first
   *     call with that token (less than the interval a refused FlagRelease is looked at again)
   */
  public LaunchDarklyGuard(
      RequestBudget budget,
      int failureRate,
      int window,
      Duration openFor,
      Duration refusalKept,
      LaunchDarklyMetrics metrics) {
    this.budget = budget;
    this.openFor = openFor;
    this.metrics = metrics;
    // bounded: tokens rotated away are never asked about again
    this.refusals = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(refusalKept).build();
    this.breaker =
        CircuitBreaker.of(
            "launchdarkly",
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(Math.max(1, window / 2))
                .failureRateThreshold(failureRate)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                // only "no usable answer" is a failure; any other answer says LaunchDarkly works
                .recordException(e -> e instanceof LaunchDarklyException.Unavailable)
                // an exception of our own is not LaunchDarkly's fault: it frees the probe's slot
                .ignoreException(e -> !(e instanceof LaunchDarklyException))
                .build());
    metrics.watch(breaker);
    metrics.watch(budget);
  }

  @Override
  public void close() {
    metrics.stopWatching();
  }

  @Override
  public <T> T call(String route, String account, Object turnOf, Supplier<T> call) {
    String refusalKey = turnOf == null ? null : account;
    String refused = refusalKey == null ? null : refusals.getIfPresent(refusalKey);
    if (refused != null) {
      budget.cancelTurn(turnOf); // reserved before the refusal was known: no call takes it
      throw new LaunchDarklyException.Unauthorized(refused);
    }
    if (!breaker.tryAcquirePermission()) {
      throw open();
    }
    Duration wait =
        turnOf != null ? budget.takeTurn(turnOf, account) : budget.takeFollowUp(account);
    if (!wait.isZero()) {
      breaker.releasePermission();
      metrics.waitedForBudget(wait);
      throw new LaunchDarklyException.Throttled(wait);
    }
    long started = System.nanoTime();
    try {
      T result = call.get();
      breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      return result;
    } catch (RuntimeException | Error e) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      if (e instanceof LaunchDarklyException.Unauthorized && refusalKey != null) {
        refusals.put(refusalKey, LaunchDarklyException.withoutErrorId(e.getMessage()));
      }
      if (e instanceof LaunchDarklyException.Unavailable unavailable
          && unavailable.httpStatus() == 0) {
        // no answer: a timeout, a dropped connection (an answer that came, garbled or not, was
        // counted with its status when it came)
        metrics.unanswered(route);
      }
      throw e;
    } finally {
      budget.finished();
    }
  }

  @Override
  public Duration untilTurn(String account, Object turnOf) {
    if (account != null && refusals.getIfPresent(account) != null) {
      return Duration.ZERO; // its call is answered here: no turn of the budget is taken for it
    }
    Duration wait = budget.untilTurn(turnOf, account);
    if (!wait.isZero()) {
      metrics.waitedForBudget(wait);
    }
    return wait;
  }

  private LaunchDarklyException.CircuitOpen open() {
    // no numbers that change from call to call: the message ends up in status conditions
    return new LaunchDarklyException.CircuitOpen(
        "LaunchDarkly keeps failing (server errors or timeouts); calls are paused, then one is"
            + " tried",
        openFor.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : openFor);
  }
}
