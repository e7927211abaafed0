package io.flagops.operator.launchdarkly;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * What LaunchDarkly's rate-limit headers last said of one account's window (each account has its
 * own), and the calls of that account granted and not yet answered. Not thread-safe: {@link
 * RequestBudget} holds its lock around every use.
 */
final class AccountWindow {
  /** What the last answer said was left, less the calls it may not have counted and those since. */
  long left = Long.MAX_VALUE;

  long endsAt = Long.MIN_VALUE;

  /** The end of the last window whose rest was kept for writes. */
  long keptUntil = Long.MIN_VALUE;

  /** None of the account's calls before this time: its window was said to be spent. */
  long spentUntil = Long.MIN_VALUE;

  /** How many calls of the account were granted: each call's number, in the order granted. */
  private long grants;

  /** The numbers of the calls granted and not yet answered. */
  final NavigableSet<Long> onTheirWay = new TreeSet<>();

  /** One call more on its way, spent from what is known to be left; its number. */
  long grant(long now) {
    onTheirWay.add(++grants);
    if (now >= endsAt) {
      left = Long.MAX_VALUE; // a new window: nothing known of it until the next answer
    } else if (--left <= 0) {
      spentUntil = Math.max(spentUntil, endsAt);
    }
    return grants;
  }

  /**
   * What an answer to {@code call} (null when not one of this window's calls) says is left.
   *
   * @return whether the window is spent
   */
  boolean observe(long remaining, long endsAt, Long call) {
    this.endsAt = endsAt;
    this.left = remaining - notCountedIn(call);
    if (remaining <= 0) {
      spentUntil = Math.max(spentUntil, endsAt);
      return true;
    }
    return false;
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

  /**
   * Whether only enough is left for the writes of passes under way: up to two for each call on its
   * way (a create, then a phase), and the burst for passes whose read is answered.
   */
  boolean nearlySpent(long now, double burst) {
    return now < endsAt && left <= 2L * onTheirWay.size() + burst;
  }

  /** Whether the headers still say something of it, or calls of it are on their way. */
  boolean live(long now) {
    return now < endsAt || now < spentUntil || !onTheirWay.isEmpty();
  }
}
