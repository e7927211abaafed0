package io.flagops.operator.reconciler.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.config.FlagReleaseConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the reconciler looks again, on a clock the test moves: no operator, no server. */
class PollScheduleTest {
  private static final Duration SETTLED = Duration.ofMinutes(5);
  private static final Duration PROGRESSING = Duration.ofSeconds(10);
  private static final Duration STALLED_AFTER = Duration.ofHours(1);

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final PollSchedule schedule =
      new PollSchedule(
          new NoJitter(),
          new RecentSyncs(now::get),
          new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), 2.0, now::get),
          RestartSpread.overSettledInterval(),
          STALLED_AFTER);

  @Test
  void aReadyResourceSeenFirstAfterAStartWaitsItsTurnWithinTheSettledInterval() {
    FlagRelease ready = resource("a", ReleaseState.Ready);

    assertThat(schedule.firstLookAfterStart(ready))
        .hasValueSatisfying(wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(SETTLED));
    assertThat(schedule.firstLookAfterStart(ready)).as("the second look").isEmpty();
    assertThat(schedule.firstLookAfterStart(resource("b", ReleaseState.Progressing))).isEmpty();
  }

  @Test
  void afterAStartTheFirstLooksAreSpreadOverTheTimeTheBudgetNeedsForThemAll() {
    // 600 resources at 20 calls per second: 30 s to read them all, well inside the settled 5 min
    PollSchedule paced =
        new PollSchedule(
            new NoJitter(),
            new RecentSyncs(now::get),
            new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), 2.0, now::get),
            new RestartSpread(() -> 600, 20),
            STALLED_AFTER);
    long latest = 0;
    for (int i = 0; i < 600; i++) {
      latest =
          Math.max(
              latest,
              paced
                  .firstLookAfterStart(resource("r" + i, ReleaseState.Ready))
                  .orElseThrow()
                  .toMillis());
    }
    assertThat(latest).isBetween(25_000L, 30_000L);

    assertThat(new RestartSpread(() -> 1_000_000, 20).window(SETTLED))
        .as("more than the budget reads in a settled interval: spread over the interval")
        .isEqualTo(SETTLED);
    assertThat(new RestartSpread(() -> 3, 20).window(SETTLED)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void aSyncPlansThePollAndAnEarlyWakeUpKeepsItUntilAFailureReplans() {
    FlagRelease ready = resource("a", ReleaseState.Ready);

    assertThat(schedule.afterSync(ready, "t@1", true, false, null)).isEqualTo(SETTLED);
    advance(Duration.ofMinutes(1));
    assertThat(schedule.untilPlannedPoll(ready, "t@1")).contains(Duration.ofMinutes(4));

    schedule.replan(ready);
    assertThat(schedule.untilPlannedPoll(ready, "t@1")).isEmpty();
  }

  @Test
  void whileLaunchDarklyHasWorkToFinishItPollsAtTheProgressingInterval() {
    FlagRelease waiting = resource("a", ReleaseState.Progressing);

    assertThat(schedule.afterSync(waiting, "t@1", false, true, null)).isEqualTo(PROGRESSING);
    assertThat(schedule.untilPlannedPoll(waiting, "t@1")).as("not Ready: read again").isEmpty();
  }

  @Test
  void aGuardedRolloutFarFromItsEndIsPolledSlowlyThenFasterAsTheEndComes() {
    FlagRelease waiting = resource("a", ReleaseState.Progressing);

    assertThat(schedule.afterSync(waiting, "t@1", false, true, Duration.ofDays(7)))
        .as("a week-long window: no faster than a settled resource")
        .isEqualTo(SETTLED);
    assertThat(schedule.afterSync(waiting, "t@1", false, true, Duration.ofMinutes(2)))
        .as("at the end, not later")
        .isEqualTo(Duration.ofMinutes(2));
    assertThat(schedule.afterSync(waiting, "t@1", false, true, Duration.ofSeconds(3)))
        .isEqualTo(PROGRESSING);
    assertThat(schedule.afterSync(waiting, "t@1", false, true, Duration.ofSeconds(-30)))
        .as("past its end: looked at closely until LaunchDarkly completes it")
        .isEqualTo(PROGRESSING);
  }

  @Test
  void theSameStepFailingBacksOffFurtherAndAPassThatGotFurtherStartsOver() {
    FlagRelease resource = resource("a", ReleaseState.Progressing);

    Duration first = schedule.afterTransientFailure(resource, "reading the release", false);
    schedule.afterTransientFailure(resource, "reading the release", false);
    Duration third = schedule.afterTransientFailure(resource, "reading the release", false);
    Duration movedOn = schedule.afterTransientFailure(resource, "starting phase 'Beta'", true);

    assertThat(first).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(third).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
    assertThat(movedOn).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void aReadyResourceStaysReadyThroughFailuresShorterThanASettledInterval() {
    FlagRelease ready = resource("a", ReleaseState.Ready);

    schedule.afterGivenWait(ready, Duration.ofSeconds(30));
    assertThat(schedule.isBlip(ready, false)).isTrue();
    assertThat(schedule.isBlip(ready, true)).as("a pass that changed the release").isFalse();

    advance(SETTLED);
    assertThat(schedule.isBlip(ready, false)).isFalse();
  }

  @Test
  void aStalledResourceStaysStalledThroughFailuresShorterThanASettledIntervalAProgressingOneNot() {
    FlagRelease stalled = resource("a", ReleaseState.Failed);
    schedule.afterGivenWait(stalled, Duration.ofSeconds(30));
    assertThat(schedule.isBlip(stalled, false)).isTrue();

    FlagRelease progressing = resource("b", ReleaseState.Progressing);
    schedule.afterGivenWait(progressing, Duration.ofSeconds(30));
    assertThat(schedule.isBlip(progressing, false)).isFalse();
  }

  @Test
  void aResourceFailingWithNoPassGettingThroughForStalledAfterIsFailingTooLong() {
    FlagRelease failing = resource("a", ReleaseState.Progressing);
    schedule.afterTransientFailure(failing, "reading the release", false);

    advance(STALLED_AFTER.minusSeconds(1));
    schedule.afterTransientFailure(failing, "reading the release", false);
    assertThat(schedule.failingTooLong(failing, false)).isEmpty();

    advance(Duration.ofSeconds(1));
    assertThat(schedule.failingTooLong(failing, false)).hasValue(STALLED_AFTER);

    schedule.afterTransientFailure(failing, "starting phase 'Beta'", true);
    assertThat(schedule.failingTooLong(failing, false))
        .as("a failed pass that moved the release forward starts the count again")
        .isEmpty();
    advance(STALLED_AFTER);
    assertThat(schedule.failingTooLong(failing, false)).hasValue(STALLED_AFTER);

    schedule.movedForward(failing); // then a 429 stopped it
    schedule.afterGivenWait(failing, Duration.ofSeconds(30));
    assertThat(schedule.failingTooLong(failing, false))
        .as("a forward pass a 429 stopped")
        .isEmpty();
    schedule.afterTransientFailure(failing, "reading the release", false);
    advance(STALLED_AFTER);
    assertThat(schedule.failingTooLong(failing, false)).hasValue(STALLED_AFTER);

    schedule.afterSync(failing, "t@1", true, false, null); // a pass got through
    assertThat(schedule.failingTooLong(failing, false)).isEmpty();
    assertThat(schedule.failingTooLong(failing, true))
        .as("its status says so already, written before this process started")
        .hasValue(STALLED_AFTER);
  }

  /** Waits a 429 or the open breaker give have alerts of their own: they start no count. */
  @Test
  void waitsLaunchDarklyGivesDoNotCountTowardsFailingTooLong() {
    FlagRelease waiting = resource("a", ReleaseState.Progressing);
    schedule.afterGivenWait(waiting, Duration.ofSeconds(30));
    advance(STALLED_AFTER.plusMinutes(5));
    schedule.afterTransientFailure(waiting, "reading the release", false);

    assertThat(schedule.failingTooLong(waiting, false))
        .as("an hour of 429s, then one 503")
        .isEmpty();
    advance(STALLED_AFTER);
    assertThat(schedule.failingTooLong(waiting, false)).hasValue(STALLED_AFTER);
  }

  @Test
  void aWaitLaunchDarklyGivesIsNeverShortened() {
    FlagRelease resource = resource("a", ReleaseState.Progressing);

    assertThat(schedule.afterGivenWait(resource, Duration.ofSeconds(30)))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aResourceThatIsGoneIsForgotten() {
    FlagRelease ready = resource("a", ReleaseState.Ready);
    schedule.firstLookAfterStart(ready);
    schedule.afterSync(ready, "t@1", true, false, null);
    schedule.afterGivenWait(ready, Duration.ofSeconds(1));

    schedule.forget(ready);

    assertThat(schedule.untilPlannedPoll(ready, "t@1")).isEmpty();
    assertThat(schedule.failingFor(ready)).isZero();
    assertThat(schedule.firstLookAfterStart(ready)).as("seen again as new").isPresent();
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  @Test
  void aRefusedWriteHeldPastItsHourIsSentAgainOnceAnHour() {
    FlagRelease stalled = resource("held", ReleaseState.Failed);
    Instant t = Instant.parse("2026-12-05T12:00:00Z");
    Duration hour = Duration.ofHours(1);

    assertThat(schedule.heldWriteDue(stalled, t, hour)).as("not tried by this process").isTrue();
    assertThat(schedule.heldWriteDue(stalled, t, hour))
        .as("asking takes no turn: a pass stopped before the write is due again")
        .isTrue();
    schedule.heldWriteTried(stalled, t);
    assertThat(schedule.heldWriteDue(stalled, t.plusSeconds(300), hour)).isFalse();
    assertThat(schedule.heldWriteDue(stalled, t.plus(hour).minusSeconds(1), hour)).isFalse();
    assertThat(schedule.heldWriteDue(stalled, t.plus(hour), hour)).isTrue();
    assertThat(schedule.heldWriteDue(resource("other", ReleaseState.Failed), t, hour))
        .as("per resource")
        .isTrue();

    schedule.forget(stalled);
    assertThat(schedule.heldWriteDue(stalled, t.plusSeconds(1), hour)).isTrue();
  }

  private static FlagRelease resource(String uid, ReleaseState state) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(
        new ObjectMetaBuilder().withName("r-" + uid).withUid(uid).withGeneration(1L).build());
    FlagReleaseStatus status = new FlagReleaseStatus();
    status.setState(state);
    status.setObservedGeneration(1L);
    resource.setStatus(status);
    return resource;
  }

  /** The default intervals, without jitter, so that waits can be compared exactly. */
  private static final class NoJitter implements FlagReleaseConfig.Polling {
    @Override
    public Duration settled() {
      return SETTLED;
    }

    @Override
    public Duration progressing() {
      return PROGRESSING;
    }

    @Override
    public Duration unauthorized() {
      return Duration.ofMinutes(10);
    }

    @Override
    public double jitter() {
      return 0;
    }
  }
}
