package io.flagops.operator.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestBudgetTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RequestBudget budget = new RequestBudget(10, 3, now::get);

  @Test
  void aBurstIsServedAtOnceThenTheRateApplies() {
    for (int i = 0; i < 3; i++) {
      assertThat(budget.takeTurn("r" + i)).isZero();
    }
    assertThat(budget.takeTurn("late")).isEqualTo(Duration.ofMillis(100));

    now.addAndGet(Duration.ofMillis(100).toNanos());
    assertThat(budget.takeTurn("late")).isZero();
  }

  @Test
  void callersThatFindTheBucketEmptyGetTurnsInOrderWithoutWaiting() {
    spendTheBurst();

    assertThat(budget.takeTurn("a")).isEqualTo(Duration.ofMillis(100));
    assertThat(budget.takeTurn("b")).isEqualTo(Duration.ofMillis(200));
    assertThat(budget.takeTurn("c")).isEqualTo(Duration.ofMillis(300));
    // asking again before the turn comes reserves nothing new
    assertThat(budget.takeTurn("b")).isEqualTo(Duration.ofMillis(200));

    now.addAndGet(Duration.ofMillis(200).toNanos());
    assertThat(budget.takeTurn("a")).isZero();
    assertThat(budget.takeTurn("b")).isZero();
    assertThat(budget.takeTurn("c")).isEqualTo(Duration.ofMillis(100));
    // a newcomer queues behind the turns already given
    assertThat(budget.takeTurn("d")).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void aCallThatFollowsAGrantedOneBorrowsFromLaterTurns() {
    spendTheBurst();

    assertThat(budget.takeFollowUp()).isZero();
    assertThat(budget.takeFollowUp()).isZero();
    // the borrowed permits push the next turn back
    assertThat(budget.takeTurn("next")).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void aRateLimitPausesEveryCallerUntilTheWaitIsOver() {
    budget.pauseFor(Duration.ofSeconds(2));

    assertThat(budget.takeTurn("a")).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(budget.takeFollowUp()).isEqualTo(Duration.ofSeconds(2));
    assertThat(budget.pausedFor()).isEqualTo(Duration.ofSeconds(2));

    now.addAndGet(Duration.ofSeconds(3).toNanos());
    assertThat(budget.takeTurn("a")).isZero();
    assertThat(budget.takeFollowUp()).isZero();
  }

  @Test
  void aTurnReservedBeforeAPauseWaitsForItsEnd() {
    spendTheBurst();
    assertThat(budget.takeTurn("a")).isEqualTo(Duration.ofMillis(100));

    budget.pauseFor(Duration.ofSeconds(1));
    now.addAndGet(Duration.ofMillis(100).toNanos());

    assertThat(budget.takeTurn("a")).isEqualTo(Duration.ofMillis(900));
  }

  @Test
  void anEmptyWindowStopsCallsUntilItsReset() {
    budget.observe(0, Duration.ofSeconds(4));

    assertThat(budget.takeTurn("a")).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(budget.takeFollowUp()).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void aRateLimitHalvesTheRateWhichClimbsBackWhenQuiet() {
    budget.pauseFor(Duration.ofSeconds(1));
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(5.0);
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    budget.pauseFor(Duration.ofSeconds(1));
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(2.5);

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(3.5);
    now.addAndGet(Duration.ofSeconds(100).toNanos());
    assertThat(budget.currentRequestsPerSecond()).isEqualTo(10.0);
  }

  @Test
  void the429sOfCallsAlreadyOnTheirWayHalveTheRateOnce() {
    for (int i = 0; i < 5; i++) {
      budget.pauseFor(Duration.ofSeconds(1));
    }

    assertThat(budget.currentRequestsPerSecond()).isEqualTo(5.0);
  }

  @Test
  void neverPlansToSpendMoreThanTheWindowHasLeft() {
    budget.observe(4, Duration.ofSeconds(5)); // 3 of them kept for writes (the burst)

    assertThat(budget.takeTurn("a")).isZero();
    assertThat(budget.takeTurn("b")).isPositive();
  }

  @Test
  void callsOnTheirWayCountAgainstWhatTheWindowHasLeft() {
    RequestBudget roomy = new RequestBudget(10, 10, now::get);
    for (int i = 0; i < 5; i++) {
      assertThat(roomy.takeTurn("sent" + i)).isZero();
    }
    // the first answer says 3 are left; 4 other calls are on their way and may not be counted
    roomy.observe(3, Duration.ofSeconds(5));
    roomy.finished();

    assertThat(roomy.takeTurn("next"))
        .as(
            "the calls on their way may take what is left: nothing before the reset, then the"
                + " bucket as it was when the window's rest was kept (empty): one turn later")
        .isEqualTo(Duration.ofMillis(5100));
  }

  @Test
  void answeredCallsNoLongerCountAgainstTheWindow() {
    RequestBudget roomy = new RequestBudget(10, 10, now::get);
    for (int i = 0; i < 5; i++) {
      roomy.takeTurn("sent" + i);
      roomy.finished();
    }
    roomy.observe(13, Duration.ofSeconds(5)); // 10 of them kept for writes (the burst)

    for (String caller : List.of("a", "b", "c")) {
      assertThat(roomy.takeTurn(caller)).isZero();
      roomy.finished();
    }
    assertThat(roomy.takeTurn("d")).isPositive();
  }

  @Test
  void turnsTakenLateStopAtWhatTheWindowHasLeft() {
    for (int i = 0; i < 3; i++) {
      budget.takeTurn("burst" + i);
      budget.finished();
    }
    List.of("a", "b", "c", "d").forEach(budget::takeTurn); // turns at +100 .. +400 ms, paid now
    budget.observe(8, Duration.ofSeconds(5));

    // the workers were busy: every turn is taken late, at once
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(budget.takeTurn("a")).isZero();
    assertThat(budget.takeTurn("b")).isZero();
    assertThat(budget.takeTurn("c"))
        .as("the rest (6) is kept for the writes of passes under way: 2 per call, and the burst")
        .isEqualTo(Duration.ofSeconds(4));
    for (int i = 0; i < 6; i++) {
      assertThat(budget.takeFollowUp()).as("the writes of the passes under way").isZero();
    }
    assertThat(budget.takeFollowUp()).as("the window is used up").isEqualTo(Duration.ofSeconds(4));

    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(budget.takeTurn("c"))
        .as("a new window; the writes were paid by the old one's rest, not borrowed from this turn")
        .isZero();
  }

  @Test
  void askingWhenTheTurnComesReservesItAndTakesNothing() {
    assertThat(budget.untilTurn("a")).as("the bucket is full").isZero();
    assertThat(budget.untilTurn("a")).as("asked again: the same turn").isZero();
    assertThat(budget.takeTurn("b")).isZero();
    assertThat(budget.takeTurn("c")).isZero();
    assertThat(budget.untilTurn("d")).as("a's permit is reserved for it").isEqualTo(ms(100));
    assertThat(budget.takeTurn("a")).as("the turn asked about, taken").isZero();

    now.addAndGet(ms(100).toNanos());
    assertThat(budget.untilTurn("d")).isZero();
    assertThat(budget.takeTurn("e")).as("in line behind d").isEqualTo(ms(100));
    assertThat(budget.takeTurn("d")).isZero();
  }

  /**
   * Turns held back by account A's 429 are spread after A's pause; account B's turns, reserved
   * among them, come back after no more than the halved rate's spacing.
   */
  @Test
  void aRateLimitOfOneAccountPushesBackNoTurnOfAnother() {
    spendTheBurst();
    for (String caller : List.of("a1", "b1", "a2", "b2", "b3")) {
      budget.untilTurn(caller, caller.startsWith("a") ? "A" : "B");
    }
    budget.pauseFor("A", Duration.ofMinutes(5));

    assertThat(budget.untilTurn("a1", "A")).isGreaterThan(Duration.ofMinutes(4));
    assertThat(budget.untilTurn("a2", "A")).isGreaterThan(budget.untilTurn("a1", "A"));
    for (String b : List.of("b1", "b2", "b3")) {
      Duration wait = budget.untilTurn(b, "B");
      assertThat(wait).as(b).isLessThan(Duration.ofSeconds(2));
      now.addAndGet(wait.toNanos());
      assertThat(budget.takeTurn(b, "B")).as(b + " when its turn comes").isZero();
    }
  }

  /**
   * Callers of an account that asks for a turn while it waits after its 429 queue after that wait
   * among themselves: they take no place in the line of another account's callers.
   */
  @Test
  void callersOfARateLimitedAccountArrivingLaterPushBackNoTurnOfAnother() {
    budget.pauseFor("A", Duration.ofMinutes(5));
    for (int i = 1; i <= 50; i++) {
      assertThat(budget.untilTurn("a" + i, "A")).isGreaterThan(Duration.ofMinutes(4));
    }

    assertThat(budget.untilTurn("b1", "B")).isLessThan(Duration.ofSeconds(1));
    assertThat(budget.untilTurn("a50", "A"))
        .as("spread after the wait at the halved rate")
        .isGreaterThan(Duration.ofMinutes(5).plusSeconds(9));
  }

  /**
   * A turn whose call is answered without being made goes back to the bucket, if it was paid for:
   * one spread after its account's 429 took nothing, and gives nothing back.
   */
  @Test
  void aCancelledTurnGivesBackOnlyThePermitItTook() {
    spendTheBurst();
    Duration itsWait = budget.untilTurn("waiting", "B");
    assertThat(itsWait).isPositive();
    budget.cancelTurn("waiting");
    assertThat(budget.untilTurn("next", "B")).as("its place, given back").isEqualTo(itsWait);

    RequestBudget paused = new RequestBudget(10, 1, now::get);
    paused.takeTurn("burst");
    paused.pauseFor("A", Duration.ofMinutes(5));
    assertThat(paused.untilTurn("after-the-pause", "A")).isGreaterThan(Duration.ofMinutes(4));
    paused.cancelTurn("after-the-pause");
    Duration first = paused.untilTurn("b1", "B");
    assertThat(paused.untilTurn("b2", "B"))
        .as("no permit minted: the second caller queues behind the first")
        .isGreaterThan(first);
  }

  /** The 429s of calls on their way when a pause began extend it by what they add, no more. */
  @Test
  void overlappingPausesAreCountedByWhatTheyAdd() {
    assertThat(budget.pauseFor("A", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    now.addAndGet(ms(500).toNanos());
    assertThat(budget.pauseFor("A", Duration.ofMillis(2500))).as("the same end").isZero();
    assertThat(budget.pauseFor("A", Duration.ofSeconds(3))).isEqualTo(ms(500));
    assertThat(budget.pauseFor("B", Duration.ofSeconds(1)))
        .as("another account's pause is its own")
        .isEqualTo(Duration.ofSeconds(1));
  }

  /**
   * A turn pushed back by borrowed permits is not forgotten as stale while it is still to come:
   * forgotten, its caller would queue again at the back and pay a second permit.
   */
  @Test
  void aTurnPushedBackByFollowUpsIsKeptUntilItIsDue() {
    spendTheBurst();
    assertThat(budget.untilTurn("first")).isEqualTo(ms(100));
    for (int i = 0; i < 1_100; i++) {
      budget.untilTurn("waiting" + i);
    }
    for (int i = 0; i < 700; i++) { // 70 s borrowed from later turns: "first" is due at 70.1 s
      assertThat(budget.takeFollowUp()).isZero();
    }

    now.addAndGet(Duration.ofSeconds(61).toNanos());
    for (int i = 0; i < 1_000; i++) { // the turns outgrow the last count: stale ones are forgotten
      budget.untilTurn("newcomer" + i);
    }

    assertThat(budget.untilTurn("first")).isEqualTo(Duration.ofMillis(9_100));
  }

  /** The three permits of a full bucket, granted to callers that never come back. */
  private void spendTheBurst() {
    for (int i = 0; i < 3; i++) {
      budget.takeTurn("burst" + i);
    }
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void turnsTakenLateGoAtTheRateNotAllAtOnce() {
    spendTheBurst();
    List.of("a", "b", "c", "d").forEach(budget::takeTurn); // turns at +100 .. +400 ms, paid now

    now.addAndGet(Duration.ofSeconds(1).toNanos()); // the workers were busy
    for (String caller : List.of("a", "b", "c")) {
      assertThat(budget.takeTurn(caller)).as("the burst").isZero();
    }
    assertThat(budget.takeTurn("d")).as("then the rate").isEqualTo(Duration.ofMillis(100));

    now.addAndGet(Duration.ofMillis(100).toNanos());
    assertThat(budget.takeTurn("d")).isZero();
  }

  @Test
  void keepingTheWindowsRestMovesReservedTurnsBackByTheTimeItHadLeft() {
    spendTheBurst();
    assertThat(budget.takeTurn("a")).isEqualTo(Duration.ofMillis(100));
    assertThat(budget.takeTurn("b")).isEqualTo(Duration.ofMillis(200));
    budget.observe(9, Duration.ofMillis(50)); // 3 on their way: 2 writes each and the burst

    assertThat(budget.takeTurn("a"))
        .as("kept until the window ends, then in line as before, moved back by those 50 ms")
        .isEqualTo(Duration.ofMillis(150));
    assertThat(budget.takeTurn("b")).isEqualTo(Duration.ofMillis(250));
    assertThat(budget.takeFollowUp()).as("a write of a pass under way").isZero();
    assertThat(budget.takeTurn("c"))
        .as("a newcomer: the bucket did not fill while the window's rest was kept")
        .isEqualTo(Duration.ofMillis(350));
  }

  @Test
  void anAnswerReadLateDoesNotGiveBackWhatALaterCallSpent() throws Exception {
    ExecutorService first = Executors.newSingleThreadExecutor();
    ExecutorService second = Executors.newSingleThreadExecutor();
    try {
      on(first, () -> budget.takeTurn("a"));
      on(second, () -> budget.takeTurn("b"));
      // LaunchDarkly counts a, then b; b's answer is read first, a's (one more left) after it
      on(second, () -> budget.observe(3, Duration.ofSeconds(5)));
      on(second, budget::finished);
      on(first, () -> budget.observe(4, Duration.ofSeconds(5)));
      on(first, budget::finished);

      assertThat(budget.takeTurn("c"))
          .as("3 are left, all kept for the burst: a's answer did not count b, which was answered")
          .isEqualTo(Duration.ofSeconds(5));
    } finally {
      first.shutdownNow();
      second.shutdownNow();
    }
  }

  private static void on(ExecutorService thread, Runnable step) throws Exception {
    thread.submit(step).get();
  }
}
