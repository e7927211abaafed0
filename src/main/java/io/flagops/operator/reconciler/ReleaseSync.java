package io.flagops.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.api.v1alpha1.UncertainWrite;
import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.FlagRef;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.launchdarkly.LaunchDarklySession;
import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import io.flagops.operator.reconciler.plan.Observation;
import io.flagops.operator.reconciler.plan.Observation.Target;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.plan.ReleaseAction;
import io.flagops.operator.reconciler.plan.ReleaseAction.CreateRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.DeleteRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.PatchLegacyPhases;
import io.flagops.operator.reconciler.plan.ReleaseAction.SetPhaseStatus;
import io.flagops.operator.reconciler.plan.ReleaseIdentity;
import io.flagops.operator.reconciler.plan.ReleasePlan;
import io.flagops.operator.reconciler.plan.ReleasePlanner;
import io.flagops.operator.reconciler.plan.Verdict;
import io.flagops.operator.reconciler.status.Outcome;
import io.flagops.operator.reconciler.status.StatusFactory;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import io.flagops.operator.reconciler.support.EventRecorder;
import io.flagops.operator.reconciler.support.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One observe → plan → act pass for a FlagRelease: a single GET, then the planned writes in order,
 * each answered with the new release, then a final plan on that answer. A write LaunchDarkly
 * refuses because the release changed since it was read is followed by a fresh read and a new plan;
 * the refusal stands only when the new plan's next write is that same write.
 */
@ApplicationScoped
public class ReleaseSync {
  /** A create, a move, phases and up to two refused writes; more is a sign of trouble. */
  private static final int MAX_PASSES = 6;

  private final LaunchDarklyClient launchDarkly;
  private final PipelineCatalog pipelines;
  private final EventRecorder events;
  private final Clock clock;

  public ReleaseSync(
      LaunchDarklyClient launchDarkly,
      PipelineCatalog pipelines,
      EventRecorder events,
      Clock clock) {
    this.launchDarkly = launchDarkly;
    this.pipelines = pipelines;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Whether a pass may write to LaunchDarkly: never in Observe mode, and not while LaunchDarkly
   * would refuse the same write again, i.e. while the release is the one, at the version, on which
   * it refused one (for the same spec generation and token).
   *
   * @param refusedAtVersion the release's {@code _version} when a write was refused (null: there
   *     was no release), meaningful only when {@code refused}
   * @param refusedAtCreatedAt when that release was created (epoch ms; null: not compared): a
   *     release made again starts at version 1 again
   * @param refusedAtProgress where its phases stood then (null: not compared): a phase a person
   *     moved in LaunchDarkly re-arms the write even if LaunchDarkly kept the {@code _version}
   */
  public record Writes(
      boolean manage,
      boolean refused,
      boolean retrying,
      Long refusedAtVersion,
      ReleaseIdentity refusedOnRelease,
      List<String> refusedAtProgress,
      boolean dryRun) {

    public static Writes allowed() {
      return new Writes(true, false, false, null, null, null, false);
    }

    /**
     * A write LaunchDarkly refused that is tried again at each poll (a 403, a create refused with
     * 404, the create that finishes a move): allowed, and its stall stays while it is refused.
     */
    public static Writes triedAtEachPoll() {
      return new Writes(true, false, true, null, null, null, false);
    }

    /**
     * Held while the release is the one, at the version and with its phases where they stood (see
     * {@link StatusFactory#progress}), when LaunchDarkly refused the write.
     */
    public static Writes refusedOn(Long version, ReleaseIdentity release, List<String> progress) {
      return new Writes(true, true, false, version, release, progress, false);
    }

    public static Writes observeOnly() {
      return new Writes(false, false, false, null, null, null, false);
    }

    /**
     * Plans as the operator would for {@code spec} (in Manage mode, a release found on the desired
     * pipeline is adopted; Observe adopts nothing) and writes nothing: what {@code kubectl
     * flagrelease plan} shows.
     */
    public static Writes preview(FlagReleaseSpec spec) {
      return new Writes(
          spec.getManagementPolicy() != ManagementPolicy.Observe,
          false,
          false,
          null,
          null,
          null,
          true);
    }

    boolean allowedOn(Optional<Release> release) {
      return manage && !dryRun && !(refused && sameRelease(release.orElse(null)));
    }

    private boolean sameRelease(Release release) {
      return Objects.equals(refusedAtVersion, release == null ? null : release.version())
          && (refusedOnRelease == null
              || !refusedOnRelease.differsFrom(ReleaseIdentity.of(release)))
          && (refusedAtProgress == null
              || release == null
              || refusedAtProgress.equals(StatusFactory.progress(release)));
    }
  }

  /** Told before a write that cannot be undone, so the status can say it is about to happen. */
  public interface Announcer {
    void announce(Seen seen, Ownership owned, Outcome outcome);

