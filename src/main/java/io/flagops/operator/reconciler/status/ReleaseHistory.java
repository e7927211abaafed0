package io.flagops.operator.reconciler.status;

import io.flagops.operator.api.v1alpha1.ChangedBy;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseChange;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

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
   */
  static List<ReleaseChange> next(
      FlagReleaseStatus previous, FlagReleaseStatus next, Set<String> operatorWrote, Instant now) {
    List<ReleaseChange> changes = new ArrayList<>();
    String at = now.toString();
    String before = pipelineOf(previous.getRelease());
    String after = pipelineOf(next.getRelease());
    boolean samePipeline = Objects.equals(before, after);
    boolean created = operatorWrote.contains(Seen.RELEASE) || createdUnanswered(previous, next);
    if (!samePipeline) {
      ChangedBy by = created ? ChangedBy.Operator : ChangedBy.Unknown;
      changes.add(new ReleaseChange(at, null, before, after, by));
    }
    if (samePipeline || created) {
      // a release the operator created starts with every phase not started
      Map<String, PhaseStatus> was = samePipeline ? byName(previous.getPhases()) : Map.of();
      for (PhaseStatus phase : next.getPhases()) {
        PhaseStatus old = was.get(phase.getName());
        String from = old != null ? old.getStatus() : ReleasePhase.NOT_STARTED;
        if (!Objects.equals(from, phase.getStatus())) {
          changes.add(
              new ReleaseChange(
                  at, phase.getName(), from, phase.getStatus(), by(phase, old, operatorWrote)));
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

  /**
   * The operator's own write; LaunchDarkly's own steps (a phase made ready to start when the one
   * before it completed, a monitored phase completing); else somebody else.
   */
  private static ChangedBy by(PhaseStatus phase, PhaseStatus old, Set<String> operatorWrote) {
    if (operatorWrote.contains(phase.getName())) {
      return ChangedBy.Operator;
    }
    if (READY_TO_START.equals(phase.getStatus())) {
      return ChangedBy.LaunchDarkly;
    }
    boolean monitoredBefore = old != null && old.getMonitoringEndsAt() != null;
    if (monitoredBefore && ReleasePhase.COMPLETE.equals(phase.getStatus())) {
      return ChangedBy.LaunchDarkly;
    }
    return ChangedBy.Unknown;
  }

  private static String pipelineOf(ObservedRelease release) {
    return release == null ? null : release.getPipelineKey();
  }

  private static Map<String, PhaseStatus> byName(List<PhaseStatus> phases) {
    return phases.stream()
        .collect(Collectors.toMap(PhaseStatus::getName, Function.identity(), (a, b) -> a));
  }
}
