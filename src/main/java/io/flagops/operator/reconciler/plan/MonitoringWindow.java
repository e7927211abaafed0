package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * When LaunchDarkly's monitoring of a guarded phase ends, at the latest, as far as the operator can
 * tell. Monitoring begins when the change goes live: at the start, or at the approval of a phase
 * that needs one, and again when a paused phase resumes. LaunchDarkly shows only the start, so a
 * begin the operator did not see is counted from when it first saw the phase monitored: later than
 * the truth, never earlier, so a rollout is never called overdue too soon.
 */
public final class MonitoringWindow {
  private static final long OVERDUE_GRACE_MILLIS = 60_000;

  private MonitoringWindow() {}

  /**
   * Whether a read at {@code readAt} is past the window's end by a tenth of the window (at most a
   * minute), so not just a late poll: LaunchDarkly completes a phase as its window ends, and one
   * left started was likely rolled back.
   */
  static boolean overdue(ReleasePhase phase, long endsAt, Instant readAt) {
    long window = phase.monitoringWindowMillis();
    // a read that leaves the window out (the end kept from an earlier one): the longest grace
    long grace = window == 0 ? OVERDUE_GRACE_MILLIS : Math.min(OVERDUE_GRACE_MILLIS, window / 10);
    return readAt != null && readAt.toEpochMilli() > plus(endsAt, grace);
  }

  /**
   * Whether a read at {@code readAt} shows the phase still monitored past its window's end ({@link
   * #overdue}): started, not paused, not complete. What {@code status.phases} records as
   * monitoringOverdue, the memory of a likely rollback that outlives the stall saying so.
   */
  public static boolean overdueWhenRead(ReleasePhase phase, Long endsAt, Instant readAt) {
    return endsAt != null
        && phase.isStarted()
        && !phase.isComplete()
        && overdue(phase, endsAt, readAt);
  }

  /**
   * @param phase the phase as LaunchDarkly shows it now
   * @param before the status's record of the phase from the last reconcile; null when none
   * @param now when the phase was seen so (when LaunchDarkly was read); null when unknown
   * @return epoch milliseconds, or null while the phase is not being monitored (or, without {@code
   *     now}, when that is all it could be counted from)
   */
  public static Long endsAt(ReleasePhase phase, PhaseStatus before, Instant now) {
    long window = phase.monitoringWindowMillis();
    if (window == 0 || !phase.isStarted() || !phase.audiencesAwaitingApproval().isEmpty()) {
      return null;
    }
    Long seenEnd = before == null ? null : endSeenForTheSameStretch(phase, before, window);
    if (seenEnd != null) {
      return seenEnd;
    }
    boolean beganAtTheStart =
        phase.startedDate() != null
            && phase.audiencesRequiringApproval().isEmpty()
            && (before == null
                || !ReleasePhase.PAUSED.equals(ReleasePhase.documented(before.getStatus())));
    if (beganAtTheStart) {
      return plus(phase.startedDate(), window);
    }
    return now == null ? null : plus(now.toEpochMilli(), window);
  }

  /**
   * The end the last reconcile recorded, if it saw this very start being monitored already; null
   * when it did not, or when the record cannot be trusted (unreadable, or written by an operator
   * that counted an approval's window from the start).
   */
  private static Long endSeenForTheSameStretch(
      ReleasePhase phase, PhaseStatus before, long window) {
    Long end = recordedEnd(before);
    if (end == null
        || (before.getAwaitingApproval() != null && !before.getAwaitingApproval().isEmpty())
        || !sameStart(phase, before)) {
      return null;
    }
    boolean countedFromTheStart =
        phase.startedDate() != null && end == phase.startedDate() + window;
    return countedFromTheStart && !phase.audiencesRequiringApproval().isEmpty() ? null : end;
  }

  /** Whether the status's record of the phase is of this very start (the same start time). */
  static boolean sameStart(ReleasePhase phase, PhaseStatus before) {
    String startedAt =
        phase.startedDate() == null ? null : Instant.ofEpochMilli(phase.startedDate()).toString();
    return Objects.equals(startedAt, before.getStartedAt());
  }

  /** The end of monitoring the status recorded, in epoch milliseconds; null when none or unread. */
  public static Long recordedEnd(PhaseStatus before) {
    try {
      return before.getMonitoringEndsAt() == null
          ? null
          : Instant.parse(before.getMonitoringEndsAt()).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code time + millis}, at most {@link Long#MAX_VALUE}: a window may be as long as a long. */
  static long plus(long time, long millis) {
    return millis > Long.MAX_VALUE - time ? Long.MAX_VALUE : time + millis;
  }
}