    /**
     * Whether the resource is still as the pass read it (the same generation, not being deleted):
     * asked before each write, so that a switch to Observe, a suspend, another pipeline or a
     * deletion made while a slow pass ran stops its writes, a move's DELETE above all.
     */
    default boolean stillCurrent() {
      return true;
    }

    /**
     * {@link #stillCurrent}, confirmed by a read of the resource from the Kubernetes API (not the
     * watch's cache, which may lag an edit): asked before the first write planned on a read of the
     * release, and just before a DELETE, the one write that cannot be undone. A failed read throws
     * a {@code KubernetesClientException}, and nothing is written.
     */
    default boolean confirmedCurrent() {
      return stillCurrent();
    }

    /**
     * Told after a write reached LaunchDarkly, answered, refused or its answer lost: not one the
     * request budget, the circuit breaker or a 429 held back.
     */
    default void sent() {}
  }

  /**
   * The resource changed while the pass ran, or could not be read again to tell: its remaining
   * writes are not made.
   */
  private static final class Superseded extends RuntimeException {
    static final String CHANGED =
        "the FlagRelease changed while this pass ran (spec edited, or being deleted): its"
            + " remaining writes were not made, and the next pass plans on it";

    /** The Kubernetes API could not be asked: nothing is known to have changed. */
    final boolean unread;

    Superseded() {
      this(CHANGED, false);
    }

    Superseded(String why, boolean unread) {
      super(why, null, false, false);
      this.unread = unread;
    }
  }

  /**
   * How long until the resource's pass may make its first LaunchDarkly call (its turn in the
   * request budget, reserved now); zero when it may now.
   */
  public Duration untilTurn(FlagRelease resource, AccessToken token) {
    return launchDarkly.untilTurn(token, flagOf(resource.getSpec()));
  }

  /** The LaunchDarkly flag a FlagRelease is about. */
  static FlagRef flagOf(FlagReleaseSpec spec) {
    return new FlagRef(spec.getProjectKey(), spec.getFlagKey());
  }

  /**
   * @throws SyncException when a LaunchDarkly call fails
   */
  public SyncResult sync(FlagRelease resource, AccessToken token, Writes writes, Announcer before) {
    Pass pass = new Pass(resource, token, writes, before);
    try {
      return pass.run();
    } catch (LaunchDarklyException e) {
      throw new SyncException(e, pass.seen(), pass.owned, pass.progressed(), pass.step);
    }
  }

  /** LaunchDarkly refused the write as it stands (400, 404, 409): reading again may explain it. */
  private static boolean isRefusal(LaunchDarklyException e) {
    return e instanceof LaunchDarklyException.Rejected
        || e instanceof LaunchDarklyException.Conflict
        || e instanceof LaunchDarklyException.NotFound;
  }

  /** A write LaunchDarkly refused (400, 404, 409): the release is read again before deciding. */
  private static final class Refused extends RuntimeException {
    final ReleaseAction action;
    final LaunchDarklyException cause;

    Refused(ReleaseAction action, LaunchDarklyException cause) {
      super(null, null, false, false);
      this.action = action;
      this.cause = cause;
    }
  }

  /** The release changed between the read a write was planned on and the write: plan again. */
  private static final class PlanAgain extends RuntimeException {
    PlanAgain() {
      super(null, null, false, false);
    }
  }

  private final class Pass {
    private final FlagRelease resource;
    private final FlagReleaseSpec spec;
    private final LaunchDarklySession session;
    private final Writes writes;
    private final Announcer announcer;
    private final FlagRef flag;
    private final Map<String, PhaseStatus> phasesBefore;
    private Ownership owned;
    private Optional<Release> current = Optional.empty();
    private Boolean legacy;
    private boolean read;
    private Instant readAt;

    /** What this pass changed: phase names, and {@link Seen#RELEASE} for a create or move. */
    private final Set<String> written = new HashSet<>();

    /** Phase writes of this pass whose outcome neither their answer nor a read told. */
    private final List<UncertainWrite> uncertain = new ArrayList<>();

    /** Reading again just before a move's DELETE, which is not sent yet. */
    private boolean beforeDelete;

    /** A move this pass started and has not finished: deleted, and not created again yet. */
    private PipelineMove moving;

    /** This pass's own move deleted the release: the create that finishes it is not stopped. */
    private boolean movedHere;

    /** The Kubernetes API showed the resource as read since the last read of the release. */
    private boolean confirmed;

    /** The next create finishes the move whose DELETE this pass sent (not a later create). */
    private boolean finishesThisPassesMove() {
      return movedHere && moving != null && current.isEmpty();
    }

    /** What the pass was doing: "reading the release" or the write being made. */
    private String step = LaunchDarklyClient.READING;

    /** Whether a write LaunchDarkly accepted did not show in its answer: no progress, then. */
    private boolean unreflected;

