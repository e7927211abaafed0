package io.flagops.operator.reconciler.support;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.config.FlagReleaseConfig;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * When to try a FlagRelease again after LaunchDarkly failed it: exponential backoff with jitter,
 * per resource, that grows while the same step keeps failing. A pass that moved the release
 * forward, or failed at a different write than the last one, starts over from the first interval:
 * under a steady error rate every pass may fail somewhere, yet each gets further, and growing the
 * wait then would leave a resource minutes behind for nothing. A read that keeps failing, or one
 * write that LaunchDarkly keeps failing, backs off as far as the maximum.
 */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private final double multiplier;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Failures> byUid = new ConcurrentHashMap<>();

  /**
   * Failed passes in a row that stopped at {@code step} (null after a failure only {@link
   * #noteFailure noted}); the first failure since a good pass; the first of those that was not only
   * noted, since the last pass that moved the release forward (null while none was).
   */
  private record Failures(String step, int inARow, long since, Long ownSince) {}

  public Backoff(FlagReleaseConfig.Retry retry) {
    this(retry.initialInterval(), retry.maxInterval(), retry.multiplier(), System::nanoTime);
  }

  Backoff(Duration initial, Duration max, double multiplier, LongSupplier nanoClock) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.multiplier = multiplier;
    this.nanoClock = nanoClock;
  }

  /**
   * The wait before the next attempt.
   *
   * @param step what the failed pass was doing: a read, or a write
   * @param progressed whether the failed pass changed the release before it failed
   */
  public Duration afterFailure(FlagRelease resource, String step, boolean progressed) {
    long now = nanoClock.getAsLong();
    Failures failures =
        byUid.compute(
            resource.getMetadata().getUid(),
            (uid, last) -> {
              if (last == null) {
                return new Failures(step, 1, now, now);
              }
              // a failure only noted (a 429, an open circuit) stopped at no step of its own
              boolean again = !progressed && step.equals(last.step());
              return new Failures(
                  step,
                  again ? last.inARow() + 1 : 1,
                  last.since(),
                  last.ownSince() == null || progressed ? now : last.ownSince());
            });
    return Duration.ofMillis(delayAfter(failures.inARow()));
  }

  /**
   * A failure whose wait LaunchDarkly or the breaker sets (a 429, an open circuit): counted for
   * {@link #failingFor}, without growing the backoff.
   */
  public void noteFailure(FlagRelease resource) {
    long now = nanoClock.getAsLong();
    byUid.putIfAbsent(resource.getMetadata().getUid(), new Failures(null, 0, now, null));
  }

  /** How long the resource has been failing since its last good pass; zero when it is not. */
  public Duration failingFor(FlagRelease resource) {
    Failures failures = byUid.get(resource.getMetadata().getUid());
    return failures == null
        ? Duration.ZERO
        : Duration.ofNanos(nanoClock.getAsLong() - failures.since());
  }

  /**
   * How long the resource has failed since its first failure of its own (not only a wait
   * LaunchDarkly or the breaker gave, a 429 or an open circuit, which have alerts of their own)
   * after its last good pass, or the last failed pass that still moved the release forward; zero
   * when it has none.
   */
  public Duration failingOnItsOwnFor(FlagRelease resource) {
    Failures failures = byUid.get(resource.getMetadata().getUid());
    return failures == null || failures.ownSince() == null
        ? Duration.ZERO
        : Duration.ofNanos(nanoClock.getAsLong() - failures.ownSince());
  }

  /**
   * A failed pass moved the release forward (whatever stopped it, a wait for the budget or a 429
   * too): the count towards a stall ends, and its next failure of its own starts it again.
   */
  public void movedForward(FlagRelease resource) {
    byUid.computeIfPresent(
        resource.getMetadata().getUid(),
        (uid, last) -> new Failures(last.step(), last.inARow(), last.since(), null));
  }

  /** The resource got through a pass, or is gone: its next failure starts from the beginning. */
  public void reset(FlagRelease resource) {
    byUid.remove(resource.getMetadata().getUid());
  }

  /** The delay after failed attempt {@code attempt} (from 1): between half and all of the step. */
  long delayAfter(int attempt) {
    double step = initialMillis * Math.pow(multiplier, Math.max(0, attempt - 1));
    long half = (long) Math.min(step, maxMillis) / 2;
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }
}
