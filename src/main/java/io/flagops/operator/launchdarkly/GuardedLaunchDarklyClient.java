package io.flagops.operator.launchdarkly;

import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Puts every call through the process-wide {@link RequestBudget} and the {@link CircuitBreaker}
 * before it reaches LaunchDarkly. Callers get {@link LaunchDarklyException.Throttled} when the
 * budget is spent for longer than {@code maxWait}, and {@link LaunchDarklyException.CircuitOpen}
 * while LaunchDarkly keeps failing.
 */
public class GuardedLaunchDarklyClient implements LaunchDarklyClient, AutoCloseable {
  private final LaunchDarklyClient delegate;
  private final RequestBudget budget;
  private final CircuitBreaker breaker;
  private final Duration maxWait;
  private final LaunchDarklyMetrics metrics;

  public GuardedLaunchDarklyClient(
      LaunchDarklyClient delegate,
      RequestBudget budget,
      CircuitBreaker breaker,
      Duration maxWait,
      LaunchDarklyMetrics metrics) {
    this.delegate = delegate;
    this.budget = budget;
    this.breaker = breaker;
    this.maxWait = maxWait;
    this.metrics = metrics;
  }

  @Override
  public Optional<Release> getRelease(AccessToken token, FlagRef flag) {
    return guarded("GET_RELEASE", () -> delegate.getRelease(token, flag));
  }

  @Override
  public Optional<ReleasePipeline> getReleasePipeline(
      AccessToken token, String projectKey, String pipelineKey) {
    return guarded(
        "GET_PIPELINE", () -> delegate.getReleasePipeline(token, projectKey, pipelineKey));
  }

  @Override
  public Release createRelease(AccessToken token, FlagRef flag, CreateReleaseInput input) {
    return guarded("CREATE_RELEASE", () -> delegate.createRelease(token, flag, input));
  }

  @Override
  public Release updatePhaseStatus(
      AccessToken token, FlagRef flag, String phaseId, UpdatePhaseStatusInput input) {
    return guarded("UPDATE_PHASE", () -> delegate.updatePhaseStatus(token, flag, phaseId, input));
  }

  @Override
  public Release patchRelease(AccessToken token, FlagRef flag, List<PatchOperation> patch) {
    return guarded("PATCH_RELEASE", () -> delegate.patchRelease(token, flag, patch));
  }

  @Override
  public void deleteRelease(AccessToken token, FlagRef flag) {
    guarded(
        "DELETE_RELEASE",
        () -> {
          delegate.deleteRelease(token, flag);
          return null;
        });
  }

  @Override
  public void close() {
    metrics.stopWatching();
  }

  private <T> T guarded(String route, Supplier<T> call) {
    breaker.rejectIfOpen(); // fails at once, without queueing for a permit
    takePermit();
    breaker.beforeCall();
    try {
      T result = call.get();
      breaker.onSuccess();
      return result;
    } catch (LaunchDarklyException.Unavailable e) {
      // no usable answer: a server error, a timeout, a dropped connection or a garbled body
      breaker.onFailure();
      if (e.httpStatus() == 0 || e.httpStatus() == 200) {
        metrics.unanswered(route);
      }
      throw e;
    } catch (LaunchDarklyException e) {
      breaker.onSuccess(); // LaunchDarkly answered, even if to say no
      throw e;
    }
  }

  private void takePermit() {
    long started = System.nanoTime();
    Duration retryAfter;
    try {
      retryAfter = budget.acquire(maxWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchDarklyException.Unavailable(
          "interrupted waiting for the request budget", 0, e);
    }
    metrics.waitedForBudget(Duration.ofNanos(System.nanoTime() - started));
    if (!retryAfter.isZero()) {
      throw new LaunchDarklyException.Throttled(retryAfter);
    }
  }
}
