package io.flagops.operator.launchdarkly;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One budget of LaunchDarkly calls for the whole process: a token bucket of {@code
 * requestsPerSecond} with room for {@code burst}, shared by every reconcile. It never makes a
 * caller wait: a reconcile pass that finds the bucket empty gets a turn reserved in order and is
 * told how long until it comes, so it is rescheduled instead of holding a worker thread. The calls
 * that follow a pass's first one (its writes) borrow from later turns, so a pass is not cut in the
 * middle, and the turns reserved after them move back accordingly.
 *
 * <p>No pass starts once what LaunchDarkly's rate-limit headers say is left of the window, less the
 * calls on their way (granted, not yet answered: LaunchDarkly may not have counted them when it
 * answered) and those granted since, is only enough for the writes of the passes under way; when it
 * is used up, every call stops until the reset. The token bucket alone cannot promise that: a turn
 * is paid for when it is reserved, and when workers are busy (thousands of new resources at a
 * start) turns reserved for one window are taken in the next, all at once. After a 429 every caller
 * waits until the window resets and the rate halves (once per such event), then climbs back slowly
 * (additive increase, multiplicative decrease), so a budget set higher than the account allows
 * settles just under it. Hand-written because its waits come from LaunchDarkly's own headers.
 */
public final class RequestBudget {
  private static final long RECOVERY_STEP_NANOS = 10_000_000_000L;
  private static final double MIN_FRACTION = 0.05;
  private static final long FORGET_TURN_AFTER_NANOS = 60_000_000_000L;

  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoClock;

  /** The rate after 429s: halved by each, back up by a tenth of the configured rate per step. */
  private double adaptiveRatePerNano;

  private long adjustedAt;

  /** The end of the limit the rate was last halved for. */
  private long slowedUntil;

  /** Permits in the bucket; below zero while reserved turns are still to be paid for. */
  private double tokens;

  private long refilledAt;

  /** No permits before this time (a 429, or a window LaunchDarkly says is spent). */
  private long pausedUntil;

  /**
   * Callers with a reserved turn (already paid for): when it comes, and {@link #borrowed} at the
   * time, since calls that borrowed later push every reserved turn back.
   */
  private final Map<Object, Turn> turns = new HashMap<>();

  /** Turns are pruned when there are this many: twice what was left last time (amortized). */
  private int pruneTurnsAbove = 1024;

  private record Turn(long at, double borrowedBefore) {}

  /** Time worth of permits that follow-up calls took ahead of the reserved turns, in nanos. */
  private double borrowed;

  /** Turns held back by a pause are spread out from here, one per permit. */
  private long nextTurnAfterPause;

  /** Calls granted and not yet answered. */
  private int onTheirWay;

  /**
   * What LaunchDarkly's last answer said was left of its window, less the calls that were on their
   * way then and those granted since; unknown once that window has ended.
   */
  private long windowLeft = Long.MAX_VALUE;

  private long windowEndsAt = Long.MIN_VALUE;

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
   * A permit for the first call of a reconcile pass, in turn. Never waits.
   *
   * @param caller who asks (the same key when it comes back for its turn)
   * @return zero when the permit is granted now, else how long until the caller's reserved turn
   */
  public synchronized Duration takeTurn(Object caller) {
    long now = nanoClock.getAsLong();
    refill(now);
    long paused = firstCallsPausedUntil(now);
    Turn turn = turns.get(caller);
    if (turn != null) {
      long due = turn.at() + (long) (borrowed - turn.borrowedBefore());
      if (now < paused) {
        // spread the turns a pause held back instead of letting them all go when it ends
        due = Math.max(due, Math.max(paused, nextTurnAfterPause));
        nextTurnAfterPause = due + (long) (1 / currentRate(now));
        turns.put(caller, new Turn(due, borrowed));
      }
      if (due > now) {
        return Duration.ofNanos(due - now);
      }
      turns.remove(caller);
      granted(now);
      return Duration.ZERO;
    }
    if (now >= paused && tokens >= 1) {
      tokens -= 1;
      granted(now);
      return Duration.ZERO;
    }
    tokens -= 1; // the turn is paid for now, so later callers queue behind it
    long wait = Math.max(paused - now, (long) Math.ceil(-tokens / currentRate(now)));
    forgetStaleTurns(now);
    turns.put(caller, new Turn(now + wait, borrowed));
    return Duration.ofNanos(Math.max(wait, 1));
  }

