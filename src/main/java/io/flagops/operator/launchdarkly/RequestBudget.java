package io.flagops.operator.launchdarkly;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
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
 * calls it may not have counted when it answered and those granted since, is only enough for the
 * writes of the passes under way; when it is used up, every call stops until the reset. The token
 * bucket alone cannot promise that: a turn is paid for when it is reserved, and when workers are
 * busy (thousands of new resources at a start) turns reserved for one window are taken in the next,
 * all at once. After a 429 the callers of the account that got it wait until its window resets
 * (LaunchDarkly limits each account on its own: other accounts' calls go on), and the rate halves
 * (once per such event), then climbs back slowly (additive increase, multiplicative decrease), so a
 * budget set higher than the account allows settles just under it. Hand-written because its waits
 * come from LaunchDarkly's own headers.
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

  /**
   * Permits for the calls that actually go, filled like {@link #tokens} but paid when a call is
   * granted rather than when its turn is reserved: turns taken late (the workers were busy) then go
   * at the rate, not all at once, which would spend LaunchDarkly's window early.
   */
  private double spendable;

  /** No permits before this time (a window LaunchDarkly says is spent). */
  private long pausedUntil;

  /** Accounts (token fingerprints) that got a 429: none of their calls before the given time. */
  private final Map<String, Long> accountsPausedUntil = new HashMap<>();

  /**
   * Callers with a reserved turn (already paid for): when it comes, and {@link #borrowed} at the
   * time, since calls that borrowed later push every reserved turn back.
   */
  private final Map<Object, Turn> turns = new HashMap<>();

  /** Turns are pruned when there are this many: twice what was left last time (amortized). */
  private int pruneTurnsAbove = 1024;

  /** {@code paid}: its permit was taken from {@link #tokens} when it was reserved. */
  private record Turn(long at, double borrowedBefore, boolean paid) {}

  /** Time worth of permits that follow-up calls took ahead of the reserved turns, in nanos. */
  private double borrowed;

  /** Where the next turn a pause holds back goes, by account ({@link #spreadAfter}). */
  private final Map<String, Long> nextTurnAfterPause = new HashMap<>();

  private static final String WHOLE_PROCESS = "";

  /** How many calls were granted: each call's number, in the order they were granted. */
  private long grants;

  /** The numbers of the calls granted and not yet answered. */
  private final NavigableSet<Long> onTheirWay = new TreeSet<>();

  /**
   * The call the current thread was last granted: its answer's rate-limit headers are read on the
   * same thread (see {@link HttpLaunchDarklyClient}), and it ends there too.
   */
  private final ThreadLocal<Long> callOfThisThread = new ThreadLocal<>();

  /**
   * What LaunchDarkly's last answer said was left of its window, less the calls it may not have
   * counted then and those granted since; unknown once that window has ended.
   */
  private long windowLeft = Long.MAX_VALUE;

  private long windowEndsAt = Long.MIN_VALUE;

  /** The end of the last window whose rest was kept for writes (reserved turns moved past it). */
  private long keptUntil = Long.MIN_VALUE;

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
    this.spendable = burst;
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
    return turn(caller, true);
  }

  /**
   * {@link #takeTurn(Object)} for a caller of an account: while that account waits after a 429, its
   * turn comes after the wait, as every caller's does after a pause of the whole process.
   */
  public synchronized Duration takeTurn(Object caller, String account) {
    return turn(caller, true, account, accountPausedUntil(account));
  }

  /**
   * How long until the caller's pass may make its first call, its turn reserved (and paid for) as
   * {@link #takeTurn} would, but not taken: a pass can then skip the work that comes before that
   * call (a write to Kubernetes) while its turn is still to come.
   *
   * @return zero when a {@link #takeTurn} now would be granted (unless someone takes it first)
   */
  public synchronized Duration untilTurn(Object caller) {
    return turn(caller, false);
  }

  /**
   * {@link #untilTurn(Object)} for a caller of an account, as {@link #takeTurn(Object, String)}.
   */
  public synchronized Duration untilTurn(Object caller, String account) {
    return turn(caller, false, account, accountPausedUntil(account));
  }

  /** Until when an account's calls wait after its 429; {@link Long#MIN_VALUE} when they do not. */
  private long accountPausedUntil(String account) {
    Long until = account == null ? null : accountsPausedUntil.get(account);
    if (until == null) {
      return Long.MIN_VALUE;
    }
    if (nanoClock.getAsLong() >= until) {
      accountsPausedUntil.remove(account);
      return Long.MIN_VALUE;
    }
    return until;
  }

  private Duration turn(Object caller, boolean take) {
    return turn(caller, take, null, Long.MIN_VALUE);
  }

  /**
   * @param account the caller's account, or null when not known
   * @param accountPausedUntil until when the caller's account waits after a 429 (a pause of its
   *     calls only)
   */
  private Duration turn(Object caller, boolean take, String account, long accountPausedUntil) {
    long now = nanoClock.getAsLong();
    refill(now);
    long processPausedUntil = firstCallsPausedUntil(now);
    long paused = Math.max(processPausedUntil, accountPausedUntil);
    Turn turn = turns.get(caller);
    if (turn != null) {
      long due = dueAt(turn);
      if (due < paused && now < paused) {
        // spread the turns a pause held back instead of letting them all go when it ends
        due = spreadAfter(paused, account, accountPausedUntil > processPausedUntil, now);
        turns.put(caller, new Turn(due, borrowed, turn.paid()));
      }
      if (due > now) {
        return Duration.ofNanos(due - now);
      }
      if (take) {
        turns.remove(caller);
        spendable -= 1;
        granted(now);
      }
      return Duration.ZERO;
    }
    if (now >= paused && tokens >= 1) {
      tokens -= 1;
      if (take) {
        spendable -= 1;
        granted(now);
      } else {
        turns.put(caller, new Turn(now, borrowed, true)); // callers asking at once queue behind it
      }
      return Duration.ZERO;
    }
    if (accountPausedUntil > now && accountPausedUntil > processPausedUntil) {
      // its account waits after its own 429: the turn goes after that wait among its account's,
      // and is paid when its call goes (spendable), so it takes no place in other accounts' line
      long due = spreadAfter(accountPausedUntil, account, true, now);
      forgetStaleTurns(now);
      turns.put(caller, new Turn(due, borrowed, false));
      return Duration.ofNanos(Math.max(due - now, 1));
    }
    tokens -= 1; // the turn is paid for now, so later callers queue behind it
    long wait = Math.max(paused - now, (long) Math.ceil(-tokens / currentRate(now)));
    forgetStaleTurns(now);
    turns.put(caller, new Turn(now + wait, borrowed, true));
    return Duration.ofNanos(Math.max(wait, 1));
  }

  /**
   * The caller will not come for the turn reserved for it (its call was answered without being
   * made): the permit it paid for goes back to the bucket.
   */
  public synchronized void cancelTurn(Object caller) {
    Turn turn = turns.remove(caller);
    if (turn != null && turn.paid()) { // one spread after its account's 429 took nothing
      tokens = Math.min(burst, tokens + 1);
    }
  }

  /**
   * Where a turn a pause held back goes: one permit after the last turn spread before it, among
   * those of the caller's account and, for a pause of the whole process, those of every account. An
   * account's own 429 spreads its turns after the others' without pushing theirs back; a single
   * account's turns follow one line, as all turns did before there were several.
   */
  private long spreadAfter(long paused, String account, boolean accountsOwnPause, long now) {
    String own = account == null ? WHOLE_PROCESS : account;
    nextTurnAfterPause.values().removeIf(at -> at < now); // spread turns that have all come
    long due = Math.max(paused, nextTurnAfterPause.getOrDefault(own, Long.MIN_VALUE));
    if (!accountsOwnPause) {
      due = Math.max(due, nextTurnAfterPause.getOrDefault(WHOLE_PROCESS, Long.MIN_VALUE));
    }
    long next = due + (long) (1 / currentRate(now));
    nextTurnAfterPause.put(own, next);
    if (!accountsOwnPause) {
      nextTurnAfterPause.put(WHOLE_PROCESS, next);
    }
    return due;
  }

  /**
   * A permit for a call that follows a granted one in the same pass (a write after its read). It is
   * taken even from an empty bucket, borrowing from later turns; only a pause refuses it.
   *
   * @return zero when granted, else how long the pause lasts
   */
  public synchronized Duration takeFollowUp() {
    return takeFollowUp(null);
  }

  /** {@link #takeFollowUp()} for a call of an account, refused while that account waits. */
  public synchronized Duration takeFollowUp(String account) {
    long now = nanoClock.getAsLong();
    long paused = Math.max(pausedUntil, accountPausedUntil(account));
    if (now < paused) {
      return Duration.ofNanos(paused - now);
    }
    refill(now);
    if (!keepingRestOfWindow(now)) {
      tokens -= 1;
      spendable -= 1;
      borrowed += 1 / currentRate(now);
    }
    granted(now);
    return Duration.ZERO;
  }

  /**
   * Until when a pass's first call waits: a pause, the end of a window whose rest is kept, or the
   * next permit when what was actually sent used them up.
   */
  private long firstCallsPausedUntil(long now) {
    long until = keepingRestOfWindow(now) ? Math.max(pausedUntil, windowEndsAt) : pausedUntil;
    if (spendable < 1) {
      until = Math.max(until, now + (long) Math.ceil((1 - spendable) / currentRate(now)));
    }
    return until;
  }

  /**
   * Whether the rest of LaunchDarkly's window is kept for the writes of passes under way: up to two
   * for each call on its way (a create, then a phase), and the burst for passes whose read is
   * answered and whose writes are about to go, so that passes are not cut between their read and
   * their writes (which would cost a second read). Those writes are paid by the window's rest, not
   * borrowed from later turns. When the keeping starts, the bucket stops filling and every reserved
   * turn moves back by the time the window has left: the turns then go on in the next window as
   * they were spaced, rather than on top of the ones already due there, which would spend that
   * window early and cut passes in it.
   */
  private boolean keepingRestOfWindow(long now) {
    boolean nearlySpent = now < windowEndsAt && windowLeft <= 2L * onTheirWay.size() + burst;
    if (nearlySpent && now >= keptUntil) { // once per window (its end moves by a few ms per answer)
      keptUntil = windowEndsAt;
      long rest = windowEndsAt - now;
      borrowed += rest;
      tokens -= rest * currentRate(now);
      spendable -= rest * currentRate(now);
    }
    return nearlySpent;
  }

  /**
   * One call more on its way, spent from what is known to be left of the window; with nothing left,
   * every call stops until the reset.
   */
  private void granted(long now) {
    onTheirWay.add(++grants);
    callOfThisThread.set(grants);
    if (now >= windowEndsAt) {
      windowLeft = Long.MAX_VALUE; // a new window: nothing known of it until the next answer
    } else if (--windowLeft <= 0) {
      pausedUntil = Math.max(pausedUntil, windowEndsAt);
    }
  }

  /** The call this thread was granted ended: answered, failed or never sent. */
  public synchronized void finished() {
    Long call = callOfThisThread.get();
    if (call != null) {
      onTheirWay.remove(call);
      callOfThisThread.remove();
    }
  }

  /**
   * After a 429: nobody calls before {@code wait} has passed, and the rate halves, once per such
   * event: the 429s of calls that were already on their way do not halve it again.
   */
  public synchronized Duration pauseFor(Duration wait) {
    return pauseFor(null, wait);
  }

  /**
   * After a 429 of an account: none of that account's calls before {@code wait} has passed (every
   * caller's, when the account is not known), and the rate halves, once per such event: the 429s of
   * calls that were already on their way do not halve it again.
   *
   * @return how much longer that account (or every caller) is paused now: zero for the 429 of a
   *     call already on its way when the pause began
   */
  public synchronized Duration pauseFor(String account, Duration wait) {
    long now = nanoClock.getAsLong();
    if (now >= slowedUntil) {
      adaptiveRatePerNano = Math.max(ratePerNano * MIN_FRACTION, adaptiveRatePerNano / 2);
      adjustedAt = now;
      slowedUntil = now + wait.toNanos();
    }
    long until = now + wait.toNanos();
    long before;
    if (account == null) {
      before = pausedUntil;
      pausedUntil = Math.max(pausedUntil, until);
    } else {
      before = accountsPausedUntil.getOrDefault(account, now);
      accountsPausedUntil.merge(account, until, Math::max);
    }
    emptyBuckets();
    return Duration.ofNanos(Math.max(0, until - Math.max(before, now)));
  }

  /** Nothing saved up is spent once a pause ends: callers start again at the rate. */
  private void emptyBuckets() {
    tokens = Math.min(tokens, 0);
    spendable = Math.min(spendable, 0);
  }

  /**
   * What LaunchDarkly says is left of its window, in the answer to the call this thread was granted
   * (read before that call is {@link #finished()}): passes start no new call once that, less the
   * calls it may not have counted and those granted since, is only enough for the writes of passes
   * under way, and every call stops when it is used up.
   */
  public synchronized void observe(long remaining, Duration untilReset) {
    long now = nanoClock.getAsLong();
    windowEndsAt = now + Math.max(0, untilReset.toNanos());
    windowLeft = remaining - notCountedIn(callOfThisThread.get());
    if (remaining <= 0) {
      pausedUntil = Math.max(pausedUntil, windowEndsAt);
      emptyBuckets();
      return;
    }
    refill(now);
    tokens = Math.min(tokens, Math.max(0, windowLeft));
  }

  /**
   * The calls LaunchDarkly may not have counted when it answered {@code call}: the others on their
   * way, and those granted after it and already answered (their answers may be read first). Exact
   * when calls reach LaunchDarkly in the order they were granted, and on the safe side otherwise.
   */
  private long notCountedIn(Long call) {
    if (call == null || !onTheirWay.contains(call)) {
      return onTheirWay.size(); // not one of this budget's calls: assume none of those counted
    }
    long grantedAfter = grants - call;
    long answeredAfter = grantedAfter - onTheirWay.tailSet(call, false).size();
    return onTheirWay.size() - 1 + answeredAfter;
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
      double refilled = (now - refilledAt) * currentRate(now);
      tokens = Math.min(burst, tokens + refilled);
      spendable = Math.min(burst, spendable + refilled);
      refilledAt = now;
    }
  }

  /** When a turn comes: when it was given, pushed back by the permits borrowed since. */
  private long dueAt(Turn turn) {
    return turn.at() + (long) (borrowed - turn.borrowedBefore());
  }

  /**
   * A caller that never came back for its turn (its resource went away) is forgotten: a minute
   * after the turn came, not after it was given (one pushed back is still to come).
   */
  private void forgetStaleTurns(long now) {
    if (turns.size() > pruneTurnsAbove) {
      turns.values().removeIf(turn -> now - dueAt(turn) > FORGET_TURN_AFTER_NANOS);
      pruneTurnsAbove = Math.max(1024, 2 * turns.size());
    }
  }
}
