package io.flagops.operator.reconciler.plan;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.AudienceSpec;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.api.v1alpha1.ReleaseGuardianSpec;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.reconciler.plan.Observation.Target;
import io.flagops.operator.reconciler.plan.ReleaseAction.CreateRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.DeleteRelease;
import io.flagops.operator.reconciler.plan.ReleaseAction.PatchLegacyPhases;
import io.flagops.operator.reconciler.plan.ReleaseAction.SetPhaseStatus;
import io.flagops.operator.reconciler.plan.Verdict.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The plan as a table: spec × observed release → calls, in order, and what is left. */
class ReleasePlannerTest {
  private static final String PIPELINE = "standard";

  static Stream<Arguments> table() {
    return Stream.of(
        row(
            "no release: create it, then plan again",
            spec(phase("Testing", Started)),
            none(),
            null,
            false,
            List.of("create standard variation=var-on"),
            Kind.REPLAN,
            Reasons.PROGRESSING,
            ""),
        row(
            "owned release on the old pipeline: nothing moves before the new one is read",
            spec(),
            Optional.of(release("old", "Testing:NotStarted")),
            "old",
            false,
            List.of(),
            Kind.WAITING,
            Reasons.MOVING_PIPELINE,
            "reading pipeline 'standard' before moving the release"),
        row(
            "release on another pipeline it does not own: left untouched",
            spec(),
            Optional.of(release("other", "Testing:NotStarted")),
            null,
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.PIPELINE_CONFLICT,
            "pipeline 'other'"),
        row(
            "new release: start the first phase",
            spec(phase("Testing", Started)),
            fresh(),
            "standard",
            false,
            List.of("Started Testing"),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            "matches"),
        row(
            "new release: start, complete, start, in pipeline order",
            spec(phase("Production", Started), phase("Testing", Complete)),
            fresh(),
            "standard",
            false,
            List.of("Started Testing", "Complete Testing", "Started Production"),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            ""),
        row(
            "in sync: nothing to do",
            spec(phase("Testing", Started)),
            observed("Testing:Started", "Production:NotStarted"),
            "standard",
            false,
            List.of(),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            "matches"),
        row(
            "a started phase LaunchDarkly must finish: wait",
            spec(phase("Testing", Started), phase("Production", Started)),
            observed("Testing:Started", "Production:NotStarted"),
            "standard",
            false,
            List.of(),
            Kind.WAITING,
            Reasons.WAITING_FOR_PHASE,
            "waiting for phase 'Testing' to be completed in LaunchDarkly (spec.phases[0].status"
                + " Complete has the operator complete it)"),
        row(
            "LaunchDarkly completed the phase: desired Started is met, the next one starts",
            spec(phase("Testing", Started), phase("Production", Started)),
            observed("Testing:Complete", "Production:ReadyToStart"),
            "standard",
            false,
            List.of("Started Production"),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            ""),
        row(
            "edit to start the next phase: exactly that call",
            spec(phase("Testing", Complete), phase("Production", Started)),
            observed("Testing:Complete", "Production:ReadyToStart"),
            "standard",
            false,
            List.of("Started Production"),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            ""),
        row(
            "complete a started phase",
            spec(phase("Testing", Complete)),
            observed("Testing:Started", "Production:NotStarted"),
            "standard",
            false,
            List.of("Complete Testing"),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            ""),
        row(
            "unlisted earlier phase not complete: wait for it",
            spec(phase("Production", Started)),
            observed("Testing:Started", "Production:NotStarted"),
            "standard",
            false,
            List.of(),
            Kind.WAITING,
            Reasons.WAITING_FOR_PHASE,
            "which spec.phases does not list"),
        row(
            "unknown phase name",
            spec(phase("Testing", Started), phase("Prod", Started)),
            fresh(),
            "standard",
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.UNKNOWN_PHASE,
            "spec.phases[1].name: pipeline 'standard' has no phase 'Prod' (its phases: Testing,"
                + " Production)"),
        row(
            "unknown audience name",
            spec(phase("Testing", Started, audience("Nope", null))),
            fresh(),
            "standard",
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.UNKNOWN_AUDIENCE,
            "spec.phases[0].audiences[0].name: phase 'Testing' of pipeline 'standard' has no"
                + " audience 'Nope'"),
        row(
            "impossible order: a later phase started while an earlier one stays NotStarted",
            spec(phase("Testing", NotStarted), phase("Production", Started)),
            fresh(),
            "standard",
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.IMPOSSIBLE_PHASE_ORDER,
            "spec.phases[1].status: phase 'Production' cannot be Started while the earlier phase"
                + " 'Testing' is NotStarted"),
        row(
            "backwards on an automated pipeline: reported, not attempted",
            spec(phase("Testing", NotStarted)),
            observed("Testing:Complete", "Production:ReadyToStart"),
            "standard",
            false,
            List.of(),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            "phase 'Testing' is complete in LaunchDarkly although the spec asks NotStarted"),
        row(
            "a paused phase is left to people",
            spec(phase("Testing", Complete)),
            observed("Testing:Paused", "Production:NotStarted"),
            "standard",
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.PHASE_PAUSED,
            "phase 'Testing' is paused"),
        row(
            "legacy: one JSON patch marks every phase",
            spec(phase("Testing", Complete), phase("Production", Complete)),
            observedLegacy(false, false),
            "standard",
            true,
            List.of("patch 0=true 1=true"),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            ""),
        row(
            "legacy: a phase completed in LaunchDarkly ahead of the spec is kept",
            spec(phase("Testing", Complete), phase("Production", NotStarted)),
            observedLegacy(true, true),
            "standard",
            true,
            List.of(),
            Kind.IN_SYNC,
            Reasons.IN_SYNC,
            "phase 'Production' was marked complete in LaunchDarkly although the spec asks"
                + " NotStarted; progress made there is kept"),
        row(
            "legacy: Started is not a legacy status",
            spec(phase("Testing", Started)),
            observedLegacy(false, false),
            "standard",
            true,
            List.of(),
            Kind.BLOCKED,
            Reasons.INVALID_SPEC,
            "spec.phases[0].status: Started is not possible on legacy pipeline 'standard'"),
        row(
            "legacy: a guarded rollout would be ticked complete unmonitored",
            spec(
                phase(
                    "Testing", Complete, audience("Test env", new ReleaseGuardianSpec("30m", 5)))),
            observedLegacy(false, false),
            "standard",
            true,
            List.of(),
            Kind.BLOCKED,
            Reasons.INVALID_SPEC,
            "spec.phases[0].audiences[0].releaseGuardian: legacy pipeline 'standard' runs no"
                + " guarded rollout"),
        row(
            "duplicate phase names",
            spec(phase("Testing", Started), phase("Testing", Complete)),
            fresh(),
            "standard",
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.INVALID_SPEC,
            "spec.phases[1].name: phase 'Testing' is listed twice"),
        row(
            "rollout weight out of range",
            spec(
                phase(
                    "Testing", Started, audience("Test env", new ReleaseGuardianSpec("30m", 150)))),
            fresh(),
            "standard",
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.INVALID_SPEC,
            "spec.phases[0].audiences[0].releaseGuardian.rolloutWeight: 150"),
        row(
            "monitoring window that is not a duration",
            spec(
                phase(
                    "Testing", Started, audience("Test env", new ReleaseGuardianSpec("soon", 5)))),
            fresh(),
            "standard",
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.INVALID_SPEC,
            "spec.phases[0].audiences[0].releaseGuardian.monitoringWindow: 'soon'"),
        row(
            "monitoring window longer than a long can count (the schema admits any digits)",
            spec(
                phase(
                    "Testing",
                    Started,
                    audience("Test env", new ReleaseGuardianSpec("9999999999999999h", 5)))),
            fresh(),
            "standard",
            false,
            List.of(),
            Kind.BLOCKED,
            Reasons.INVALID_SPEC,
            "spec.phases[0].audiences[0].releaseGuardian.monitoringWindow: '9999999999999999h' is"
                + " too long"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void plans(
      String name,
      FlagReleaseSpec spec,
      Optional<Release> observed,
      String owned,
      boolean legacy,
      List<String> expectedCalls,
      Kind expectedKind,
      String expectedReason,
      String expectedMessagePart) {
    ReleasePlan plan = plan(spec, observed, owned, legacy);

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactlyElementsOf(expectedCalls);
    assertThat(plan.verdict().kind()).isEqualTo(expectedKind);
    assertThat(plan.verdict().reason()).isEqualTo(expectedReason);
    assertThat(plan.verdict().message()).contains(expectedMessagePart);
  }

  @org.junit.jupiter.api.Test
  void legacyPhaseGoesBackToIncompleteWhenTheSpecMovesItBack() {
    FlagReleaseSpec spec = spec(phase("Testing", Complete), phase("Production", NotStarted));

    ReleasePlan plan = ReleasePlanner.plan(spec, bothTickedBeforeIn(Map.of()));

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("patch 1=false");
  }

  /** A legacy release with both phases complete, which the spec asked complete before. */
  private static Observation bothTickedBeforeIn(Map<String, String> pipelineGuardrails) {
    return new Observation(
        observedLegacy(true, true),
        true,
        Ownership.created(PIPELINE),
        Map.of("Testing", requested(Complete), "Production", requested(Complete)),
        Target.UNREAD,
        null,
        null,
        null,
        pipelineGuardrails);
  }

  /** Marked incomplete again, a legacy phase with a guardrail could go around it: not written. */
  @org.junit.jupiter.api.Test
  void aGuardedLegacyPhaseIsNotMarkedIncompleteAgain() {
    FlagReleaseSpec spec = spec(phase("Testing", Complete), phase("Production", NotStarted));

    ReleasePlan plan =
        ReleasePlanner.plan(spec, bothTickedBeforeIn(Map.of("Production", "a guarded rollout")));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.LEGACY_PHASE_GUARDED);
    assertThat(plan.verdict().message())
        .isEqualTo(
            "phase 'Production' has a guarded rollout in LaunchDarkly, yet its release pipeline"
                + " reads as legacy (phases ticked complete by hand): the operator does not tick"
                + " it incomplete again around LaunchDarkly's guardrails, and writes nothing. Mark"
                + " it incomplete in LaunchDarkly, or set spec.phases[1].status to what"
                + " LaunchDarkly shows");
  }

  @org.junit.jupiter.api.Test
  void aCompletedReleaseLaunchDarklyNoLongerReturnsIsNotCreatedAgain() {
    FlagReleaseSpec spec = spec(phase("Testing", Complete));
    Observation gone =
        Observation.of(Optional.empty(), false, Ownership.NONE).withCompletedPipelineKey(PIPELINE);

    ReleasePlan plan = ReleasePlanner.plan(spec, gone);

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().kind()).isEqualTo(Verdict.Kind.IN_SYNC);
    assertThat(plan.verdict().message())
        .startsWith("the release on pipeline '" + PIPELINE + "' completed every phase");
    spec.setReleasePipelineKey("another");
    assertThat(ReleasePlanner.plan(spec, gone).actions())
        .as("on another pipeline the spec asks for a release it has never had")
        .hasSize(1);
  }

  @org.junit.jupiter.api.Test
  void aMoveThatDeletedAndDidNotCreateIsFinishedWithTheVariationTheReleaseHad() {
    Observation afterDelete =
        Observation.of(Optional.empty(), false, Ownership.NONE)
            .withUnfinishedMove(new PipelineMove("old-pipeline", PIPELINE, "var-off"));

    FlagReleaseSpec unset = spec(phase("Testing", Started));
    unset.setReleaseVariationId(null);

    ReleasePlan plan = ReleasePlanner.plan(unset, afterDelete);
    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("create standard variation=var-off");
    assertThat(plan.verdict().message())
        .isEqualTo(
            "creating the release on pipeline 'standard' with variation 'var-off', after a move"
                + " deleted it from pipeline 'old-pipeline'");

    FlagReleaseSpec naming = spec(phase("Testing", Started));
    naming.setReleaseVariationId("var-named");
    assertThat(
            ReleasePlanner.plan(naming, afterDelete).actions().stream()
                .map(ReleasePlannerTest::describe))
        .as("a variation the spec names since wins")
        .containsExactly("create standard variation=var-named");
  }

  @org.junit.jupiter.api.Test
  void audiencesAreSentWithTheStartInMilliseconds() {
    ReleaseGuardianSpec guardian = new ReleaseGuardianSpec("1h30m", 25);
    guardian.setRandomizationUnit("user");
    AudienceSpec audience = audience("Test env", guardian);
    audience.setNotifyTeamKeys(List.of("release-team"));
    FlagReleaseSpec spec = spec(phase("Testing", Started, audience));

    ReleasePlan plan = plan(spec, fresh(), PIPELINE, false);

    SetPhaseStatus start = (SetPhaseStatus) plan.actions().get(0);
    assertThat(start.phaseId()).isEqualTo("phase-Testing");
    assertThat(start.audiences()).hasSize(1);
    var sent = start.audiences().get(0);
    assertThat(sent.audienceId()).isEqualTo("aud-Testing-Test env");
    assertThat(sent.releaseGuardianConfiguration().monitoringWindowMilliseconds())
        .isEqualTo(5_400_000L);
    assertThat(sent.releaseGuardianConfiguration().rolloutWeight()).isEqualTo(25);
    assertThat(sent.releaseGuardianConfiguration().rollbackOnRegression()).isTrue();
    assertThat(sent.releaseGuardianConfiguration().randomizationUnit()).isEqualTo("user");
    assertThat(sent.notifyTeamKeys()).containsExactly("release-team");
  }

  static ReleasePlan plan(
      FlagReleaseSpec spec, Optional<Release> observed, String owned, boolean legacy) {
    return ReleasePlanner.plan(
        spec,
        Observation.of(
            observed, legacy, owned == null ? Ownership.NONE : Ownership.created(owned)));
  }

  /** The status's record of a phase the spec asked this of. */
  private static PhaseStatus requested(DesiredPhaseStatus status) {
    PhaseStatus phase = new PhaseStatus();
    phase.setRequested(status);
    return phase;
  }

  private static Arguments row(Object... values) {
    return Arguments.of(values);
  }

  static String describe(ReleaseAction action) {
    if (action instanceof CreateRelease create) {
      return "create " + create.pipelineKey() + " variation=" + create.variationId();
    }
    if (action instanceof DeleteRelease delete) {
      return "delete " + delete.pipelineKey();
    }
    if (action instanceof SetPhaseStatus set) {
      return set.status() + " " + set.phaseName();
    }
    PatchLegacyPhases patch = (PatchLegacyPhases) action;
    return "patch "
        + patch.changes().stream()
            .map(c -> c.index() + "=" + c.complete())
            .collect(Collectors.joining(" "));
  }

  static FlagReleaseSpec spec(PhaseSpec... phases) {
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("shop");
    spec.setFlagKey("new-checkout");
    spec.setReleasePipelineKey(PIPELINE);
    spec.setReleaseVariationId("var-on");
    spec.setPhases(new ArrayList<>(Arrays.asList(phases)));
    return spec;
  }

  static PhaseSpec phase(String name, DesiredPhaseStatus status, AudienceSpec... audiences) {
    PhaseSpec phase = new PhaseSpec(name, status);
    phase.setAudiences(new ArrayList<>(Arrays.asList(audiences)));
    return phase;
  }

  static AudienceSpec audience(String name, ReleaseGuardianSpec guardian) {
    return new AudienceSpec(name, guardian);
  }

  static Optional<Release> none() {
    return Optional.empty();
  }

  static Optional<Release> fresh() {
    return observed("Testing:ReadyToStart", "Production:NotStarted");
  }

  static Optional<Release> observed(String... phases) {
    return Optional.of(release(PIPELINE, phases));
  }

  /** Phases as "Name:Status"; each has one audience named "Test env" or "Prod env". */
  static Release release(String pipeline, String... phases) {
    List<ReleasePhase> list = new ArrayList<>();
    for (String phase : phases) {
      String[] parts = phase.split(":");
      String status = parts[1];
      boolean complete = status.equals("Complete");
      boolean started = complete || status.equals("Started") || status.equals("Paused");
      list.add(
          new ReleasePhase(
              "phase-" + parts[0],
              parts[0],
              complete,
              1L,
              complete ? 3L : null,
              audiences(parts[0]),
              status,
              started,
              started ? 2L : null));
    }
    return new Release(pipeline, pipeline, "", list, 1L, null, null);
  }

  static Optional<Release> observedLegacy(boolean testingComplete, boolean productionComplete) {
    List<ReleasePhase> list =
        List.of(
            new ReleasePhase(
                "phase-Testing",
                "Testing",
                testingComplete,
                1L,
                null,
                audiences("Testing"),
                null,
                null,
                null),
            new ReleasePhase(
                "phase-Production",
                "Production",
                productionComplete,
                1L,
                null,
                audiences("Production"),
                null,
                null,
                null));
    return Optional.of(new Release(PIPELINE, PIPELINE, "", list, 1L, null, null));
  }

  private static List<ReleaseAudience> audiences(String phase) {
    String name = phase.equals("Testing") ? "Test env" : "Prod env";
    return List.of(new ReleaseAudience("aud-" + phase + "-" + name, name, null, null, null, null));
  }
}