  /**
   * A permit for a call that follows a granted one in the same pass (a write after its read). It is
   * taken even from an empty bucket, borrowing from later turns; only a pause refuses it.
   *
   * @return zero when granted, else how long the pause lasts
   */
  public synchronized Duration takeFollowUp() {
    long now = nanoClock.getAsLong();
    if (now < pausedUntil) {
      return Duration.ofNanos(pausedUntil - now);
    }
    refill(now);
    tokens -= 1;
    borrowed += 1 / currentRate(now);
    granted(now);
    return Duration.ZERO;
  }

  /**
   * Until when a pass's first call waits: a pause, or the end of a window whose rest is kept for
   * the writes of passes under way: up to two for each call on its way (a create, then a phase),
   * and the burst for passes whose read is answered and whose writes are about to go. Passes are
   * then not cut between their read and their writes, which would cost a second read.
   */
  private long firstCallsPausedUntil(long now) {
    boolean windowNearlySpent = now < windowEndsAt && windowLeft <= 2L * onTheirWay + burst;
    return windowNearlySpent ? Math.max(pausedUntil, windowEndsAt) : pausedUntil;
  }

  /**
   * One call more on its way, spent from what is known to be left of the window; with nothing left,
   * every call stops until the reset.
   */
  private void granted(long now) {
    onTheirWay++;
    if (now >= windowEndsAt) {
      windowLeft = Long.MAX_VALUE; // a new window: nothing known of it until the next answer
    } else if (--windowLeft <= 0) {
      pausedUntil = Math.max(pausedUntil, windowEndsAt);
    }
  }

  /** A granted call ended: answered, failed or never sent. */
  public synchronized void finished() {
    onTheirWay = Math.max(0, onTheirWay - 1);
  }

  /**
   * After a 429: nobody calls before {@code wait} has passed, and the rate halves, once per such
   * event: the 429s of calls that were already on their way do not halve it again.
   */
  public synchronized void pauseFor(Duration wait) {
    long now = nanoClock.getAsLong();
    if (now >= slowedUntil) {
      adaptiveRatePerNano = Math.max(ratePerNano * MIN_FRACTION, adaptiveRatePerNano / 2);
      adjustedAt = now;
      slowedUntil = now + wait.toNanos();
    }
    pausedUntil = Math.max(pausedUntil, now + wait.toNanos());
    tokens = Math.min(tokens, 0);
  }

  /**
   * What LaunchDarkly says is left of its window, in the answer to a call still counted as on its
   * way: passes start no new call once that, less the calls on their way and those granted since,
   * is only enough for the writes of passes under way, and every call stops when it is used up.
   */
  public synchronized void observe(long remaining, Duration untilReset) {
    long now = nanoClock.getAsLong();
    windowEndsAt = now + Math.max(0, untilReset.toNanos());
    windowLeft = remaining - Math.max(0, onTheirWay - 1);
    if (remaining <= 0) {
      pausedUntil = Math.max(pausedUntil, windowEndsAt);
      tokens = Math.min(tokens, 0);
      return;
    }
    refill(now);
    tokens = Math.min(tokens, Math.max(0, windowLeft));
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
    return adaptiveRatePerNano;
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

  /** A caller that never came back for its turn (its resource went away) is forgotten. */
  private void forgetStaleTurns(long now) {
    if (turns.size() > pruneTurnsAbove) {
      turns.values().removeIf(turn -> now - turn.at() > FORGET_TURN_AFTER_NANOS);
      pruneTurnsAbove = Math.max(1024, 2 * turns.size());
    }
  }
}
