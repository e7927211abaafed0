package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.AudienceSpec;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseGuardianSpec;
import io.flagops.operator.launchdarkly.model.AudienceConfigInput;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleaseGuardianConfiguration;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.reconciler.plan.ReleaseAction.CreateRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.DeleteRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.LegacyPhaseChange;
import io.flagops.operator.reconciler.plan.ReleaseAction.PatchLegacyPhases;
import io.flagops.operator.reconciler.plan.ReleaseAction.SetPhaseStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides the writes that bring a release to the spec. A pure function of the spec and the release
 * LaunchDarkly holds: no I/O, no clock, so it is tested as a table.
 */
public final class ReleasePlanner {

  private ReleasePlanner() {}

  /**
   * @param spec the desired release
   * @param observed the release LaunchDarkly holds, empty when the flag has none
   * @param ownedPipelineKey pipeline of the release this resource created or adopted, or null
   * @param legacy whether the observed release's pipeline is a legacy one
   */
  /** Problems a spec has on its own, before LaunchDarkly is asked anything. */
  public static Optional<Verdict> validate(FlagReleaseSpec spec) {
    return SpecChecks.check(spec);
  }

  public static ReleasePlan plan(
      FlagReleaseSpec spec, Optional<Release> observed, String ownedPipelineKey, boolean legacy) {
    return plan(spec, observed, ownedPipelineKey, legacy, Map.of());
  }

  /**
   * @param lastRequested the status the spec asked for each phase at the last reconcile (from the
   *     resource's status): a legacy phase is marked incomplete again only when the spec moved it
   *     back from Complete, never because LaunchDarkly got ahead of the spec
   */
  public static ReleasePlan plan(
      FlagReleaseSpec spec,
      Optional<Release> observed,
      String ownedPipelineKey,
      boolean legacy,
      Map<String, DesiredPhaseStatus> lastRequested) {
    Optional<Verdict> invalid = SpecChecks.check(spec);
    if (invalid.isPresent()) {
      return ReleasePlan.of(invalid.get());
    }
    CreateRelease create =
        new CreateRelease(spec.getReleasePipelineKey(), spec.getReleaseVariationId());
    if (observed.isEmpty()) {
      return ReleasePlan.of(Verdict.replan("creating the release"), create);
    }
    Release release = observed.get();
    String observedPipeline = release.releasePipelineKey();
    if (!observedPipeline.equals(spec.getReleasePipelineKey())) {
      if (observedPipeline.equals(ownedPipelineKey)) {
        return ReleasePlan.of(
            Verdict.replan("moving the release to pipeline '" + spec.getReleasePipelineKey() + "'"),
            new DeleteRelease(observedPipeline),
            create);
      }
      return ReleasePlan.of(
          Verdict.blocked(
              Reasons.PIPELINE_CONFLICT,
              "flag already has a release on pipeline '"
                  + observedPipeline
                  + "' that this FlagRelease did not create; it is left untouched. Delete it in"
                  + " LaunchDarkly or set spec.releasePipelineKey to '"
                  + observedPipeline
                  + "'"));
    }
    return new PhasePlanner(spec, release, legacy, lastRequested).plan();
  }

  /** Plans phase changes on a release that is on the desired pipeline. */
  private static final class PhasePlanner {
    private final FlagReleaseSpec spec;
    private final Release release;
    private final boolean legacy;
    private final Map<String, DesiredPhaseStatus> lastRequested;
    private final Map<String, Integer> specIndexByName = new HashMap<>();

    PhasePlanner(
        FlagReleaseSpec spec,
        Release release,
        boolean legacy,
        Map<String, DesiredPhaseStatus> lastRequested) {
      this.spec = spec;
      this.release = release;
      this.legacy = legacy;
      this.lastRequested = lastRequested;
      for (int i = 0; i < spec.getPhases().size(); i++) {
        specIndexByName.put(spec.getPhases().get(i).getName(), i);
      }
    }

    ReleasePlan plan() {
      Optional<Verdict> invalid = checkAgainstPipeline();
      if (invalid.isPresent()) {
        return ReleasePlan.of(invalid.get());
      }
      return legacy ? planLegacy() : planAutomated();
    }

