package io.flagops.operator.reconciler.status;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.api.v1alpha1.UncertainWrite;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.reconciler.plan.GuardrailsSeenBefore;
import io.flagops.operator.reconciler.plan.MonitoringWindow;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.plan.ReleaseIdentity;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Builds the status a FlagRelease should have; equal inputs give an equal status. */
public final class StatusFactory {
  private final Clock clock;

  public StatusFactory(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param release what LaunchDarkly holds now; {@link Seen#unknown()} keeps what the status had
   * @param owned the release this resource created or adopted
   */
  public FlagReleaseStatus build(
      FlagRelease resource, Seen release, Ownership owned, Outcome outcome) {
    FlagReleaseStatus previous =
        resource.getStatus() == null ? new FlagReleaseStatus() : resource.getStatus();
    FlagReleaseStatus status = new FlagReleaseStatus();
    Long generation = resource.getMetadata().getGeneration();
    status.setObservedGeneration(generation);
    status.setState(outcome.state());
    // LaunchDarkly's error id differs on every answer: the status leaves it to the event
    String said = LaunchDarklyException.withoutErrorId(outcome.message());
    status.setMessage(said);
    status.setPlannedChanges(
        new ArrayList<>(
            outcome
                .wouldDo()
                .subList(0, Math.min(outcome.wouldDo().size(), FlagReleaseStatus.PLANNED_SIZE))));
    status.setOwnedPipelineKey(owned.pipelineKey());
    status.setReleaseOrigin(owned.origin());
    status.setTokenVersion(previous.getTokenVersion());
    // a later operator's records: kept as they are
    status.setLaterFields(previous.getLaterFields());
    if (release.known()) {
      Release seen = release.release();
      Boolean legacy = knownOrAsBefore(release.legacy(), previous, seen);
      status.setRelease(seen == null ? null : summary(seen, legacy));
      status.setPhases(
          seen == null
              ? List.of()
              : phases(
                  seen,
                  requestedStatuses(resource, previous, seen, legacy),
                  previous,
                  release.readAt() != null ? release.readAt() : clock.instant()));
      status.setCurrentPhase(seen == null ? null : currentPhase(seen));
      status.setHistory(
          ReleaseHistory.next(
              previous, status, release.operatorWrote(), monitoringWindows(seen), clock.instant()));
    } else {
      status.setRelease(previous.getRelease());
      status.setPhases(previous.getPhases());
      status.setCurrentPhase(previous.getCurrentPhase());
      status.setHistory(previous.getHistory());
    }
    // one that waits for another's flag lets go of a move it left unfinished, as of the release it
    // recorded: kept, the record would take the flag back from the one that managed it since
    status.setUnfinishedMove(
        Reasons.FLAG_CLAIMED.equals(outcome.reason()) ? null : unfinishedMove(previous, release));
    status.setCompletedPipelineKey(completedPipelineKey(previous, release));
    // a pass that read the release settled the earlier ones (made or not) and says its own
    status.setUncertainWrites(
        release.known()
            ? new ArrayList<>(release.uncertainWrites())
            : uncertainWritesKept(previous, generation));
    status.setConditions(conditions(previous, generation, outcome, said));
    return status;
  }

  /** Kept through a pass that did not read the release, unless the spec changed since. */
  private static List<UncertainWrite> uncertainWritesKept(
      FlagReleaseStatus previous, Long generation) {
    return Objects.equals(previous.getObservedGeneration(), generation)
        ? previous.getUncertainWrites()
        : new ArrayList<>();
  }

  /**
   * The pipeline of the release last seen with every phase complete, kept while the flag has no
   * release; null once it has one that is not (or is canceled), or once a move deletes it. Recorded
   * by every resource that saw it, an observer too: switched to Manage, it must not run the
   * release's phases again. It does not hold the flag (FlagClaims): ownership does.
   */
  private static String completedPipelineKey(FlagReleaseStatus previous, Seen seen) {
    if (seen.moveStarted() != null) {
      return null; // the operator deleted it itself, to make it again on another pipeline
    }
    if (!seen.known()) {
      return previous.getCompletedPipelineKey();
    }
    if (seen.release() == null) {
      return completedPipelineKey(previous, seen.readAt());
    }
    Release release = seen.release();
    boolean completed =
        release.canceledAt() == null
            && !release.phases().isEmpty()
            && release.phases().stream().allMatch(ReleasePhase::isComplete);
    return completed ? release.releasePipelineKey() : null;
  }

  /**
   * The pipeline of the release {@code status} records as completed, or as completing by
   * LaunchDarkly's own hand by {@code now}: every phase complete but the last, whose guarded
   * rollout was to end by then. LaunchDarkly completes such a phase itself and may stop returning
   * the release before a read sees it complete; made again, it would roll out from its first phase.
   * Null when the status records neither, when it says LaunchDarkly would not complete the phase
   * (the release canceled: no end of monitoring is recorded for it; the rollout seen overdue, so
   * likely rolled back; the phase paused: gone then means deleted, and it is made again), or when a
   * move of the operator's deleted the release. A stall for another reason (a token, a spec typo)
   * says nothing about the release and keeps the inference.
   */
  public static String completedPipelineKey(FlagReleaseStatus status, Instant now) {
    if (status == null || status.getCompletedPipelineKey() != null) {
      return status == null ? null : status.getCompletedPipelineKey();
    }
    List<PhaseStatus> phases = status.getPhases();
    if (now == null
        || stalledBy(status, NOT_COMPLETED_BY_LAUNCHDARKLY)
        || status.getUnfinishedMove() != null
        || status.getRelease() == null
        || phases.isEmpty()) {
      return null;
    }
    PhaseStatus last = phases.get(phases.size() - 1);
    Long end = MonitoringWindow.recordedEnd(last);
    boolean finishing =
        phases.subList(0, phases.size() - 1).stream()
                .allMatch(p -> Boolean.TRUE.equals(p.getComplete()))
            && ReleasePhase.STARTED.equals(ReleasePhase.documented(last.getStatus())) // not paused
            && !Boolean.TRUE.equals(last.getMonitoringOverdue()) // likely rolled back
            && end != null
            && end <= now.toEpochMilli();
    return finishing ? status.getRelease().getPipelineKey() : null;
  }

  /** Stalls that say LaunchDarkly does not complete the last phase on its own (it is stopped). */
  private static final Set<String> NOT_COMPLETED_BY_LAUNCHDARKLY =
      Set.of(Reasons.RELEASE_CANCELED, Reasons.GUARDED_ROLLOUT_NOT_COMPLETED, Reasons.PHASE_PAUSED);

  private static boolean stalledBy(FlagReleaseStatus status, Set<String> reasons) {
    FlagReleaseCondition stalled =
        Conditions.findTrue(status.getConditions(), ConditionTypes.STALLED);
    return stalled != null && reasons.contains(stalled.getReason());
  }

  /** The move this pass started, else the one recorded until the flag has a release again. */
  public static PipelineMove unfinishedMove(FlagReleaseStatus previous, Seen seen) {
    if (seen.moveStarted() != null) {
      return seen.moveStarted();
    }
    return (seen.known() && seen.release() != null) || previous == null
        ? null
        : previous.getUnfinishedMove();
  }

  private List<FlagReleaseCondition> conditions(
      FlagReleaseStatus previous, Long generation, Outcome outcome, String said) {
    ReleaseState state = outcome.state();
    boolean ready = state == ReleaseState.Ready;
    // a deletion only a person can unblock stays Deleting, and is stalled
    boolean stalled =
        state == ReleaseState.Failed || Reasons.DELETION_BLOCKED.equals(outcome.reason());
    boolean reconciling =
        !stalled
            && (state == ReleaseState.Progressing
                || state == ReleaseState.Pending
                || state == ReleaseState.Deleting);
    Instant now = clock.instant();
    var conditions = previous.getConditions();
    conditions =
        Conditions.set(
            conditions, ConditionTypes.READY, ready, outcome.reason(), said, generation, now);
    conditions =
        Conditions.set(
            conditions,
            ConditionTypes.RECONCILING,
            reconciling,
            outcome.reason(),
            said,
            generation,
            now);
    return Conditions.set(
        conditions, ConditionTypes.STALLED, stalled, outcome.reason(), said, generation, now);
  }

  private static ObservedRelease summary(Release release, Boolean legacy) {
    ObservedRelease summary =
        new ObservedRelease(
            release.releasePipelineKey(),
            release.name(),
            release.releaseVariationId(),
            release.version(),
            legacy,
            timestamp(release.createdAt()));
    summary.setAudienceIds(ReleaseIdentity.audienceIdsOf(release));
    return summary;
  }

  private static List<PhaseStatus> phases(
      Release release,
      Map<String, DesiredPhaseStatus> requested,
      FlagReleaseStatus previous,
      Instant now) {
    Map<String, PhaseStatus> before = phasesByName(previous);
    return release.phases().stream()
        .map(
            phase -> {
              PhaseStatus status = new PhaseStatus();
              status.setId(phase.id());
              status.setName(phase.name());
              status.setStatus(statusOf(phase));
              status.setStarted(phase.started());
              status.setComplete(phase.complete());
              status.setStartedAt(timestamp(phase.startedDate()));
              status.setCompletedAt(timestamp(phase.completionDate()));
              // a read that says nothing of the phase's guardrails keeps what the last one saw
              Optional<PhaseStatus> seen = GuardrailsSeenBefore.of(phase, before.get(phase.name()));
              // none for a canceled release: nothing monitors it, and a record of one would have it
              // taken as completed by LaunchDarkly once gone (completedPipelineKey)
              status.setMonitoringEndsAt(
                  release.canceledAt() != null
                      ? null
                      : seen.map(PhaseStatus::getMonitoringEndsAt)
                          .orElseGet(
                              () ->
                                  timestamp(
                                      MonitoringWindow.endsAt(
                                          phase, before.get(phase.name()), now))));
              // read again and again while LaunchDarkly keeps it so; passes that read nothing
              // (suspended, stalled on the spec, LaunchDarkly down) keep it with the phases
              boolean overdue =
                  MonitoringWindow.overdueWhenRead(
                      phase, MonitoringWindow.recordedEnd(status), now);
              status.setMonitoringOverdue(overdue ? true : null);
              status.setAwaitingApproval(
                  seen.map(PhaseStatus::getAwaitingApproval)
                      .orElseGet(() -> awaitingApproval(phase)));
              status.setManaged(requested.containsKey(phase.name()));
              status.setRequested(requested.get(phase.name()));
              return status;
            })
        .toList();
  }

  /** The audiences of a started phase that wait for approval, or null when none. */
  private static List<String> awaitingApproval(ReleasePhase phase) {
    List<String> awaiting =
        phase.isStarted()
            ? phase.audiencesAwaitingApproval().stream().map(ReleaseAudience::name).toList()
            : List.of();
    return awaiting.isEmpty() ? null : awaiting;
  }

  /**
   * Where each phase of a release stands, as {@code status.phases} records it: two equal lists mean
   * a release that has not moved, whatever its {@code _version} says (LaunchDarkly does not
   * document when that changes).
   */
  public static List<String> progress(Release release) {
    return release.phases().stream()
        .map(p -> progress(p.id(), statusOf(p), p.complete(), awaitingApproval(p)))
        .toList();
  }

  /** {@link #progress(Release)} of the release a status recorded. */
  public static List<String> progress(List<PhaseStatus> phases) {
    return phases.stream()
        .map(p -> progress(p.getId(), p.getStatus(), p.getComplete(), p.getAwaitingApproval()))
        .toList();
  }

  private static String progress(
      String id, String status, Boolean complete, List<String> awaitingApproval) {
    return id + " " + status + " complete=" + complete + " awaiting=" + awaitingApproval;
  }

  /** LaunchDarkly's status word; legacy phases have none, so it is derived from completion. */
  private static String statusOf(ReleasePhase phase) {
    if (phase.status() != null) {
      return phase.status();
    }
    if (phase.isComplete()) {
      return ReleasePhase.COMPLETE;
    }
    return phase.isStarted() ? ReleasePhase.STARTED : ReleasePhase.NOT_STARTED;
  }

  /** Each guarded phase's monitoring window, in milliseconds. */
  private static Map<String, Long> monitoringWindows(Release release) {
    Map<String, Long> windows = new HashMap<>();
    if (release != null) {
      for (ReleasePhase phase : release.phases()) {
        if (phase.monitoringWindowMillis() > 0) {
          windows.putIfAbsent(phase.name(), phase.monitoringWindowMillis());
        }
      }
    }
    return windows;
  }

  private static String currentPhase(Release release) {
    return release.phases().stream()
        .filter(p -> !p.isComplete())
        .map(ReleasePhase::name)
        .findFirst()
        .orElse(null);
  }

  /**
   * Whether the release's pipeline is a legacy one: as this pass read it, else as the status had it
   * for the same pipeline (that never changes), so that a pass whose read of the pipeline failed
   * does not drop what only a legacy release keeps (a phase the spec moved back, still to untick).
   */
  private static Boolean knownOrAsBefore(Boolean legacy, FlagReleaseStatus previous, Release seen) {
    ObservedRelease before = previous.getRelease();
    if (legacy != null || seen == null || before == null) {
      return legacy;
    }
    return seen.releasePipelineKey().equals(before.getPipelineKey()) ? before.getLegacy() : null;
  }

  /**
   * The status the spec asks for each phase it lists; but a phase the spec moved back keeps what it
   * asked before while LaunchDarkly still shows the phase as then, so the next pass does not take
   * it for progress made in LaunchDarkly: a legacy phase moved back from Complete (the write that
   * marks it incomplete is still to be made: it failed, or Observe mode makes none), and a phase of
   * an automated pipeline moved back to NotStarted (phases there never move back).
   */
  private static Map<String, DesiredPhaseStatus> requestedStatuses(
      FlagRelease resource, FlagReleaseStatus previous, Release seen, Boolean legacy) {
    Map<String, DesiredPhaseStatus> requested = new HashMap<>();
    if (resource.getSpec() != null) {
      resource.getSpec().getPhases().forEach(p -> requested.put(p.getName(), p.getStatus()));
    }
    if (seen == null || previous.getPhases() == null) {
      return requested;
    }
    for (PhaseStatus before : previous.getPhases()) {
      DesiredPhaseStatus asked = requested.get(before.getName());
      if (asked != null && stillMovedBack(before, asked, seen, Boolean.TRUE.equals(legacy))) {
        requested.put(before.getName(), before.getRequested());
      }
    }
    return requested;
  }

  private static boolean stillMovedBack(
      PhaseStatus before, DesiredPhaseStatus asked, Release seen, boolean legacy) {
    DesiredPhaseStatus was = before.getRequested();
    if (legacy) {
      return was == DesiredPhaseStatus.Complete
          && seen.phases().stream()
              .anyMatch(p -> p.name().equals(before.getName()) && p.isComplete());
    }
    // while the phase is on since it started: paused, or a status LaunchDarkly does not document,
    // for a while is no move back (a rollback, or a person's, shows it not started again)
    return asked == DesiredPhaseStatus.NotStarted
        && was != null
        && was != DesiredPhaseStatus.NotStarted
        && seen.phases().stream()
            .anyMatch(
                p ->
                    p.name().equals(before.getName())
                        && Objects.equals(p.id(), before.getId())
                        && !p.isMovedBack()
                        && (p.isStarted()
                            || p.isComplete()
                            || p.isPaused()
                            || Boolean.TRUE.equals(p.started())
                            || p.startedDate() != null));
  }

  /** A LaunchDarkly time (epoch milliseconds) as the status writes it (RFC 3339); null stays. */
  public static String timestamp(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  /** The status's record of each phase, by name; empty for no status. */
  public static Map<String, PhaseStatus> phasesByName(FlagReleaseStatus status) {
    Map<String, PhaseStatus> byName = new HashMap<>();
    if (status != null && status.getPhases() != null) {
      status.getPhases().forEach(phase -> byName.put(phase.getName(), phase));
    }
    return byName;
  }

  /**
   * What the reconcile saw of the release: the release (null when none), or nothing at all.
   *
   * @param operatorWrote what this pass itself changed: phase names, and {@link #RELEASE} when it
   *     created or moved the release
   * @param readAt when it was read, as the plan took it (so that a monitoring end counted from the
   *     read is the one the plan used); null: now
   * @param moveStarted a move to another pipeline this pass started and has not finished (it
   *     deleted, or is about to delete, the release and has not created the new one); null when
   *     none
   */
  public record Seen(
      boolean known,
      Release release,
      Boolean legacy,
      Set<String> operatorWrote,
      Instant readAt,
      PipelineMove moveStarted,
      List<UncertainWrite> uncertainWrites) {
    /** Stands for the release itself in {@link #operatorWrote}. */
    public static final String RELEASE = "";

    public static Seen unknown() {
      return new Seen(false, null, null, Set.of(), null, null, List.of());
    }

    public static Seen none() {
      return new Seen(true, null, null, Set.of(), null, null, List.of());
    }

    public static Seen of(Release release, boolean legacy) {
      return new Seen(true, release, legacy, Set.of(), null, null, List.of());
    }
  }
}
