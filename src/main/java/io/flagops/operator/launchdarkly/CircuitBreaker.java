package io.flagops.operator.launchdarkly;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Stops calling LaunchDarkly while it is failing: after {@code failureThreshold} server errors or
 * timeouts in a row the breaker opens and calls fail at once for {@code openFor}; then one probe is
 * let through (half-open), and its outcome closes or reopens the breaker.
 */
public final class CircuitBreaker {
  /** The breaker's position, as the metric and the condition reason show it. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final int failureThreshold;
  private final long openForNanos;
  private final LongSupplier nanoClock;

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private boolean probeInFlight;

  public CircuitBreaker(int failureThreshold, Duration openFor) {
    this(failureThreshold, openFor, System::nanoTime);
  }

  CircuitBreaker(int failureThreshold, Duration openFor, LongSupplier nanoClock) {
    this.failureThreshold = failureThreshold;
    this.openForNanos = openFor.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Asks to make a call.
   *
   * @throws LaunchDarklyException.CircuitOpen when the breaker is open, or a probe is already out
   */
  public synchronized void beforeCall() {
    if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= openForNanos) {
      state = State.HALF_OPEN;
    }
    if (state == State.OPEN || (state == State.HALF_OPEN && probeInFlight)) {
      throw open();
    }
    if (state == State.HALF_OPEN) {
      probeInFlight = true;
    }
  }

  /**
   * Fails at once while the breaker is open, and otherwise changes nothing: unlike {@link
   * #beforeCall()} it never takes the half-open probe, so a caller can check before it waits for
   * the request budget and ask for the call itself afterwards.
   *
   * @throws LaunchDarklyException.CircuitOpen when the breaker is open
   */
  public synchronized void rejectIfOpen() {
    if (state() == State.OPEN) {
      throw open();
    }
  }

  private LaunchDarklyException.CircuitOpen open() {
    long left = Math.max(0, openForNanos - (nanoClock.getAsLong() - openedAt));
    // no numbers that change from call to call: the message ends up in status conditions
    return new LaunchDarklyException.CircuitOpen(
        "LaunchDarkly failed "
            + failureThreshold
            + " times in a row (server errors or timeouts); calls are paused, then one is tried",
        Duration.ofNanos(Math.max(left, 1_000_000_000L)));
  }

  /** The call got an answer that says LaunchDarkly works (any 2xx or 4xx). */
  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    probeInFlight = false;
    state = State.CLOSED;
  }

  /** The call failed with a server error, a timeout or a dropped connection. */
  public synchronized void onFailure() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
      state = State.OPEN;
      openedAt = nanoClock.getAsLong();
    }
    probeInFlight = false;
  }

  public synchronized State state() {
    if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= openForNanos) {
      return State.HALF_OPEN;
    }
    return state;
  }
}