    Pass(FlagRelease resource, AccessToken token, Writes writes, Announcer announcer) {
      this.resource = resource;
      this.spec = resource.getSpec();
      this.session = launchDarkly.as(token);
      this.writes = writes;
      this.announcer = announcer;
      this.flag = flagOf(spec);
      this.owned = Ownership.of(resource.getStatus());
      this.phasesBefore = StatusFactory.phasesByName(resource.getStatus());
    }

    /**
     * Writes the status a write is about to make true (whose release it is, the move under way)
     * before the write: when that status write fails, nothing was sent to LaunchDarkly, so the
     * record is undone (here and on the resource the error status is then written from) before the
     * failure goes on.
     */
    private void announceIntent(
        String reason, String message, Ownership before, PipelineMove movingBefore) {
      FlagReleaseStatus statusBefore = resource.getStatus();
      try {
        announce(reason, message);
      } catch (RuntimeException e) {
        owned = before;
        moving = movingBefore;
        resource.setStatus(statusBefore);
        throw e;
      }
    }

    /**
     * Says in the status, before a write that cannot be undone, what is about to happen (and with
     * {@link #owned}, what it records). A resource Stalled on a write LaunchDarkly refused for this
     * spec, which is being tried again (a create refused with 404, a write refused with 403), or
     * Stalled for failing long, stays Stalled until the try has an answer, so Argo CD and the
     * alerts do not see it flip to Progressing and back at each poll.
     */
    private void announce(String reason, String message) {
      // only such a stall: one whose write the hold let through (the release or the token
      // changed) is lifted, and a pass stopped before its answer must not leave it to hold on
      Optional<FlagReleaseCondition> retried =
          (writes.retrying()
                  ? FailureResponse.refusedWriteStall(resource)
                  : Optional.<FlagReleaseCondition>empty())
              .or(() -> FailureResponse.failingLongStall(resource));
      Outcome outcome =
          retried
              .map(Outcome::stillStalled)
              .orElse(new Outcome(ReleaseState.Progressing, reason, message));
      announcer.announce(seen(), owned, outcome);
    }

    SyncResult run() {
      read();
      Refused refused = null;
      List<ReleaseAction> applied = List.of();
      for (int i = 0; i < MAX_PASSES; i++) {
        ReleasePlan plan = plan();
        ReleaseAction next = plan.actions().stream().findFirst().orElse(null);
        if (refused != null && refused.action.equals(next)) {
          return stillRefused(refused);
        }
        if (!plan.hasWrites() || !writes.allowedOn(current)) {
          return new SyncResult(seen(), plan, owned);
        }
        if (applied.contains(next)) {
          throw notReflected(next);
        }
        refused = null;
        List<ReleaseAction> done = new ArrayList<>();
        applied = done;
        Optional<Release> plannedOn = current; // later writes' answers show what it left out
        try {
          for (ReleaseAction action : plan.actions()) {
            apply(action);
            done.add(action);
            if ((!guarded(action, plannedOn) && guarded(action, current)) || showsUnknownStatus()) {
              break; // the rest was planned without it: plan again from the write's answer
            }
          }
        } catch (PlanAgain e) {
          applied = List.of(); // planned again on the read that showed the change
        } catch (Superseded e) {
          if (e.unread
              && written.isEmpty()
              && writes.retrying()
              && FailureResponse.refusedWriteStall(resource).isPresent()) {
            // a stall whose write was to be tried again stands until the try has an answer: the
            // plan is returned unmade, as a held one is
            return new SyncResult(seen(), plan, owned, true);
          }
          // what was written is reported; the pass the change woke plans on the new spec
          return new SyncResult(
              seen(), ReleasePlan.of(Verdict.replan(e.getMessage())), owned, true);
        } catch (Refused e) {
          refused = e;
          applied = List.of(); // what the writes before it answered is superseded by the read
          // said before the read, which may fail and would then leave LaunchDarkly's reason untold
          events.normal(
              resource,
              Reasons.WRITE_REFUSED,
              "LaunchDarkly refused to "
                  + e.action.describe()
                  + " ("
                  + e.cause.getMessage()
                  + "); read the release again to plan anew");
          read(); // the release may have changed since it was read: plan on what it is now
        }
      }
      throw new LaunchDarklyException.Unavailable(
          "LaunchDarkly's answers do not reflect the writes made; will read the release again",
          0,
          null);
    }

    /**
     * Whether {@code write} starts a phase that {@code release} shows guarded (a rollout monitored,
     * an approval pending). Guarded in the start's answer (or an earlier write's) but not in the
     * read it was planned on: the audience's configuration was left out of that read (an optional
     * field), and completing the phase in the same pass would skip the guardrail.
     */
    private static boolean guarded(ReleaseAction write, Optional<Release> release) {
      if (!(write instanceof SetPhaseStatus set) || !ReleasePhase.STARTED.equals(set.status())) {
        return false;
      }
      return phaseIn(release, set.phaseId())
          .anyMatch(
              phase ->
                  phase.monitoringWindowMillis() > 0
                      || !phase.audiencesRequiringApproval().isEmpty()
                      || !phase.audiencesAwaitingApproval().isEmpty());
    }

