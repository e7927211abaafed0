package io.flagops.operator.reconciler;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.FlagRef;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.plan.ReleaseAction;
import io.flagops.operator.reconciler.plan.ReleaseAction.CreateRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.DeleteRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.PatchLegacyPhases;
import io.flagops.operator.reconciler.plan.ReleaseAction.SetPhaseStatus;
import io.flagops.operator.reconciler.plan.ReleasePlan;
import io.flagops.operator.reconciler.plan.ReleasePlanner;
import io.flagops.operator.reconciler.plan.Verdict;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import io.flagops.operator.reconciler.support.EventRecorder;
import io.flagops.operator.reconciler.support.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One observe → plan → act pass for a FlagRelease: a single GET, then the planned writes in order,
 * each answered with the new release, then a final plan on that answer (no extra read).
 */
@ApplicationScoped
public class ReleaseSync {
  /** A create is followed by a plan for the phases; anything beyond that is a sign of trouble. */
  private static final int MAX_PASSES = 3;

  private final LaunchDarklyClient launchDarkly;
  private final PipelineCatalog pipelines;
  private final EventRecorder events;

  public ReleaseSync(
      LaunchDarklyClient launchDarkly, PipelineCatalog pipelines, EventRecorder events) {
    this.launchDarkly = launchDarkly;
    this.pipelines = pipelines;
    this.events = events;
  }

  /**
   * @param writesAllowed false in Observe mode, or while a write LaunchDarkly rejected waits for
   *     the spec to change: the plan is returned, not carried out
   * @throws SyncException when a LaunchDarkly call fails
   */
  public SyncResult sync(FlagRelease resource, AccessToken token, boolean writesAllowed) {
    Pass pass = new Pass(resource, token, writesAllowed);
    try {
      return pass.run();
    } catch (LaunchDarklyException e) {
      throw new SyncException(e, pass.seen(), pass.owned);
    }
  }

  private final class Pass {
    private final FlagRelease resource;
    private final FlagReleaseSpec spec;
    private final AccessToken token;
    private final boolean writesAllowed;
    private final FlagRef flag;
    private String owned;
    private Optional<Release> current = Optional.empty();
    private Boolean legacy;
    private boolean read;
    private final Map<String, DesiredPhaseStatus> lastRequested;

    Pass(FlagRelease resource, AccessToken token, boolean writesAllowed) {
      this.resource = resource;
      this.spec = resource.getSpec();
      this.token = token;
      this.writesAllowed = writesAllowed;
      this.flag = new FlagRef(spec.getProjectKey(), spec.getFlagKey());
      this.owned = FlagClaims.ownedPipelineKey(resource);
      this.lastRequested = lastRequested(resource);
    }

    SyncResult run() {
      current = launchDarkly.getRelease(token, flag);
      read = true;
      for (int i = 0; i < MAX_PASSES; i++) {
        legacy =
            onDesiredPipeline() ? pipelines.isLegacy(token, flag.projectKey(), pipeline()) : null;
        if (writesAllowed && onDesiredPipeline()) {
          adopt();
        }
        ReleasePlan plan =
            ReleasePlanner.plan(spec, current, owned, Boolean.TRUE.equals(legacy), lastRequested);
        if (!plan.hasWrites() || !writesAllowed) {
          return new SyncResult(seen(), plan, owned);
        }
        for (ReleaseAction action : plan.actions()) {
          Optional<Verdict> blocked = apply(action);
          if (blocked.isPresent()) {
            return new SyncResult(seen(), ReleasePlan.of(blocked.get()), owned);
          }
        }
      }
      throw new LaunchDarklyException.Unavailable(
          "LaunchDarkly's answers do not reflect the writes made; will read the release again",
          0,
          null);
    }

    /** A release on the desired pipeline is this resource's from now on, created or found. */
    private void adopt() {
      if (!pipeline().equals(owned)) {
        if (owned == null) {
          events.normal(
              resource,
              "ReleaseAdopted",
              "Adopted the existing release of " + flag + " on pipeline '" + pipeline() + "'");
        }
        owned = pipeline();
      }
    }

    /** Makes one write; a create LaunchDarkly cannot place (404) blocks instead of failing. */
    private Optional<Verdict> apply(ReleaseAction action) {
      if (action instanceof CreateRelease create) {
        return create(create);
      }
      if (action instanceof DeleteRelease delete) {
        launchDarkly.deleteRelease(token, flag);
        current = Optional.empty();
        owned = null;
        events.normal(
            resource,
            "ReleaseDeleted",
            "Deleted the release of "
                + flag
                + " on pipeline '"
                + delete.pipelineKey()
                + "' to move it to pipeline '"
                + spec.getReleasePipelineKey()
                + "'");
      } else if (action instanceof SetPhaseStatus set) {
        UpdatePhaseStatusInput input = new UpdatePhaseStatusInput(set.status(), set.audiences());
        current =
            Optional.of(
                whileReleaseExists(
                    () -> launchDarkly.updatePhaseStatus(token, flag, set.phaseId(), input)));
        String reason =
            ReleasePhase.STARTED.equals(set.status()) ? "PhaseStarted" : "PhaseCompleted";
        events.normal(resource, reason, capitalize(set.describe()) + " of " + flag);
      } else if (action instanceof PatchLegacyPhases patch) {
        var operations =
            patch.changes().stream()
                .map(c -> PatchOperation.setPhaseComplete(c.index(), c.complete()))
                .toList();
        current =
            Optional.of(
                whileReleaseExists(() -> launchDarkly.patchRelease(token, flag, operations)));
        events.normal(
            resource, "LegacyPhasesUpdated", capitalize(patch.describe()) + " of " + flag);
      }
      return Optional.empty();
    }

    private Optional<Verdict> create(CreateRelease create) {
      CreateReleaseInput input = new CreateReleaseInput(create.pipelineKey(), create.variationId());
      try {
        current = Optional.of(launchDarkly.createRelease(token, flag, input));
      } catch (LaunchDarklyException.NotFound e) {
        return Optional.of(Verdict.blocked(Reasons.NOT_FOUND, e.getMessage()));
      }
      owned = create.pipelineKey();
      events.normal(
          resource,
          "ReleaseCreated",
          "Created the release of " + flag + " on pipeline '" + create.pipelineKey() + "'");
      return Optional.empty();
    }

    /** A 404 on a phase write means the release changed under us: read it again later. */
    private Release whileReleaseExists(Supplier<Release> write) {
      try {
        return write.get();
      } catch (LaunchDarklyException.NotFound e) {
        throw new LaunchDarklyException.Unavailable(
            e.getMessage() + "; the release changed meanwhile and will be read again", 404, e);
      }
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
      return current.map(r -> new Seen(true, r, legacy)).orElse(Seen.none());
    }
  }

  /** What the spec asked for each phase at the last reconcile, as the status recorded it. */
  private static Map<String, DesiredPhaseStatus> lastRequested(FlagRelease resource) {
    Map<String, DesiredPhaseStatus> requested = new HashMap<>();
    if (resource.getStatus() != null) {
      for (PhaseStatus phase : resource.getStatus().getPhases()) {
        if (phase.getRequested() != null) {
          requested.put(phase.getName(), phase.getRequested());
        }
      }
    }
    return requested;
  }

  private static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
