package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Whether a pipeline holds every phase and audience the spec names: checked on the release before
 * its phases are driven, and on the target pipeline before a release is moved there.
 */
final class PipelineFit {
  /** A pipeline's phases and audience names, from a release or from the pipeline itself. */
  record Shape(String pipelineKey, boolean legacy, List<PhaseShape> phases) {
    static Shape of(Release release, boolean legacy) {
      return new Shape(
          release.releasePipelineKey(),
          legacy,
          release.phases().stream()
              .map(
                  p ->
                      new PhaseShape(
                          p.name(), p.audiences().stream().map(ReleaseAudience::name).toList()))
              .toList());
    }

    static Shape of(ReleasePipeline pipeline) {
      return new Shape(
          pipeline.key(),
          pipeline.legacy(),
          pipeline.phases().stream()
              .map(
                  p ->
                      new PhaseShape(
                          p.name(),
                          p.audiences().stream().map(ReleasePipeline.Audience::name).toList()))
              .toList());
    }

    Optional<PhaseShape> phase(String name) {
      return phases.stream().filter(p -> p.name().equals(name)).findFirst();
    }
  }

  record PhaseShape(String name, List<String> audiences) {}

  private PipelineFit() {}

  /** The first phase or audience of the spec the pipeline lacks, or a status it cannot take. */
  static Optional<Verdict> check(FlagReleaseSpec spec, Shape pipeline) {
    List<String> phaseNames = pipeline.phases().stream().map(PhaseShape::name).toList();
    for (int i = 0; i < spec.getPhases().size(); i++) {
      PhaseSpec phaseSpec = spec.getPhases().get(i);
      Optional<PhaseShape> phase = pipeline.phase(phaseSpec.getName());
      long samePhase = phaseNames.stream().filter(phaseSpec.getName()::equals).count();
      if (samePhase > 1) {
        return Optional.of(
            ambiguous(
                "spec.phases[" + i + "].name: pipeline '" + pipeline.pipelineKey() + "' has ",
                samePhase,
                "phases",
                phaseSpec.getName()));
      }
      if (phase.isEmpty()) {
        return Optional.of(
            Verdict.blocked(
                Reasons.UNKNOWN_PHASE,
                "spec.phases["
                    + i
                    + "].name: pipeline '"
                    + pipeline.pipelineKey()
                    + "' has no phase '"
                    + phaseSpec.getName()
                    + "' (its phases: "
                    + String.join(", ", phaseNames)
                    + ")"));
      }
      for (int j = 0; j < phaseSpec.getAudiences().size(); j++) {
        String name = phaseSpec.getAudiences().get(j).getName();
        String field =
            "spec.phases["
                + i
                + "].audiences["
                + j
                + "].name: phase '"
                + phaseSpec.getName()
                + "' of pipeline '"
                + pipeline.pipelineKey()
                + "' has ";
        long sameAudience = phase.get().audiences().stream().filter(name::equals).count();
        if (sameAudience > 1) {
          return Optional.of(ambiguous(field, sameAudience, "audiences", name));
        }
        if (!phase.get().audiences().contains(name)) {
          return Optional.of(
              Verdict.blocked(
                  Reasons.UNKNOWN_AUDIENCE,
                  field
                      + "no audience '"
                      + name
                      + "' (its audiences: "
                      + String.join(", ", phase.get().audiences())
                      + ")"));
        }
      }
      if (pipeline.legacy() && phaseSpec.getStatus() == DesiredPhaseStatus.Started) {
        return Optional.of(
            Verdict.blocked(
                Reasons.INVALID_SPEC,
                "spec.phases["
                    + i
                    + "].status: Started is not possible on legacy pipeline '"
                    + pipeline.pipelineKey()
                    + "', whose phases are only complete or not; use NotStarted or Complete"));
      }
      Optional<Verdict> guardian = legacyGuardian(pipeline, phaseSpec, i);
      if (guardian.isPresent()) {
        return guardian;
      }
    }
    return Optional.empty();
  }

  /**
   * A name the spec uses that LaunchDarkly gives to more than one phase or audience: the operator
   * cannot tell which one is meant, and picking the first would send a guarded rollout's settings
   * to one audience and leave the other unguarded.
   */
  private static Verdict ambiguous(String where, long count, String what, String name) {
    return Verdict.blocked(
        Reasons.AMBIGUOUS_NAME,
        where
            + count
            + " "
            + what
            + " named '"
            + name
            + "', and the operator cannot tell which one the spec means, so it writes nothing to"
            + " them; give them distinct names in LaunchDarkly");
  }

  /**
   * On an automated pipeline no phase can start while an earlier one is asked to stay put: the
   * first phase the spec asks to start or complete behind one it asks to leave NotStarted. Checked
   * on the release before its phases are driven, and on the target pipeline (every phase not
   * started yet) before a release is moved there.
   *
   * @param order the pipeline's phase names, in order
   * @param touched whether the named phase has started, completed or been paused: only a phase that
   *     really has not started holds the later ones back
   */
  static Optional<Verdict> checkOrder(
      FlagReleaseSpec spec, List<String> order, Predicate<String> touched) {
    String heldBack = null;
    for (String name : order) {
      int index = indexOf(spec, name);
      if (index < 0) {
        continue;
      }
      DesiredPhaseStatus wanted = spec.getPhases().get(index).getStatus();
      boolean untouched = !touched.test(name);
      if (wanted == DesiredPhaseStatus.NotStarted) {
        heldBack = heldBack == null && untouched ? name : heldBack;
      } else if (heldBack != null && untouched) {
        return Optional.of(
            Verdict.blocked(
                Reasons.IMPOSSIBLE_PHASE_ORDER,
                "spec.phases["
                    + index
                    + "].status: phase '"
                    + name
                    + "' cannot be "
                    + wanted
                    + " while the earlier phase '"
                    + heldBack
                    + "' is NotStarted; phases run in pipeline order"));
      }
    }
    return Optional.empty();
  }

  private static int indexOf(FlagReleaseSpec spec, String phaseName) {
    for (int i = 0; i < spec.getPhases().size(); i++) {
      if (spec.getPhases().get(i).getName().equals(phaseName)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A legacy pipeline only ticks phases complete: no guarded rollout runs, so ticking one declared
   * guarded would complete it unmonitored.
   */
  private static Optional<Verdict> legacyGuardian(Shape pipeline, PhaseSpec phaseSpec, int i) {
    if (!pipeline.legacy()) {
      return Optional.empty();
    }
    for (int j = 0; j < phaseSpec.getAudiences().size(); j++) {
      if (phaseSpec.getAudiences().get(j).getReleaseGuardian() != null) {
        return Optional.of(
            Verdict.blocked(
                Reasons.INVALID_SPEC,
                "spec.phases["
                    + i
                    + "].audiences["
                    + j
                    + "].releaseGuardian: legacy pipeline '"
                    + pipeline.pipelineKey()
                    + "' runs no guarded rollout, its phases are only ticked complete; remove"
                    + " the releaseGuardian"));
      }
    }
    return Optional.empty();
  }
}