    /**
     * Whether the release as last answered shows a phase status the operator does not know: the
     * plan stops every write on it (a guardrail added since, perhaps), so the writes after the one
     * whose answer showed it are not made.
     */
    private boolean showsUnknownStatus() {
      return current.flatMap(Release::phaseWithUnknownStatus).isPresent();
    }

    /** The phase of the release as last read or answered, by id (none: no release, no phase). */
    private Stream<ReleasePhase> currentPhase(String phaseId) {
      return phaseIn(current, phaseId);
    }

    private static Stream<ReleasePhase> phaseIn(Optional<Release> release, String phaseId) {
      return release.stream()
          .flatMap(r -> r.phases().stream())
          .filter(phase -> phase.id().equals(phaseId));
    }

    /**
     * LaunchDarkly accepted {@code write} and answered with a release that does not show it: making
     * it again in the same pass would only repeat that, so the pass ends as a failure that is not
     * progress, and the next one (a fresh read) comes after a backoff that grows while it lasts.
     */
    private LaunchDarklyException notReflected(ReleaseAction write) {
      unreflected = true;
      step = write.describe();
      return new LaunchDarklyException.Unavailable(
          "LaunchDarkly accepted the write to "
              + write.describe()
              + " but its answer does not show it; will read the release again",
          0,
          null);
    }

    private void read() {
      step = LaunchDarklyClient.READING;
      confirmed = false; // a write planned on this read asks the Kubernetes API again first
      // the release known to be this resource's: the status's record at the first read, then the
      // one the pass last held (its own create's answer included)
      ReleaseIdentity held =
          read
              ? ReleaseIdentity.of(current.orElse(null))
              : ReleaseIdentity.recorded(resource.getStatus());
      boolean first = !read;
      current = read ? session.getReleaseAgain(flag) : session.getRelease(flag);
      readAt = clock.instant();
      read = true;
      if (first) {
        settleUncertainWrites();
      }
      owned = owned.seeing(current.orElse(null), held);
      if (current.isEmpty() && !beforeDelete && deletedByMove()) {
        // as after a move's DELETE answered: no release is owned, and the deletion is the
        // operator's (in the history too)
        owned = Ownership.NONE;
        written.add(Seen.RELEASE);
      }
    }

    /**
     * Whether the owned release is the one a move began to delete (its DELETE sent, the status
     * says): with no release now, that DELETE went through, even when its answer and the read after
     * it were lost. (A DELETE that found the release already gone left none owned.)
     */
    private boolean deletedByMove() {
      PipelineMove move = unfinishedMove();
      return move != null && owned.owns(move.getFrom());
    }

    /**
     * Takes a write's answer as the release now: when LaunchDarkly answered with a release made
     * since the one the pass last saw (deleted and made again between the read and the write), the
     * write went to a release that may be someone else's.
     */
    private void answered(Release answer) {
      owned = owned.seeing(answer, ReleaseIdentity.of(current.orElse(null)));
      current = Optional.of(answer);
    }

    private ReleasePlan plan() {
      ReleasePipeline definition =
          onDesiredPipeline() ? pipelines.definition(session, flag.projectKey(), pipeline()) : null;
      legacy = definition == null ? null : definition.legacy();
      if (writes.manage() && onDesiredPipeline()) {
        adopt();
      }
      Observation observed =
          Observation.of(current, Boolean.TRUE.equals(legacy), owned)
              .withPipelineGuardrails(
                  needsPipelineGuardrails() ? pipelineGuardrails(definition) : Map.of())
              .withPhasesBefore(phasesBefore)
              .withUnfinishedMove(unfinishedMove())
              .withCompletedPipelineKey(
                  StatusFactory.completedPipelineKey(resource.getStatus(), readAt))
              .at(readAt);
      if (!ReleasePlanner.needsTarget(spec, observed)) {
        return ReleasePlanner.plan(spec, observed);
      }
      String key = spec.getReleasePipelineKey();
      PipelineCatalog.Read recent = pipelines.recent(session, flag.projectKey(), key);
      ReleasePlan plan =
          ReleasePlanner.plan(spec, observed.withTarget(Target.of(recent.pipeline())));
      if (recent.fresh()
          || !writes.allowedOn(current) // Observe, or a refused delete held: it will not be sent
          || plan.actions().stream().noneMatch(DeleteRelease.class::isInstance)) {
        return plan;
      }
      // a move deletes the live release: it must fit the pipeline as LaunchDarkly has it now
      Optional<ReleasePipeline> now = pipelines.read(session, flag.projectKey(), key);
      return ReleasePlanner.plan(spec, observed.withTarget(Target.of(now)));
    }

