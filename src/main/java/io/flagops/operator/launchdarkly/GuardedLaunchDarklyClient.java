package io.flagops.operator.launchdarkly;

import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Puts every call through the process-wide {@link RequestBudget} and a circuit breaker before it
 * reaches LaunchDarkly. Nothing here waits: callers get {@link LaunchDarklyException.Throttled}
 * with the time of their turn when the budget is spent, and {@link
 * LaunchDarklyException.CircuitOpen} while LaunchDarkly keeps failing.
 *
 * <p>A pass begins with a read of the release, which waits its turn; the calls that follow it in
 * the same pass borrow from the budget, so a pass is never cut between its read and its writes.
 */
public class GuardedLaunchDarklyClient implements LaunchDarklyClient, AutoCloseable {
  private final LaunchDarklyClient delegate;
  private final RequestBudget budget;
  private final CircuitBreaker breaker;
  private final Duration openFor;
  private final LaunchDarklyMetrics metrics;

  /**
   * @param failureRate percentage of failed calls (server errors, timeouts, dropped connections)
   *     among the last {@code window} calls that opens the breaker
   * @param openFor how long calls stay off before one probe is let through
   */
  public GuardedLaunchDarklyClient(
      LaunchDarklyClient delegate,
      RequestBudget budget,
      int failureRate,
      int window,
      Duration openFor,
      LaunchDarklyMetrics metrics) {
    this.delegate = delegate;
    this.budget = budget;
    this.openFor = openFor;
    this.metrics = metrics;
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
  }

  @Override
  public Optional<Release> getRelease(AccessToken token, FlagRef flag) {
    return guarded(
        "GET_RELEASE",
        new Caller(token.fingerprint(), flag),
        () -> delegate.getRelease(token, flag));
  }

  @Override
  public Optional<ReleasePipeline> getReleasePipeline(
      AccessToken token, String projectKey, String pipelineKey) {
    return guarded(
        "GET_PIPELINE", null, () -> delegate.getReleasePipeline(token, projectKey, pipelineKey));
  }

  @Override
  public Release createRelease(AccessToken token, FlagRef flag, CreateReleaseInput input) {
    return guarded("CREATE_RELEASE", null, () -> delegate.createRelease(token, flag, input));
  }

  @Override
  public Release updatePhaseStatus(
      AccessToken token, FlagRef flag, String phaseId, UpdatePhaseStatusInput input) {
    return guarded(
        "UPDATE_PHASE", null, () -> delegate.updatePhaseStatus(token, flag, phaseId, input));
  }

  @Override
  public Release patchRelease(AccessToken token, FlagRef flag, List<PatchOperation> patch) {
    return guarded("PATCH_RELEASE", null, () -> delegate.patchRelease(token, flag, patch));
  }

  @Override
  public void deleteRelease(AccessToken token, FlagRef flag) {
    guarded(
        "DELETE_RELEASE",
        null,
        () -> {
          delegate.deleteRelease(token, flag);
          return null;
        });
  }

  @Override
  public void close() {
    metrics.stopWatching();
  }

  /** Who waits for a turn: a flag of one account (the token's fingerprint, never the token). */
  private record Caller(String account, FlagRef flag) {}

  /**
   * @param turnOf the caller whose pass this read begins; null for a call that follows a read
   */
  private <T> T guarded(String route, Caller turnOf, Supplier<T> call) {
    if (!breaker.tryAcquirePermission()) {
      throw open();
    }
    Duration wait = turnOf != null ? budget.takeTurn(turnOf) : budget.takeFollowUp();
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
      if (e instanceof LaunchDarklyException.Unavailable unavailable
          && (unavailable.httpStatus() == 0 || unavailable.httpStatus() == 200)) {
        // no usable answer: a timeout, a dropped connection or a garbled body
        metrics.unanswered(route);
      }
      throw e;
    }
  }

  private LaunchDarklyException.CircuitOpen open() {
    // no numbers that change from call to call: the message ends up in status conditions
    return new LaunchDarklyException.CircuitOpen(
        "LaunchDarkly keeps failing (server errors or timeouts); calls are paused, then one is"
            + " tried",
        openFor.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : openFor);
  }
}
