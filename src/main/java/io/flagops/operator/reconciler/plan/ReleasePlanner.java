package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.reconciler.plan.Observation.Target;
import io.flagops.operator.reconciler.plan.ReleaseAction.CreateRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.DeleteRelease;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides the writes that bring a release to the spec. A pure function of the spec and what was
 * observed: no I/O, no clock (the time of the read is part of the observation), so it is tested as
 * a table.
 */
public final class ReleasePlanner {

  private ReleasePlanner() {}

  /** Problems a spec has on its own, before LaunchDarkly is asked anything. */
  public static Optional<Verdict> validate(FlagReleaseSpec spec) {
    return SpecChecks.check(spec);
  }

  /** Why a deletion must not touch the release: a policy value this operator does not know. */
  public static Optional<String> unknownPolicy(FlagReleaseSpec spec) {
    return SpecChecks.unknownPolicy(spec);
  }

  /**
   * True when the flag's release is on another pipeline than the spec's: the plan moves it, now or
   * once what holds the move back lets go, or tells a person to delete it (one this resource did
   * not make, or a canceled one). The caller must then read the spec's pipeline and pass it in
   * {@link Observation#target()}, so nothing is deleted, and no person is told to delete the
   * release or let adopted ones go, before that pipeline is known to fit the spec.
   */
  public static boolean needsTarget(FlagReleaseSpec spec, Observation observed) {
    if (observed.release().isEmpty()) {
      // Observe creates nothing, so only a read of the pipeline tells its user, before Manage,
      // that the create would go nowhere (a typo in the project or pipeline key)
      return ReleaseHolds.observes(spec)
          && !observed.completedAndGone(spec.getReleasePipelineKey());
    }
    return observed
        .release()
        .filter(r -> r.canceledAt() != null || ReleaseHolds.unknownStatus(r).isEmpty())
        .filter(r -> !r.releasePipelineKey().equals(spec.getReleasePipelineKey()))
        .isPresent();
  }