    /**
     * Whether the plan needs the pipeline's word on guardrails: always on a legacy pipeline (its
     * audiences carry none), and on an automated one for a phase that a guardrail could hold (not
     * complete, and started or asked Complete) whose read leaves out its audiences' configuration.
     * A read that shows them, or a settled release, costs no pipeline read.
     */
    private boolean needsPipelineGuardrails() {
      return current.isPresent()
          && (Boolean.TRUE.equals(legacy)
              || current.get().phases().stream()
                  .anyMatch(
                      phase ->
                          phase.saysNothingOfGuardrails()
                              && !phase.isComplete()
                              && (phase.isStarted() || askedComplete(phase.name()))));
    }

    private boolean askedComplete(String phaseName) {
      return resource.getSpec().getPhases().stream()
          .anyMatch(
              p -> phaseName.equals(p.getName()) && p.getStatus() == DesiredPhaseStatus.Complete);
    }

    /**
     * What the pipeline's definition gives its phases as guardrails, as read in the last 5 minutes
     * (a person may add an approval to it; whether it is legacy never changes).
     */
    private Map<String, String> pipelineGuardrails(ReleasePipeline definition) {
      return pipelines
          .recent(session, flag.projectKey(), pipeline())
          .pipeline()
          .or(
              () ->
                  Optional.ofNullable(definition)) // none when the live pipeline is not the spec's
          .map(ReleasePipeline::guardrailsByPhase)
          .orElse(Map.of());
    }

    /** The move this pass started, else the one the status recorded; null when none. */
    private PipelineMove unfinishedMove() {
      if (moving != null || resource.getStatus() == null) {
        return moving;
      }
      return resource.getStatus().getUnfinishedMove();
    }

    /** The same write comes next after a fresh read: LaunchDarkly's refusal stands. */
    private SyncResult stillRefused(Refused refused) {
      FailureResponse failure = FailureResponse.of(refused.cause);
      if (failure.kind() == FailureResponse.Kind.TRANSIENT) {
        throw refused.cause; // a concurrent change (409): retried with backoff, never a stall
      }
      PipelineMove move = unfinishedMove(); // this pass's, or one an earlier pass began
      String message =
          missingKey(refused, failure, move)
              + failure.message()
              + "; refused write: "
              + refused.action.describe();
      if (move != null && current.isEmpty()) {
        message +=
            "; the release on pipeline '"
                + move.getFrom()
                + "' is gone (deleted to move it), so the flag has no release until this create"
                + " goes through (tried again at each poll)";
      } else if (!FailureResponse.triedAgainAtEachPoll(
          failure.reason(), failure.message(), current.isEmpty(), move != null)) {
        // what changed in LaunchDarkly outside the release (a flag setting) re-arms nothing
        message +=
            "; not tried again until the spec, the token or the release changes, or for an hour"
                + " (then once an hour: what refused it may be a setting outside the release)";
      }
      return new SyncResult(
          seen(), ReleasePlan.of(Verdict.blocked(failure.reason(), message)), owned);
    }

    /**
     * Which key of the spec LaunchDarkly lacks, when it answered a create 404: its 404 does not
     * say, and the pipeline, read afresh (the catalog's copy may be minutes old: a pipeline deleted
     * since would have the flag blamed), tells the flag from the pipeline. Empty for another
     * refusal, a move (its pipeline was read first), or when that read fails (a key named from an
     * older read could be the wrong one).
     */
    private String missingKey(Refused refused, FailureResponse failure, PipelineMove move) {
      if (!(refused.action instanceof CreateRelease create)
          || !Reasons.NOT_FOUND.equals(failure.reason())
          || move != null) {
        return "";
      }
      String project = flag.projectKey();
      try {
        return pipelines.read(session, project, create.pipelineKey()).isPresent()
            ? "spec.flagKey: project '"
                + project
                + "' has no flag '"
                + flag.flagKey()
                + "' (its pipeline '"
                + create.pipelineKey()
                + "' is there): tried again at each poll, in case the flag is being made; a"
                + " mistyped flagKey cannot be changed, it takes a new FlagRelease: "
            : "spec.releasePipelineKey: project '"
                + project
                + "' has no release pipeline '"
                + create.pipelineKey()
                + "' (or spec.projectKey names no project): ";
      } catch (LaunchDarklyException e) {
        return "";
      }
    }

    /** A release on the desired pipeline is this resource's from now on, created or found. */
    private void adopt() {
      if (!owned.owns(pipeline())) {
        events.normal(
            resource,
            Reasons.RELEASE_ADOPTED,
            "Adopted the existing release of " + flag + " on pipeline '" + pipeline() + "'");
        owned = Ownership.adopted(pipeline());
      } else if (owned.origin() == null) {
        owned = Ownership.adopted(pipeline());
      }
    }