    /** Every phase and audience named in the spec exists, and the order can be met. */
    private Optional<Verdict> checkAgainstPipeline() {
      List<String> phaseNames = release.phases().stream().map(ReleasePhase::name).toList();
      for (int i = 0; i < spec.getPhases().size(); i++) {
        PhaseSpec phaseSpec = spec.getPhases().get(i);
        Optional<ReleasePhase> phase = phaseNamed(phaseSpec.getName());
        if (phase.isEmpty()) {
          return Optional.of(
              Verdict.blocked(
                  Reasons.UNKNOWN_PHASE,
                  "spec.phases["
                      + i
                      + "].name: pipeline '"
                      + release.releasePipelineKey()
                      + "' has no phase '"
                      + phaseSpec.getName()
                      + "' (its phases: "
                      + String.join(", ", phaseNames)
                      + ")"));
        }
        Optional<Verdict> audience = checkAudiences(i, phaseSpec, phase.get());
        if (audience.isPresent()) {
          return audience;
        }
        if (legacy && phaseSpec.getStatus() == DesiredPhaseStatus.Started) {
          return Optional.of(
              Verdict.blocked(
                  Reasons.INVALID_SPEC,
                  "spec.phases["
                      + i
                      + "].status: Started is not possible on legacy pipeline '"
                      + release.releasePipelineKey()
                      + "', whose phases are only complete or not; use NotStarted or Complete"));
        }
      }
      return legacy ? Optional.empty() : checkOrder();
    }

    private Optional<Verdict> checkAudiences(int index, PhaseSpec phaseSpec, ReleasePhase phase) {
      for (int j = 0; j < phaseSpec.getAudiences().size(); j++) {
        String name = phaseSpec.getAudiences().get(j).getName();
        if (phase.audiences().stream().noneMatch(a -> Objects.equals(a.name(), name))) {
          String known =
              phase.audiences().stream()
                  .map(ReleaseAudience::name)
                  .collect(Collectors.joining(", "));
          return Optional.of(
              Verdict.blocked(
                  Reasons.UNKNOWN_AUDIENCE,
                  "spec.phases["
                      + index
                      + "].audiences["
                      + j
                      + "].name: phase '"
                      + phase.name()
                      + "' has no audience '"
                      + name
                      + "' (its audiences: "
                      + known
                      + ")"));
        }
      }
      return Optional.empty();
    }

    /** On automated pipelines no phase can start while an earlier one is asked to stay put. */
    private Optional<Verdict> checkOrder() {
      String heldBack = null;
      for (ReleasePhase phase : release.phases()) {
        PhaseSpec wanted = wanted(phase);
        if (wanted == null) {
          continue;
        }
        boolean untouched = !phase.isComplete() && !phase.isStarted() && !phase.isPaused();
        if (wanted.getStatus() == DesiredPhaseStatus.NotStarted) {
          // only a phase that really has not started holds the later ones back
          heldBack = heldBack == null && untouched ? phase.name() : heldBack;
        } else if (heldBack != null && untouched) {
          return Optional.of(
              Verdict.blocked(
                  Reasons.IMPOSSIBLE_PHASE_ORDER,
                  "spec.phases["
                      + specIndexByName.get(phase.name())
                      + "].status: phase '"
                      + phase.name()
                      + "' cannot be "
                      + wanted.getStatus()
                      + " while the earlier phase '"
                      + heldBack
                      + "' is NotStarted; phases run in pipeline order"));
        }
      }
      return Optional.empty();
    }

