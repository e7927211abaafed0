package io.flagops.operator.launchdarkly;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One budget of LaunchDarkly calls for the whole process: a token bucket of {@code
 * requestsPerSecond} with room for {@code burst}, shared by every reconcile. It never spends more
 * than LaunchDarkly's rate-limit headers say is left of the window, slows down when the window is
 * nearly spent, and after a 429 every caller waits until the window resets, not just the one that
 * was refused; the rate then halves and climbs back slowly (additive increase, multiplicative
 * decrease), so a budget set higher than the account allows settles just under it.
 */
public final class RequestBudget {
  private static final long RECOVERY_STEP_NANOS = 10_000_000_000L;
  private static final double MIN_FRACTION = 0.05;

  private final double ratePerNano;
  private final double burst;

  /** The rate after 429s: halved by each, back up by a tenth of the configured rate per step. */
  private double adaptiveRatePerNano;

  private long adjustedAt;
  private final LongSupplier nanoClock;

  private double tokens;
  private long refilledAt;

  /** No permits before this time (a 429, or a window LaunchDarkly says is spent). */
  private long pausedUntil;

  /** A lower rate LaunchDarkly's headers asked for, valid until {@link #capUntil}. */
  private double cappedRatePerNano = Double.MAX_VALUE;

  private long capUntil;

  public RequestBudget(double requestsPerSecond, int burst) {
    this(requestsPerSecond, burst, System::nanoTime);
  }

  RequestBudget(double requestsPerSecond, int burst, LongSupplier nanoClock) {
    if (requestsPerSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("the request budget needs a positive rate and burst");
    }
    this.ratePerNano = requestsPerSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.refilledAt = nanoClock.getAsLong();
    this.adaptiveRatePerNano = ratePerNano;
    this.adjustedAt = refilledAt;
  }

  /**
   * Takes one permit, waiting for it up to {@code maxWait}.
   *
   * @return zero when the permit was taken, else how long the caller should wait before asking
   *     again (the budget is spent for longer than it was willing to wait)
   */
  public Duration acquire(Duration maxWait) throws InterruptedException {
    long deadline = nanoClock.getAsLong() + maxWait.toNanos();
    while (true) {
      long wait;
      synchronized (this) {
        long now = nanoClock.getAsLong();
        refill(now);
        if (now >= pausedUntil && tokens >= 1) {
          tokens -= 1;
          return Duration.ZERO;
        }
        wait = Math.max(pausedUntil - now, (long) Math.ceil((1 - tokens) / currentRate(now)));
        if (now + wait > deadline) {
          return Duration.ofNanos(wait);
        }
      }
      sleep(wait);
    }
  }

  /** After a 429: nobody calls before {@code wait} has passed, and the rate halves. */
  public synchronized void pauseFor(Duration wait) {
    long now = nanoClock.getAsLong();
    pausedUntil = Math.max(pausedUntil, now + wait.toNanos());
    tokens = Math.min(tokens, 0);
    adaptiveRatePerNano = Math.max(ratePerNano * MIN_FRACTION, adaptiveRatePerNano / 2);
    adjustedAt = now;
  }

  /**
   * What LaunchDarkly says is left of its window: spread the rest over the time to the reset, and
   * stop until the reset when nothing is left.
   */
  public synchronized void observe(long remaining, Duration untilReset) {
    long now = nanoClock.getAsLong();
    long resetAt = now + Math.max(0, untilReset.toNanos());
    if (remaining <= 0) {
      pausedUntil = Math.max(pausedUntil, resetAt);
      tokens = Math.min(tokens, 0);
      return;
    }
    refill(now);
    tokens = Math.min(tokens, remaining); // never plan to spend more than is left
    if (remaining < burst && untilReset.toNanos() > 0) {
      cappedRatePerNano = remaining / (double) untilReset.toNanos();
      capUntil = resetAt;
    }
  }

  /** The rate allowed now, in requests per second (for metrics and tests). */
  public synchronized double currentRequestsPerSecond() {
    return currentRate(nanoClock.getAsLong()) * 1e9;
  }

  /** How long callers are held back from now, zero when they are not. */
  public synchronized Duration pausedFor() {
    return Duration.ofNanos(Math.max(0, pausedUntil - nanoClock.getAsLong()));
  }

  private double currentRate(long now) {
    recover(now);
    return now < capUntil ? Math.min(adaptiveRatePerNano, cappedRatePerNano) : adaptiveRatePerNano;
  }

  /** Climbs back toward the configured rate, a tenth of it per quiet step. */
  private void recover(long now) {
    while (adaptiveRatePerNano < ratePerNano && now - adjustedAt >= RECOVERY_STEP_NANOS) {
      adaptiveRatePerNano = Math.min(ratePerNano, adaptiveRatePerNano + ratePerNano / 10);
      adjustedAt += RECOVERY_STEP_NANOS;
    }
  }

  private void refill(long now) {
    if (now > refilledAt) {
      tokens = Math.min(burst, tokens + (now - refilledAt) * currentRate(now));
      refilledAt = now;
    }
  }

  private static void sleep(long nanos) throws InterruptedException {
    Thread.sleep(Math.max(1, nanos / 1_000_000), (int) (nanos % 1_000_000));
  }
}