    /**
     * Whether the release moved forward since the status was written: a write of this pass went
     * through (and showed in LaunchDarkly's answer), or one whose answer was lost had gone through
     * before.
     */
    boolean progressed() {
      if (unreflected) {
        return false;
      }
      Long before =
          resource.getStatus() == null || resource.getStatus().getRelease() == null
              ? null
              : resource.getStatus().getRelease().getVersion();
      return !written.isEmpty()
          || (read && !Objects.equals(before, current.map(Release::version).orElse(null)));
    }

    private void apply(ReleaseAction action) {
      step = action.describe();
      // the create that finishes this pass's own move goes on: the DELETE went out, and a flag
      // left without a release is worse than a move finished (a deletion, Orphan, leaves it)
      boolean finishesThisMove = action instanceof CreateRelease && finishesThisPassesMove();
      // the first write after a read of the release asks the Kubernetes API, whose copy the watch
      // may lag; later ones the cache
      if (!finishesThisMove && !(confirmed ? announcer.stillCurrent() : confirm(step))) {
        throw new Superseded();
      }
      try {
        if (action instanceof CreateRelease create) {
          create(create);
        } else if (action instanceof DeleteRelease delete) {
          move(delete);
        } else if (action instanceof SetPhaseStatus set) {
          UpdatePhaseStatusInput input = new UpdatePhaseStatusInput(set.status(), set.audiences());
          answered(sent(() -> session.updatePhaseStatus(flag, set.phaseId(), input)));
          wrote(set);
        } else if (action instanceof PatchLegacyPhases patch) {
          var operations =
              patch.changes().stream()
                  .map(c -> PatchOperation.setPhaseComplete(c.index(), c.complete()))
                  .toList();
          answered(sent(() -> session.patchRelease(flag, operations)));
          wrote(patch);
        }
      } catch (LaunchDarklyException e) {
        if (isRefusal(e)) {
          throw new Refused(action, e);
        }
        // a phase write whose answer never came may have gone through: a read at once says so,
        // so that the history and the events do not give the operator's write to someone else
        if (!e.mayHaveBeenMade()) {
          throw e;
        }
        if (action instanceof SetPhaseStatus set) {
          if (!readAfterUncertainWrite() || !shows(set.phaseId(), set.status())) {
            // unread, or not made yet (or not shown yet): kept in the status, so that the next
            // read that shows it made gives it to the operator
            uncertain.add(new UncertainWrite(set.phaseId(), set.phaseName(), set.status()));
            throw e;
          }
          madeDespite(e);
          wrote(set);
        } else if (action instanceof PatchLegacyPhases patch && madeAfterAll(patch)) {
          madeDespite(e);
          wrote(patch);
        } else {
          throw e;
        }
      }
    }

    private void wrote(PatchLegacyPhases patch) {
      patch.changes().forEach(change -> written.add(change.phaseName()));
      events.normal(
          resource, Reasons.LEGACY_PHASES_UPDATED, capitalize(patch.describe()) + " of " + flag);
    }

    /** Whether the release, read at once, marks every phase as the patch asked. */
    private boolean madeAfterAll(PatchLegacyPhases patch) {
      if (!readAfterUncertainWrite() || current.isEmpty()) {
        return false;
      }
      List<ReleasePhase> phases = current.get().phases();
      return patch.changes().stream()
          .allMatch(
              c -> c.index() < phases.size() && phases.get(c.index()).isComplete() == c.complete());
    }

    /** A write that went through although its call failed: the error is still said, with its id. */
    private void madeDespite(LaunchDarklyException e) {
      events.warning(
          resource,
          FailureResponse.of(e).reason(),
          e.getMessage() + "; a read at once shows the write was made");
    }

    private void wrote(SetPhaseStatus set) {
      wrote(set, "");
    }

    /** Records {@code set} as the operator's write, with its event ({@code note} appended). */
    private void wrote(SetPhaseStatus set, String note) {
      written.add(set.phaseName());
      String reason =
          ReleasePhase.STARTED.equals(set.status())
              ? Reasons.PHASE_STARTED
              : Reasons.PHASE_COMPLETED;
      events.normal(resource, reason, capitalize(set.describe()) + " of " + flag + note);
    }

    /** Whether the release as last read shows the phase as a write of {@code status} asked. */
    private boolean shows(String phaseId, String status) {
      return currentPhase(phaseId)
          .anyMatch(
              phase ->
                  phase.isComplete() || (ReleasePhase.STARTED.equals(status) && phase.isStarted()));
    }