  public static ReleasePlan plan(FlagReleaseSpec spec, Observation observed) {
    Optional<Verdict> invalid = SpecChecks.check(spec);
    if (invalid.isPresent()) {
      return ReleasePlan.of(invalid.get());
    }
    if (observed.completedAndGone(spec.getReleasePipelineKey())) {
      return ReleasePlan.of(completedAndGone(spec));
    }
    if (observed.release().isEmpty()) {
      return create(spec, observed.unfinishedMove(), observed.target());
    }
    Release release = observed.release().get();
    if (release.canceledAt() != null) {
      return ReleasePlan.of(
          misfit(
                  spec,
                  observed.target(),
                  "the canceled release on pipeline '" + release.releasePipelineKey() + "'")
              .orElse(canceled(release, spec)));
    }
    Optional<Verdict> unknown = ReleaseHolds.unknownStatus(release);
    if (unknown.isPresent()) {
      return ReleasePlan.of(unknown.get());
    }
    String observedPipeline = release.releasePipelineKey();
    if (observedPipeline.equals(spec.getReleasePipelineKey())) {
      return new PhasePlanner(spec, release, observed).plan();
    }
    if (observed.owned().owns(observedPipeline)) {
      return move(spec, release, observed);
    }
    Optional<Verdict> wrongTarget =
        misfit(spec, observed.target(), "the release on pipeline '" + observedPipeline + "'");
    if (wrongTarget.isPresent()) {
      return ReleasePlan.of(wrongTarget.get()); // said before advice to delete the release
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

  /**
   * Every phase the spec can ask for was met by the release, which LaunchDarkly no longer returns:
   * a new one would start over from its first phase (a guarded rollout back to its first weight).
   */
  private static Verdict completedAndGone(FlagReleaseSpec spec) {
    return Verdict.inSync(
        "the release on pipeline '"
            + spec.getReleasePipelineKey()
            + "' completed every phase, and LaunchDarkly no longer returns it; it is not created"
            + " again, which would run its phases again (delete and apply this FlagRelease again"
            + " to run the pipeline anew, also after pointing it at a token of another account)");
  }

  /**
   * Moving deletes the live release, so it happens only once the new pipeline has been read and
   * holds every phase and audience the spec names in an order it can run them, the create that
   * follows releases the variation the live release has (LaunchDarkly accepted that one for this
   * flag, and another one could be refused only once the release is gone), and no guardrail of
   * LaunchDarkly's is deciding on the live release. A move the spec cannot make (a pipeline that
   * does not fit) is said before one that waits, whose message tells a person how to let it go.
   */
  private static ReleasePlan move(FlagReleaseSpec spec, Release release, Observation observed) {
    String from = release.releasePipelineKey();
    String to = spec.getReleasePipelineKey();
    // (an unknown phase status was answered by plan(), before the move)
    Target target = observed.target();
    if (!target.read()) {
      return ReleasePlan.of(
          Verdict.waiting(
              Reasons.MOVING_PIPELINE, "reading pipeline '" + to + "' before moving the release"));
    }
    Optional<Verdict> misfit = misfit(spec, target, "the release on pipeline '" + from + "'");
    if (misfit.isPresent()) {
      return ReleasePlan.of(misfit.get());
    }
    if (observed.owned().keepsAdopted(spec.getDeletionPolicy())) {
      return ReleasePlan.of(ReleaseHolds.adopted(from, spec));
    }
    Optional<Verdict> held = ReleaseHolds.guardrail(release, observed, spec);
    if (held.isPresent()) {
      return ReleasePlan.of(held.get());
    }
    String variation = release.releaseVariationId();
    String wanted = spec.getReleaseVariationId();
    if (wanted != null && !wanted.equals(variation)) {
      return ReleasePlan.of(
          Verdict.blocked(
              Reasons.VARIATION_NOT_VERIFIED,
              "spec.releaseVariationId: the release on pipeline '"
                  + from
                  + "' releases "
                  + (variation == null
                      ? "LaunchDarkly's default variation"
                      : "variation '" + variation + "'")
                  + ", and a move keeps it: LaunchDarkly would check '"
                  + wanted
                  + "' only after the release was deleted. Set spec.releaseVariationId to "
                  + (variation == null ? "nothing" : "'" + variation + "'")
                  + " to move it"
                  + untouched("the release on pipeline '" + from + "'")));
    }
    return ReleasePlan.of(
        Verdict.replan("moving the release from pipeline '" + from + "' to '" + to + "'"),
        new DeleteRelease(from, to),
        new CreateRelease(to, variation));
  }

  /**
   * Why the spec cannot be met on the spec's pipeline as read: there is none by that key, or it
   * does not fit (empty: it fits, or it was not read).
   *
   * @param release the live release ("the release on pipeline 'p'"), which the verdict says is left
   *     untouched
   */
  private static Optional<Verdict> misfit(FlagReleaseSpec spec, Target target, String release) {
    if (!target.read()) {
      return Optional.empty();
    }
    String untouched = untouched(release);
    if (target.pipeline() == null) {
      return Optional.of(
          Verdict.blocked(
              Reasons.PIPELINE_NOT_FOUND,
              "spec.releasePipelineKey: project '"
                  + spec.getProjectKey()
                  + "' has no release pipeline '"
                  + spec.getReleasePipelineKey()
                  + "'"
                  + untouched));
    }
    return misfit(spec, target.pipeline())
        .map(verdict -> Verdict.blocked(verdict.reason(), verdict.message() + untouched));
  }

  private static String untouched(String release) {
    return "; " + release + " is left untouched";
  }

  /**
   * Why the spec cannot be met by a new release on {@code pipeline}: a phase or audience it lacks,
   * or phases asked in an order it cannot run (empty: it can). The operator asks it before a move
   * deletes anything; a plan of a create asks it to show the stop that follows the create.
   */
  public static Optional<Verdict> misfit(FlagReleaseSpec spec, ReleasePipeline pipeline) {
    PipelineFit.Shape shape = PipelineFit.Shape.of(pipeline);
    return PipelineFit.check(spec, shape)
        .or(
            () ->
                shape.legacy()
                    ? Optional.empty()
                    : PipelineFit.checkOrder(
                        spec,
                        shape.phases().stream().map(PipelineFit.PhaseShape::name).toList(),
                        newPhase -> false));
  }

  private static Verdict canceled(Release release, FlagReleaseSpec spec) {
    return Verdict.blocked(
        Reasons.RELEASE_CANCELED,
        "LaunchDarkly canceled the release on pipeline '"
            + release.releasePipelineKey()
            + "' at "
            + Instant.ofEpochMilli(release.canceledAt())
            + "; the operator does not drive a canceled release. Delete it in LaunchDarkly"
            + ReleaseHolds.toHaveTheOperatorCreate(spec)
            + " a new one, or delete this FlagRelease");
  }

  /**
   * Creates the release; after a move that deleted it and did not create it again, with the
   * variation the deleted one had (unless the spec now names one).
   */
  private static ReleasePlan create(FlagReleaseSpec spec, PipelineMove unfinished, Target target) {
    String to = spec.getReleasePipelineKey();
    if (target.read()) {
      Optional<Verdict> wrong =
          target.pipeline() == null
              ? Optional.of(
                  Verdict.blocked(
                      Reasons.PIPELINE_NOT_FOUND,
                      "spec.releasePipelineKey: LaunchDarkly has no release pipeline '"
                          + to
                          + "' in project '"
                          + spec.getProjectKey()
                          + "' (spec.projectKey), so Manage mode's create would be refused"))
              : misfit(spec, target.pipeline());
      if (wrong.isPresent()) {
        return ReleasePlan.of(wrong.get());
      }
    }
    if (unfinished == null) {
      return ReleasePlan.of(
          Verdict.replan("creating the release on pipeline '" + to + "'"),
          new CreateRelease(to, spec.getReleaseVariationId()));
    }
    String variation =
        spec.getReleaseVariationId() != null
            ? spec.getReleaseVariationId()
            : unfinished.getReleaseVariationId();
    return ReleasePlan.of(
        Verdict.replan(
            "creating the release on pipeline '"
                + to
                + "' with "
                + (variation == null
                    ? "LaunchDarkly's default variation"
                    : "variation '" + variation + "'")
                + ", after a move deleted it from pipeline '"
                + unfinished.getFrom()
                + "'"),
        new CreateRelease(to, variation));
  }
}