    private ReleasePlan planAutomated() {
      List<ReleaseAction> actions = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      boolean earlierComplete = true;
      String blocker = null;
      for (ReleasePhase phase : release.phases()) {
        PhaseSpec wanted = wanted(phase);
        boolean complete = phase.isComplete();
        boolean started = phase.isStarted();
        if (wanted != null && wanted.getStatus() != DesiredPhaseStatus.NotStarted && !complete) {
          if (phase.isPaused()) {
            return ReleasePlan.of(
                Verdict.blocked(
                    Reasons.PHASE_PAUSED,
                    "phase '"
                        + phase.name()
                        + "' is paused in LaunchDarkly; the operator does not resume a paused"
                        + " phase. Resume it in LaunchDarkly to continue"));
          }
          if (!started) {
            if (!earlierComplete) {
              return waitFor(actions, blocker, phase.name());
            }
            actions.add(start(phase, wanted));
            started = true;
          }
          if (wanted.getStatus() == DesiredPhaseStatus.Complete) {
            actions.add(
                new SetPhaseStatus(phase.id(), phase.name(), ReleasePhase.COMPLETE, List.of()));
            complete = true;
          }
        } else if (wanted != null
            && wanted.getStatus() == DesiredPhaseStatus.NotStarted
            && (started || complete)) {
          notes.add(
              "phase '"
                  + phase.name()
                  + "' is "
                  + (complete ? "complete" : "started")
                  + " in LaunchDarkly although the spec asks NotStarted; progress made there is"
                  + " kept, phases never move backwards");
        }
        if (!complete && earlierComplete) {
          earlierComplete = false;
          blocker = phase.name();
        }
      }
      String message = notes.isEmpty() ? "LaunchDarkly matches the spec" : String.join("; ", notes);
      return new ReleasePlan(actions, Verdict.inSync(message));
    }

    private ReleasePlan waitFor(List<ReleaseAction> actions, String blocker, String phaseName) {
      String why =
          specIndexByName.containsKey(blocker)
              ? "waiting for LaunchDarkly to complete phase '" + blocker + "'"
              : "waiting for phase '"
                  + blocker
                  + "', which spec.phases does not list, to be completed in LaunchDarkly";
      return new ReleasePlan(
          actions,
          Verdict.waiting(
              Reasons.WAITING_FOR_PHASE, why + " before starting phase '" + phaseName + "'"));
    }

    private ReleasePlan planLegacy() {
      List<LegacyPhaseChange> changes = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (int i = 0; i < release.phases().size(); i++) {
        ReleasePhase phase = release.phases().get(i);
        PhaseSpec wanted = wanted(phase);
        if (wanted == null) {
          continue;
        }
        boolean wantComplete = wanted.getStatus() == DesiredPhaseStatus.Complete;
        boolean specMovedBack = lastRequested.get(phase.name()) == DesiredPhaseStatus.Complete;
        if (wantComplete && !phase.isComplete()) {
          changes.add(new LegacyPhaseChange(i, phase.name(), true));
        } else if (!wantComplete && phase.isComplete() && specMovedBack) {
          changes.add(new LegacyPhaseChange(i, phase.name(), false));
        } else if (!wantComplete && phase.isComplete()) {
          notes.add(
              "phase '"
                  + phase.name()
                  + "' was marked complete in LaunchDarkly although the spec asks NotStarted;"
                  + " progress made there is kept");
        }
      }
      Verdict done =
          Verdict.inSync(
              notes.isEmpty() ? "LaunchDarkly matches the spec" : String.join("; ", notes));
      return changes.isEmpty()
          ? ReleasePlan.of(done)
          : ReleasePlan.of(done, new PatchLegacyPhases(changes));
    }

    private SetPhaseStatus start(ReleasePhase phase, PhaseSpec wanted) {
      List<AudienceConfigInput> audiences = new ArrayList<>();
      for (AudienceSpec audienceSpec : wanted.getAudiences()) {
        ReleaseAudience audience =
            phase.audiences().stream()
                .filter(a -> Objects.equals(a.name(), audienceSpec.getName()))
                .findFirst()
                .orElseThrow();
        audiences.add(
            new AudienceConfigInput(
                audience.id(),
                guardian(audienceSpec.getReleaseGuardian()),
                audienceSpec.getNotifyMemberIds(),
                audienceSpec.getNotifyTeamKeys()));
      }
      return new SetPhaseStatus(phase.id(), phase.name(), ReleasePhase.STARTED, audiences);
    }

    private static ReleaseGuardianConfiguration guardian(ReleaseGuardianSpec spec) {
      if (spec == null) {
        return null;
      }
      return new ReleaseGuardianConfiguration(
          Durations.toMillis(spec.getMonitoringWindow()),
          spec.getRolloutWeight(),
          spec.isRollbackOnRegression(),
          spec.getRandomizationUnit());
    }

    private Optional<ReleasePhase> phaseNamed(String name) {
      return release.phases().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private PhaseSpec wanted(ReleasePhase phase) {
      Integer index = specIndexByName.get(phase.name());
      return index == null ? null : spec.getPhases().get(index);
    }
  }
}
