package io.flagops.operator.reconciler.status;

import io.flagops.operator.api.v1alpha1.ChangedBy;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseChange;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.reconciler.plan.ReleaseIdentity;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The history in the status: what changed between the status written last and the one being
 * written, appended to the last {@value FlagReleaseStatus#HISTORY_SIZE} changes. Nothing changes,
 * nothing is added, so a release at rest never causes a status write.
 */
final class ReleaseHistory {
  private static final String READY_TO_START = "ReadyToStart";

  private ReleaseHistory() {}

  /**
   * @param operatorWrote what the pass itself changed (phase names, {@link Seen#RELEASE})
   * @param monitoringWindows the guarded rollout window of each phase of the release now, in
   *     milliseconds (a phase without one: absent)
   */
  static List<ReleaseChange> next(
      FlagReleaseStatus previous,
      FlagReleaseStatus next,
      Set<String> operatorWrote,
      Map<String, Long> monitoringWindows,
      Instant now) {
    List<ReleaseChange> changes = new ArrayList<>();
    String at = now.toString();
    String before = pipelineOf(previous.getRelease());
    String after = pipelineOf(next.getRelease());
    // deleted and made again on the same pipeline is another release: its phases have no past
    boolean sameRelease =
        Objects.equals(before, after) && !madeAgain(previous.getRelease(), next.getRelease());
    boolean created = operatorWrote.contains(Seen.RELEASE) || createdUnanswered(previous, next);
    if (!sameRelease) {
      ChangedBy by = created ? ChangedBy.Operator : ChangedBy.Unknown;
      changes.add(new ReleaseChange(at, null, before, after, by));
    }
    if (sameRelease || created) {
      // a release the operator created starts with every phase not started
      List<PhaseStatus> was = sameRelease ? previous.getPhases() : List.of();
      for (PhaseStatus phase : next.getPhases()) {
        PhaseStatus old = sameIn(was, phase);
        // (documented: an older operator recorded LaunchDarkly's kebab-case spellings as they came)
        String from =
            old != null ? ReleasePhase.documented(old.getStatus()) : ReleasePhase.NOT_STARTED;
        if (!Objects.equals(from, phase.getStatus())) {
          ChangedBy by =
              by(phase, from, old, operatorWrote, monitoringWindows.get(phase.getName()));
          changes.add(new ReleaseChange(at, phase.getName(), from, phase.getStatus(), by));
        }
      }
    } else {
      // a release found has no known past: only the operator's own writes to it, from unknown
      for (PhaseStatus phase : next.getPhases()) {
        if (operatorWrote.contains(phase.getName())) {
          changes.add(
              new ReleaseChange(at, phase.getName(), null, phase.getStatus(), ChangedBy.Operator));
        }
      }
    }
    if (changes.isEmpty()) {
      return previous.getHistory();
    }
    List<ReleaseChange> history = new ArrayList<>(previous.getHistory());
    history.addAll(changes);
    int excess = history.size() - FlagReleaseStatus.HISTORY_SIZE;
    return excess > 0 ? new ArrayList<>(history.subList(excess, history.size())) : history;
  }

  /**
   * A release first seen now, on the pipeline of the create the status recorded before its answer
   * was lost: the operator made it.
   */
  private static boolean createdUnanswered(FlagReleaseStatus previous, FlagReleaseStatus next) {
    return previous.getRelease() == null
        && next.getRelease() != null
        && previous.getReleaseOrigin() == ReleaseOrigin.Created
        && next.getReleaseOrigin() == ReleaseOrigin.Created
        && Objects.equals(previous.getOwnedPipelineKey(), next.getRelease().getPipelineKey());
  }

  /** Both releases known, and the one now another release ({@link ReleaseIdentity}). */
  private static boolean madeAgain(ObservedRelease before, ObservedRelease after) {
    return before != null
        && after != null
        && ReleaseIdentity.recorded(before).differsFrom(ReleaseIdentity.recorded(after));
  }

  /**
   * The operator's own write; LaunchDarkly's own steps (a phase not started made ready to start
   * when the one before it completed, a monitored phase completing when its window ended); else
   * somebody else (a started phase shown ready to start again is a rollback or a person's move: the
   * operator cannot tell which).
   */
  private static ChangedBy by(
      PhaseStatus phase, String from, PhaseStatus old, Set<String> operatorWrote, Long window) {
    if (operatorWrote.contains(phase.getName())) {
      return ChangedBy.Operator;
    }
    if (READY_TO_START.equals(phase.getStatus()) && ReleasePhase.NOT_STARTED.equals(from)) {
      return ChangedBy.LaunchDarkly;
    }
    boolean monitoredBefore = old != null && old.getMonitoringEndsAt() != null;
    if (monitoredBefore
        && ReleasePhase.COMPLETE.equals(phase.getStatus())
        && !completedBeforeItsWindow(phase, window)) {
      return ChangedBy.LaunchDarkly;
    }
    return ChangedBy.Unknown;
  }

  /**
   * Completed before its window could have ended: monitoring begins at the start at the earliest,
   * so that completion was somebody's, not the rollout's end. (Not the status's monitoringEndsAt:
   * it is counted late when the begin was not seen.)
   */
  private static boolean completedBeforeItsWindow(PhaseStatus phase, Long window) {
    if (window == null || window <= 0) {
      return false;
    }
    try {
      Instant started = Instant.parse(phase.getStartedAt());
      Instant completed = Instant.parse(phase.getCompletedAt());
      return completed.isBefore(started.plusMillis(window));
    } catch (NullPointerException | DateTimeParseException e) {
      return false; // not known: LaunchDarkly's, as a monitored phase's completion is
    }
  }

  private static String pipelineOf(ObservedRelease release) {
    return release == null ? null : release.getPipelineKey();
  }

  /**
   * The phase's earlier record: by id, as a pipeline may give two phases one name; by name when the
   * record has no id.
   */
  private static PhaseStatus sameIn(List<PhaseStatus> phases, PhaseStatus phase) {
    for (PhaseStatus old : phases) {
      if (old.getId() != null
          ? old.getId().equals(phase.getId())
          : old.getName().equals(phase.getName())) {
        return old;
      }
    }
    return null;
  }
}