    /**
     * The phase writes an earlier pass could not tell were made (their answer did not say, and the
     * read right after them failed or did not show them): those the release shows made are the
     * operator's, with the event they missed.
     */
    private void settleUncertainWrites() {
      FlagReleaseStatus status = resource.getStatus();
      if (status == null
          || !Objects.equals(status.getObservedGeneration(), resource.getMetadata().getGeneration())
          || current.isEmpty()
          || Ownership.madeAgain(current.get(), ReleaseIdentity.recorded(status))) {
        // the spec changed since (a suspend, say, while a person may have acted), or the release
        // was made again: what the release shows now may not be the write's doing
        return;
      }
      for (UncertainWrite write : status.getUncertainWrites()) {
        if (shows(write.getPhaseId(), write.getStatus())) {
          wrote(
              new SetPhaseStatus(
                  write.getPhaseId(), write.getPhase(), write.getStatus(), List.of()),
              " (its answer did not say whether it was made, nor did the read right after it;"
                  + " this read shows it made)");
        }
      }
    }

    /**
     * Reads the release at once after a write that failed without saying whether it was made (a
     * server error, a timeout, a lost answer); false when that read fails too. The failure the pass
     * reports stays the write's.
     */
    private boolean readAfterUncertainWrite() {
      String writing = step;
      try {
        read();
        return true;
      } catch (LaunchDarklyException unread) {
        return false;
      } finally {
        step = writing;
      }
    }

    private void create(CreateRelease create) {
      Ownership before = owned;
      // recorded before the call: a create whose answer is lost may still have been made; and
      // written to the status, so that an operator stopped before its next status write still
      // knows it created the release (and deletes it with deletionPolicy Delete)
      owned = Ownership.created(create.pipelineKey());
      announceIntent(
          Reasons.CREATING_RELEASE,
          "creating the release of " + flag + " on pipeline '" + create.pipelineKey() + "'",
          before,
          moving);
      if (!finishesThisPassesMove() && !announcer.stillCurrent()) { // changed meanwhile
        owned = before; // nothing was created: the pass's report takes the record back
        throw new Superseded();
      }
      try {
        current =
            Optional.of(
                sent(
                    () ->
                        session.createRelease(
                            flag,
                            new CreateReleaseInput(create.pipelineKey(), create.variationId()))));
      } catch (LaunchDarklyException e) {
        boolean refused = isRefusal(e);
        if (!e.mayHaveBeenMade()) {
          // refused, or never sent: nothing was created, and a release found later on the
          // pipeline (made by a person meanwhile) must not count as this resource's
          owned = before;
        } else if (madeAfterAll(create, before)) {
          madeDespite(e);
          created(create);
          return;
        }
        if (refused) {
          // the pass reads and may write again before its status: an operator stopped meanwhile
          // must not restart with the record "created here" on the person's release
          announce(
              Reasons.WRITE_REFUSED,
              "LaunchDarkly refused to create the release of "
                  + flag
                  + " ("
                  + e.getMessage()
                  + "); reading it again");
        }
        throw e;
      }
      created(create);
    }

    private void created(CreateRelease create) {
      written.add(Seen.RELEASE);
      moving = null;
      events.normal(
          resource,
          Reasons.RELEASE_CREATED,
          "Created the release of " + flag + " on pipeline '" + create.pipelineKey() + "'");
    }

    /**
     * Whether a create that failed without saying if it was made (a server error, a timeout, a lost
     * answer) was made after all, as a read at once shows: the release on its pipeline is the one
     * it made. With no release the record "created here" goes, so that one a person makes later
     * (the operator "cannot create it") never counts as this resource's; when the read fails too,
     * the record stays, since the create may have been made.
     */
    private boolean madeAfterAll(CreateRelease create, Ownership before) {
      if (!readAfterUncertainWrite()) {
        return false;
      }
      if (current.isEmpty()) {
        owned = before;
        return false;
      }
      return owned.origin() == ReleaseOrigin.Created && owned.owns(create.pipelineKey());
    }

    /** Makes a write call, and tells the announcer when it reached LaunchDarkly. */
    private <T> T sent(Supplier<T> write) {
      T answer;
      try {
        answer = write.get();
      } catch (LaunchDarklyException.Throttled
          | LaunchDarklyException.CircuitOpen
          | LaunchDarklyException.RateLimited e) {
        throw e; // held back, or turned away before LaunchDarkly looked at it
      } catch (LaunchDarklyException e) {
        if (!(e instanceof LaunchDarklyException.Unavailable u) || u.connected()) {
          announcer.sent();
        }
        throw e;
      }
      announcer.sent();
      return answer;
    }

    /**
     * Whether the Kubernetes API still holds the resource as this pass read it. A failed read stops
     * the pass as a change does, and says why: nothing is written that it might have stopped.
     */
    private boolean confirm(String before) {
      try {
        confirmed = announcer.confirmedCurrent();
        return confirmed;
      } catch (KubernetesClientException e) {
        throw new Superseded(
            "the FlagRelease could not be read again from the Kubernetes API ("
                + e.getMessage()
                + ") before the write \""
                + before
                + "\": that write and the ones after it were not made, and the pass is tried"
                + " again",
            true);
      }
    }

    /** Says what is about to happen, then deletes; the create that follows finishes the move. */
    private void move(DeleteRelease delete) {
      String what =
          "moving the release of "
              + flag
              + " from pipeline '"
              + delete.pipelineKey()
              + "' to '"
              + delete.toKey()
              + "': deleting it there, then creating it on '"
              + delete.toKey()
              + "'";
      // recorded before the delete: the create that finishes the move keeps the variation, in
      // this pass or, when it fails, in a later one
      PipelineMove movingBefore = moving;
      moving =
          new PipelineMove(
              delete.pipelineKey(),
              delete.toKey(),
              current.map(Release::releaseVariationId).orElse(null));
      announceIntent(Reasons.MOVING_PIPELINE, what, owned, movingBefore);
      // the one write that destroys, and DELETE takes no version: a person may have started a
      // phase (its approval, its guarded rollout) since the plan's read, and the pipeline read and
      // the status write above widened that gap, so the release is read again and the pass plans
      // anew on it unless it is still the one the plan was made on
      Optional<Release> plannedOn = current;
      String deleting = step;
      try {
        beforeDelete = true; // a release gone now is someone else's doing, not this DELETE's
        read();
      } catch (LaunchDarklyException e) {
        moving = movingBefore; // nothing was deleted
        throw e;
      } finally {
        beforeDelete = false;
      }
      try {
        if (!confirm(deleting)) { // changed during the re-read: nothing deleted
          throw new Superseded();
        }
      } catch (Superseded e) {
        moving = movingBefore;
        throw e;
      }
      if (!stillTheSame(plannedOn, current)) {
        moving = movingBefore;
        if (current.isEmpty()) {
          alreadyGone(delete);
        }
        throw new PlanAgain();
      }
      step = deleting;
      events.normal(resource, Reasons.RELEASE_MOVING, capitalize(what));
      boolean deleted = true;
      try {
        deleted = sent(() -> session.deleteRelease(flag));
      } catch (LaunchDarklyException e) {
        if (e.changedNothing()) {
          moving = null; // nothing was deleted (a lost answer may have deleted it: kept)
          throw e;
        }
        // as for a phase write: a read at once tells whether the delete went through, so that
        // the move goes on and the history does not give the deletion to someone else
        if (!e.mayHaveBeenMade() || !readAfterUncertainWrite()) {
          throw e;
        }
        if (current.isPresent()) {
          // the read shows the release, but a DELETE whose answer was lost or a server error
          // may still land later: the move stays recorded (with the variation to keep) until a
          // read shows a release again
          throw e;
        }
        madeDespite(e);
      }
      current = Optional.empty();
      owned = Ownership.NONE;
      movedHere = true;
      if (!deleted) { // someone else's delete came first: the history does not give it to us
        alreadyGone(delete);
        return;
      }
      written.add(Seen.RELEASE);
      events.normal(
          resource,
          Reasons.RELEASE_DELETED,
          "Deleted the release of "
              + flag
              + " on pipeline '"
              + delete.pipelineKey()
              + "' to move it to pipeline '"
              + delete.toKey()
              + "'");
    }

    private void alreadyGone(DeleteRelease delete) {
      events.normal(
          resource,
          Reasons.RELEASE_DELETED,
          "The release of "
              + flag
              + " on pipeline '"
              + delete.pipelineKey()
              + "' was already gone: deleted before the operator's delete; creating it on '"
              + delete.toKey()
              + "'");
    }

    /** Whether a read shows the release the plan was made on, with no phase moved since. */
    private static boolean stillTheSame(Optional<Release> plannedOn, Optional<Release> now) {
      if (plannedOn.isEmpty() || now.isEmpty()) {
        return plannedOn.isEmpty() && now.isEmpty();
      }
      Release before = plannedOn.get();
      Release after = now.get();
      return !ReleaseIdentity.of(before).differsFrom(ReleaseIdentity.of(after))
          && Objects.equals(before.version(), after.version())
          && Objects.equals(before.releasePipelineKey(), after.releasePipelineKey())
          && StatusFactory.progress(before).equals(StatusFactory.progress(after));
    }

    private boolean onDesiredPipeline() {
      return current.isPresent() && pipeline().equals(spec.getReleasePipelineKey());
    }

    private String pipeline() {
      return current.map(Release::releasePipelineKey).orElse(null);
    }

    Seen seen() {
      if (!read) {
        return Seen.unknown();
      }
      Release release = current.orElse(null);
      return new Seen(
          true,
          release,
          release == null ? null : legacy,
          Set.copyOf(written),
          readAt,
          moving,
          List.copyOf(uncertain));
    }
  }

  static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
