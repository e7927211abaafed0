package io.flagops.operator.reconciler.plan;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static io.flagops.operator.reconciler.plan.ReleasePlannerTest.audience;
import static io.flagops.operator.reconciler.plan.ReleasePlannerTest.phase;
import static io.flagops.operator.reconciler.plan.ReleasePlannerTest.release;
import static io.flagops.operator.reconciler.plan.ReleasePlannerTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseGuardianSpec;
import io.flagops.operator.launchdarkly.model.AudienceConfiguration;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleaseGuardianConfiguration;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.reconciler.plan.Observation.Target;
import io.flagops.operator.reconciler.plan.Verdict.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Plans that protect a live release: moves checked first, guardrails kept, canceled left. */
class SafePlanTest {
  private static final Instant TESTING_ENDS_AT = Instant.parse("2027-01-15T09:00:00Z");
  private static final ReleaseGuardianConfiguration ONE_HOUR =
      new ReleaseGuardianConfiguration(3_600_000L, 10, true, "user");

  // ---- moving to another pipeline ----

  @Test
  void aMoveToAPipelineThatFitsDeletesThenCreates() {
    ReleasePlan plan = move(spec(phase("Testing", Started)), Target.of(pipeline(false)));

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("delete old", "create standard variation=var-on");
    assertThat(((ReleaseAction.DeleteRelease) plan.actions().get(0)).toKey()).isEqualTo("standard");
    assertThat(plan.verdict().message())
        .isEqualTo("moving the release from pipeline 'old' to 'standard'");
  }

  @Test
  void aMoveKeepsTheVariationOfTheLiveReleaseWhenTheSpecNamesNone() {
    FlagReleaseSpec spec = spec(phase("Testing", Started));
    spec.setReleaseVariationId(null);

    ReleasePlan plan = move(spec, Target.of(pipeline(false)), "var-off");

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("delete old", "create standard variation=var-off");
  }

  @Test
  void aMoveWithAVariationTheLiveReleaseDoesNotHaveDeletesNothing() {
    ReleasePlan plan = move(spec(phase("Testing", Started)), Target.of(pipeline(false)), "var-off");

    assertBlocked(
        plan,
        Reasons.VARIATION_NOT_VERIFIED,
        "spec.releaseVariationId: the release on pipeline 'old' releases variation 'var-off', and"
            + " a move keeps it: LaunchDarkly would check 'var-on' only after the release was"
            + " deleted. Set spec.releaseVariationId to 'var-off' to move it; the release on"
            + " pipeline 'old' is left untouched");
  }

  @Test
  void aMoveToAMissingPipelineDeletesNothing() {
    ReleasePlan plan = move(spec(), Target.MISSING);

    assertBlocked(
        plan,
        Reasons.PIPELINE_NOT_FOUND,
        "spec.releasePipelineKey: project 'shop' has no release pipeline 'standard'; the release"
            + " on pipeline 'old' is left untouched");
  }

  @Test
  void aMoveToAPipelineWithoutTheSpecsPhaseDeletesNothing() {
    ReleasePlan plan = move(spec(phase("Canary", Started)), Target.of(pipeline(false)));

    assertBlocked(
        plan,
        Reasons.UNKNOWN_PHASE,
        "spec.phases[0].name: pipeline 'standard' has no phase 'Canary' (its phases: Testing,"
            + " Production); the release on pipeline 'old' is left untouched");
  }

  @Test
  void aMoveToAPipelineWithoutTheSpecsAudienceDeletesNothing() {
    ReleasePlan plan =
        move(
            spec(phase("Production", Started, audience("Test env", null))),
            Target.of(pipeline(false)));

    assertBlocked(
        plan,
        Reasons.UNKNOWN_AUDIENCE,
        "spec.phases[0].audiences[0].name: phase 'Production' of pipeline 'standard' has no"
            + " audience 'Test env' (its audiences: Prod env); the release on pipeline 'old' is"
            + " left untouched");
  }

  @Test
  void aNameLaunchDarklyGivesToTwoAudiencesOrPhasesIsNotGuessed() {
    FlagReleaseSpec spec = spec(phase("Production", Started, audience("Prod env", null)));
    PipelineFit.Shape twoAudiences =
        new PipelineFit.Shape(
            "regions",
            false,
            List.of(new PipelineFit.PhaseShape("Production", List.of("Prod env", "Prod env"))));
    PipelineFit.Shape twoPhases =
        new PipelineFit.Shape(
            "regions",
            false,
            List.of(
                new PipelineFit.PhaseShape("Production", List.of("Prod env")),
                new PipelineFit.PhaseShape("Production", List.of("Prod env"))));

    assertThat(PipelineFit.check(spec, twoAudiences))
        .hasValueSatisfying(
            verdict -> {
              assertThat(verdict.kind()).isEqualTo(Kind.BLOCKED);
              assertThat(verdict.reason()).isEqualTo(Reasons.AMBIGUOUS_NAME);
              assertThat(verdict.message())
                  .isEqualTo(
                      "spec.phases[0].audiences[0].name: phase 'Production' of pipeline 'regions'"
                          + " has 2 audiences named 'Prod env', and the operator cannot tell which"
                          + " one the spec means, so it writes nothing to them; give them distinct"
                          + " names in LaunchDarkly");
            });
    assertThat(PipelineFit.check(spec, twoPhases).map(Verdict::message))
        .hasValueSatisfying(
            message ->
                assertThat(message)
                    .startsWith(
                        "spec.phases[0].name: pipeline 'regions' has 2 phases named"
                            + " 'Production'"));
  }

  @Test
  void aMoveToALegacyPipelineThatCannotTakeStartedDeletesNothing() {
    ReleasePlan plan = move(spec(phase("Testing", Started)), Target.of(pipeline(true)));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.INVALID_SPEC);
    assertThat(plan.verdict().message()).endsWith("left untouched");
  }

  @Test
  void theMoveIsPlannedOnlyForAReleaseThisResourceOwns() {
    Observation owned =
        Observation.of(Optional.of(release("old", "Testing:Started")), false, owned("old"));
    Observation foreign =
        Observation.of(Optional.of(release("old", "Testing:Started")), false, Ownership.NONE);

    assertThat(ReleasePlanner.needsTarget(spec(), owned)).isTrue();
    assertThat(ReleasePlanner.needsTarget(spec(), foreign))
        .as("read too, so that a person is told to delete it only when a create would work")
        .isTrue();
    assertThat(
            ReleasePlanner.plan(spec(), foreign.withTarget(Target.of(pipeline(false))))
                .verdict()
                .reason())
        .isEqualTo(Reasons.PIPELINE_CONFLICT);
    assertThat(ReleasePlanner.plan(spec(), foreign.withTarget(Target.MISSING)).verdict().message())
        .isEqualTo(
            "spec.releasePipelineKey: project 'shop' has no release pipeline 'standard'; the"
                + " release on pipeline 'old' is left untouched");
  }

  @Test
  void anAdoptedReleaseIsMovedOnlyWhenTheSpecSaysAdoptedReleasesMayBeDeleted() {
    FlagReleaseSpec spec = spec(phase("Testing", Started));
    spec.setReleaseVariationId(null);
    Observation adopted =
        Observation.of(
            Optional.of(release("old", "Testing:Started")), false, Ownership.adopted("old"));

    assertThat(ReleasePlanner.needsTarget(spec, adopted))
        .as("read, so the advice to let it go is given only for a move that would work")
        .isTrue();
    assertThat(ReleasePlanner.plan(spec, adopted.withTarget(Target.MISSING)).verdict().reason())
        .isEqualTo(Reasons.PIPELINE_NOT_FOUND);
    assertBlocked(
        ReleasePlanner.plan(spec, adopted.withTarget(Target.of(pipeline(false)))),
        Reasons.ADOPTED_RELEASE_NOT_MOVED,
        "spec.releasePipelineKey: the release on pipeline 'old' was adopted, not created by this"
            + " FlagRelease (status.releaseOrigin), so it may be someone else's, and moving it to"
            + " 'standard' would delete it; it is left untouched. Set spec.deletionPolicy to"
            + " DeleteEvenIfAdopted to move it, or delete it in LaunchDarkly to have the operator"
            + " create the release on 'standard'");

    spec.setDeletionPolicy(DeletionPolicy.DeleteEvenIfAdopted);
    assertThat(ReleasePlanner.needsTarget(spec, adopted)).isTrue();
    assertThat(
            ReleasePlanner.plan(spec, adopted.withTarget(Target.of(pipeline(false))))
                .actions()
                .stream()
                .map(ReleasePlannerTest::describe))
        .containsExactly("delete old", "create standard variation=null");
  }

  @Test
  void aMoveToAPipelineThatCannotRunThePhasesInTheirOrderDeletesNothing() {
    ReleasePlan plan =
        move(
            spec(phase("Testing", DesiredPhaseStatus.NotStarted), phase("Production", Started)),
            Target.of(pipeline(false)));

    assertBlocked(
        plan,
        Reasons.IMPOSSIBLE_PHASE_ORDER,
        "spec.phases[1].status: phase 'Production' cannot be Started while the earlier phase"
            + " 'Testing' is NotStarted; phases run in pipeline order; the release on pipeline"
            + " 'old' is left untouched");
  }

  /** Observe moves and creates nothing: its messages say what Manage would do, not what happens. */
  @Test
  void inObserveAHeldMoveIsSaidAsManagesAndPromisesNoCreate() {
    FlagReleaseSpec spec = spec(phase("Testing", Started));
    spec.setReleaseVariationId(null);
    spec.setManagementPolicy(ManagementPolicy.Observe);
    Release approving = onOld(approval("Testing:Started", "pendingApproval"));

    assertThat(moveOf(spec, approving, null).verdict().message())
        .isEqualTo(
            "phase 'Testing' waits for approval in LaunchDarkly for 'Test env' (LaunchDarkly shows"
                + " it 'pendingApproval'; approvers notified: members m-1; teams release-managers);"
                + " in Manage mode the release would be moved to pipeline 'standard' once it is approved, or delete"
                + " the release in LaunchDarkly and set spec.managementPolicy to Manage (Observe"
                + " creates nothing) to have the operator create it on 'standard' now");
  }

  /** Observe writes nothing: a wait on LaunchDarkly says what Manage would do after it. */
  @Test
  void inObserveAWaitSaysWhatManageWouldDoAfterIt() {
    FlagReleaseSpec spec = spec(phase("Testing", Complete));
    spec.setManagementPolicy(ManagementPolicy.Observe);

    assertThat(plan(spec, approval("Testing:Started", "pendingApproval")).verdict().message())
        .endsWith("; in Manage mode the operator would go on once it is approved");
    assertThat(
            ReleasePlanner.plan(
                    spec,
                    Observation.of(
                            Optional.of(guarded("Testing:Started", 1_800_000_000_000L)),
                            false,
                            owned("standard"))
                        .at(TESTING_ENDS_AT.minusSeconds(600)))
                .verdict()
                .message())
        .endsWith("(spec.phases[0].forceComplete in Manage mode skips the wait)");
  }

  @Test
  void aMoveWaitsWhileLaunchDarklysGuardrailsDecideOnTheLiveRelease() {
    FlagReleaseSpec spec = spec(phase("Testing", Started));
    spec.setReleaseVariationId(null);
    Release paused = onOld(release("standard", "Testing:Paused", "Production:NotStarted"));
    Release approving = onOld(approval("Testing:Started", "pendingApproval"));
    Release monitored = onOld(guarded("Testing:Started", 1_800_000_000_000L));
    Observation pausedRead = Observation.of(Optional.of(paused), false, owned("old"));
    assertThat(ReleasePlanner.needsTarget(spec, pausedRead))
        .as("read, so that a person is told to delete the release only for a move that works")
        .isTrue();
    assertThat(ReleasePlanner.plan(spec, pausedRead.withTarget(Target.MISSING)).verdict().message())
        .as("a move the spec cannot make is said first, with no advice to delete anything")
        .isEqualTo(
            "spec.releasePipelineKey: project 'shop' has no release pipeline 'standard'; the"
                + " release on pipeline 'old' is left untouched");

    assertBlocked(
        moveOf(spec, paused, null),
        Reasons.PHASE_PAUSED,
        "phase 'Testing' is paused in LaunchDarkly, so the release is not moved to pipeline"
            + " 'standard' (a move would delete it). Resume the phase in LaunchDarkly, or delete"
            + " the release in LaunchDarkly to have the operator create it on 'standard'");
    Verdict approval = moveOf(spec, approving, null).verdict();
    assertThat(approval.kind()).isEqualTo(Kind.WAITING);
    assertThat(approval.reason()).isEqualTo(Reasons.AWAITING_APPROVAL);
    assertThat(approval.message())
        .isEqualTo(
            "phase 'Testing' waits for approval in LaunchDarkly for 'Test env' (LaunchDarkly shows"
                + " it 'pendingApproval'; approvers notified: members m-1; teams release-managers);"
                + " the release is moved to pipeline 'standard' once it is approved, or delete the"
                + " release in LaunchDarkly to have the operator create it on 'standard' now");
    ReleasePlan watched = moveOf(spec, monitored, TESTING_ENDS_AT.minusSeconds(600));
    assertThat(watched.actions()).isEmpty();
    assertThat(watched.verdict().reason()).isEqualTo(Reasons.GUARDED_ROLLOUT);
    assertThat(watched.verdict().dueAt()).isEqualTo(TESTING_ENDS_AT);
    assertThat(watched.verdict().message())
        .startsWith(
            "phase 'Testing' is in a guarded rollout that LaunchDarkly monitors until about"
                + " 2027-01-15T09:00:00Z; the release is moved to pipeline 'standard' after that");
  }

  /**
   * A rollout LaunchDarkly did not complete (overdue, or its phase shown moved back) likely rolled
   * back: a move would start the phases again on the new pipeline, putting that variation back.
   */
  @Test
  void aMoveIsNotMadeAfterTheLiveReleaseLooksRolledBack() {
    FlagReleaseSpec spec = spec(phase("Testing", Started));
    spec.setReleaseVariationId(null);
    Release monitored = onOld(guarded("Testing:Started", 1_800_000_000_000L));

    assertBlocked(
        moveOf(spec, monitored, TESTING_ENDS_AT.plusSeconds(61)),
        Reasons.GUARDED_ROLLOUT_NOT_COMPLETED,
        "LaunchDarkly's monitoring of phase 'Testing' was due to end at about"
            + " 2027-01-15T09:00:00Z, and LaunchDarkly has not completed the phase: a regression"
            + " may have rolled the rollout back, so the release is not moved to pipeline"
            + " 'standard': a move would delete it, and starting its phases again there, now or"
            + " after a later edit, would undo that decision (the new release would keep no record"
            + " of it). See the guarded rollout in LaunchDarkly; the move goes on once"
            + " LaunchDarkly completes the phase, or delete the release in LaunchDarkly to have"
            + " the operator create it on 'standard', which then starts the phases the spec asks,"
            + " serving that variation again (ask them NotStarted first to keep it off)");
    assertBlocked(
        moveOf(spec, onOld(startedTestingShown("ReadyToStart", 1_800_000_000_000L)), null),
        Reasons.PHASE_MOVED_BACK,
        "phase 'Testing' started, and LaunchDarkly now shows it ReadyToStart (a guarded rollout"
            + " rolled back, or a person moved it back), so the release is not moved to pipeline"
            + " 'standard': a move would delete it, and starting its phases again there, now or"
            + " after a later edit, would undo that decision (the new release would keep no record"
            + " of it). Decide in LaunchDarkly (start or complete the phase there), or delete the"
            + " release in LaunchDarkly to have the operator create it on 'standard', which then"
            + " starts the phases the spec asks, serving that variation again (ask them NotStarted"
            + " first to keep it off)");

    FlagReleaseSpec observed = spec(phase("Testing", Started));
    observed.setReleaseVariationId(null);
    observed.setManagementPolicy(ManagementPolicy.Observe);
    assertThat(moveOf(observed, monitored, TESTING_ENDS_AT.plusSeconds(61)).verdict().message())
        .as("Observe moves nothing: said as Manage's")
        .contains("so in Manage mode the release would not be moved to pipeline 'standard'")
        .contains("in Manage mode the move would go on once LaunchDarkly completes the phase")
        .contains("and set spec.managementPolicy to Manage (Observe creates nothing)");

    FlagReleaseSpec startsNothing = spec(phase("Testing", DesiredPhaseStatus.NotStarted));
    startsNothing.setReleaseVariationId(null);
    assertThat(moveOf(startsNothing, monitored, TESTING_ENDS_AT.plusSeconds(61)).verdict().reason())
        .as("a later edit could start the phases the rollback stopped")
        .isEqualTo(Reasons.GUARDED_ROLLOUT_NOT_COMPLETED);
  }

  /**
   * What "legacy" means is not documented: a phase of a pipeline read as legacy that carries a
   * guarded rollout or an approval is not ticked complete around them, and nothing is written.
   */
  @Test
  void aLegacyPhaseWithGuardrailsIsNotTickedComplete() {
    FlagReleaseSpec spec = spec(phase("Testing", Complete), phase("Production", Complete));
    for (Release live :
        List.of(guarded("Testing:NotStarted", null), approval("Testing:NotStarted", "inactive"))) {
      ReleasePlan plan =
          ReleasePlanner.plan(spec, Observation.of(Optional.of(live), true, owned("standard")));
      assertThat(plan.actions()).isEmpty();
      assertThat(plan.verdict().kind()).isEqualTo(Kind.BLOCKED);
      assertThat(plan.verdict().reason()).isEqualTo(Reasons.LEGACY_PHASE_GUARDED);
    }
    assertThat(
            ReleasePlanner.plan(
                    spec,
                    Observation.of(
                        Optional.of(guarded("Testing:NotStarted", null)), true, owned("standard")))
                .verdict()
                .message())
        .isEqualTo(
            "phase 'Testing' has a guarded rollout in LaunchDarkly, yet its release pipeline reads"
                + " as legacy (phases ticked complete by hand): the operator does not tick it"
                + " complete around LaunchDarkly's guardrails, and writes nothing. Complete it in"
                + " LaunchDarkly, or set spec.phases[0].status to what LaunchDarkly shows");
    Observation unconfigured =
        Observation.of(
                Optional.of(release("standard", "Testing:NotStarted", "Production:NotStarted")),
                true,
                owned("standard"))
            .withPipelineGuardrails(Map.of("Production", "an approval"));
    ReleasePlan byPipeline = ReleasePlanner.plan(spec, unconfigured);
    assertThat(byPipeline.actions())
        .as("the release's audiences say nothing; the pipeline's definition does")
        .isEmpty();
    assertThat(byPipeline.verdict().message())
        .startsWith("phase 'Production' has an approval in LaunchDarkly");
    ReleasePlan plain =
        ReleasePlanner.plan(
            spec,
            Observation.of(
                Optional.of(release("standard", "Testing:NotStarted", "Production:NotStarted")),
                true,
                owned("standard")));
    assertThat(plain.actions()).as("a legacy phase without guardrails is ticked").hasSize(1);
  }

  @Test
  void aPhaseReadWithoutConfigurationIsNotCompletedAroundTheGuardrailItsPipelineGives() {
    FlagReleaseSpec spec = spec(phase("Testing", Complete));
    Release started = release("standard", "Testing:Started", "Production:NotStarted");
    Observation silent =
        Observation.of(Optional.of(started), false, owned("standard"))
            .withPipelineGuardrails(Map.of("Testing", "a guarded rollout"));

    ReleasePlan held = ReleasePlanner.plan(spec, silent);
    assertThat(held.actions()).isEmpty();
    assertThat(held.verdict().kind()).isEqualTo(Kind.WAITING);
    assertThat(held.verdict().reason()).isEqualTo(Reasons.GUARDRAILS_NOT_SHOWN);
    assertThat(held.verdict().message())
        .isEqualTo(
            "LaunchDarkly's read of phase 'Testing' leaves out its audiences' configuration, and"
                + " its release pipeline gives it a guarded rollout, which may hold the phase: not"
                + " completed until a read shows whether it does (spec.phases[0].forceComplete"
                + " completes it without knowing)");

    PhaseSpec forced = phase("Testing", Complete);
    forced.setForceComplete(true);
    assertThat(ReleasePlanner.plan(spec(forced), silent).actions())
        .extracting(ReleaseAction::describe)
        .containsExactly("complete phase 'Testing'");
    assertThat(
            ReleasePlanner.plan(
                    spec, Observation.of(Optional.of(started), false, owned("standard")))
                .actions())
        .as("a pipeline that gives the phase no guardrail: completed")
        .hasSize(1);
  }

  /** A pending approval is never worked around: forceComplete does not complete past one. */
  @Test
  void aPhaseReadWithoutConfigurationWhosePipelineGivesAnApprovalIsNotForcedComplete() {
    PhaseSpec forced = phase("Testing", Complete);
    forced.setForceComplete(true);
    Observation silent =
        Observation.of(
                Optional.of(release("standard", "Testing:Started", "Production:NotStarted")),
                false,
                owned("standard"))
            .withPipelineGuardrails(Map.of("Testing", "an approval"));

    ReleasePlan held = ReleasePlanner.plan(spec(forced), silent);

    assertThat(held.actions()).isEmpty();
    assertThat(held.verdict().message())
        .isEqualTo(
            "LaunchDarkly's read of phase 'Testing' leaves out its audiences' configuration, and"
                + " its release pipeline gives it an approval, which may hold the phase: not"
                + " completed until a read shows whether it does (approve it in LaunchDarkly, or"
                + " complete the phase there)");
  }

  /** Audiences that read live went through their approval: only a guarded rollout may remain. */
  @Test
  void aPhaseReadWithoutConfigurationWhoseAudiencesReadLiveIsPastItsApproval() {
    Release live = withTestingAudience("Testing:Started", 2L, null, "active");
    FlagReleaseSpec spec = spec(phase("Testing", Complete));

    ReleasePlan approved =
        ReleasePlanner.plan(
            spec,
            Observation.of(Optional.of(live), false, owned("standard"))
                .withPipelineGuardrails(Map.of("Testing", "an approval")));
    assertThat(approved.actions())
        .extracting(ReleaseAction::describe)
        .containsExactly("complete phase 'Testing'");

    ReleasePlan monitored =
        ReleasePlanner.plan(
            spec,
            Observation.of(Optional.of(live), false, owned("standard"))
                .withPipelineGuardrails(Map.of("Testing", "an approval and a guarded rollout")));
    assertThat(monitored.actions()).isEmpty();
    assertThat(monitored.verdict().message())
        .contains("its release pipeline gives it a guarded rollout, which may hold the phase")
        .endsWith("(spec.phases[0].forceComplete completes it without knowing)");
  }

  /** Nor is a release moved (deleted) while its pipeline's guardrail may hold a started phase. */
  @Test
  void aMoveWaitsWhileAStartedPhaseReadWithoutConfigurationMayBeGuarded() {
    Release old = release("old", "Testing:Started");
    Observation silent =
        Observation.of(Optional.of(onOld(old)), false, owned("old"))
            .withPipelineGuardrails(Map.of("Testing", "a guarded rollout"))
            .withTarget(Target.of(pipeline(false)));

    ReleasePlan held = ReleasePlanner.plan(spec(phase("Testing", Started)), silent);

    assertThat(held.actions()).isEmpty();
    assertThat(held.verdict().reason()).isEqualTo(Reasons.GUARDRAILS_NOT_SHOWN);
    assertThat(held.verdict().message())
        .startsWith(
            "LaunchDarkly's read of phase 'Testing' leaves out its audiences' configuration, and"
                + " its release pipeline gives it a guarded rollout, which may hold the phase; the"
                + " release is moved to pipeline 'standard' once a read shows whether it does, or"
                + " delete the release in LaunchDarkly");
  }

  @Test
  void aPhaseStatusLaunchDarklyDoesNotDocumentStopsEveryWrite() {
    Release rolledBack = startedTestingShown("RolledBack", 2L);

    assertBlocked(
        plan(spec(phase("Testing", Complete), phase("Production", Started)), rolledBack),
        Reasons.UNKNOWN_PHASE_STATUS,
        "phase 'Testing' has status 'RolledBack' in LaunchDarkly, which this operator does not"
            + " know (NotStarted, ReadyToStart, Started, Paused, Complete); it changes nothing in"
            + " the release until LaunchDarkly shows one it knows");
  }

  @Test
  void aPhaseLaunchDarklyMovedBackAfterItStartedIsNotStartedAgain() {
    Release base = release("standard", "Testing:Started", "Production:NotStarted");
    Release movedBack = startedTestingShown("ReadyToStart", 1_800_000_000_000L);

    assertBlocked(
        plan(spec(phase("Testing", Complete), phase("Production", Started)), movedBack),
        Reasons.PHASE_MOVED_BACK,
        "phase 'Testing' started at 2027-01-15T08:00:00Z, and LaunchDarkly now shows it"
            + " ReadyToStart (a guarded rollout rolled back, or a person moved it back); the"
            + " operator does not start it again. Start it in LaunchDarkly to continue, or set"
            + " spec.phases[0].status NotStarted");
    ReleasePlan later = plan(spec(phase("Production", Started)), movedBack);
    assertThat(later.actions()).as("a later phase waits on the person's decision").isEmpty();
    assertThat(later.verdict().reason()).isEqualTo(Reasons.PHASE_MOVED_BACK);
    assertThat(later.verdict().message())
        .endsWith("Start it in LaunchDarkly to continue before starting phase 'Production'");
    assertThat(plan(spec(phase("Testing", NotStarted)), movedBack).verdict().kind())
        .as("a spec asking NotStarted agrees with what LaunchDarkly shows")
        .isEqualTo(Kind.IN_SYNC);
    assertThat(plan(spec(phase("Testing", Started)), base).verdict().kind())
        .as("started, and shown started: nothing moved back")
        .isEqualTo(Kind.IN_SYNC);
  }

  // ---- guarded rollouts ----

  @Test
  void aGuardedPhaseDeclaredCompleteIsStartedButNotCompletedInTheSamePass() {
    ReleasePlan plan =
        plan(spec(phase("Testing", Complete)), guarded("Testing:ReadyToStart", null));

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("Started Testing");
    assertThat(plan.verdict().kind()).isEqualTo(Kind.WAITING);
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.GUARDED_ROLLOUT);
    assertThat(plan.verdict().message())
        .isEqualTo(
            "phase 'Testing' has a guarded rollout: LaunchDarkly monitors it for 1h after it"
                + " starts, then completes it (spec.phases[0].forceComplete skips the wait)");
  }

  @Test
  void aGuardedPhaseBeingMonitoredSaysUntilWhen() {
    ReleasePlan plan =
        plan(
            spec(phase("Testing", Complete), phase("Production", Started)),
            guarded("Testing:Started", 1_800_000_000_000L));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.GUARDED_ROLLOUT);
    assertThat(plan.verdict().message())
        .startsWith(
            "phase 'Testing' is in a guarded rollout: LaunchDarkly monitors it until about"
                + " 2027-01-15T09:00:00Z, then completes it");
  }

  @Test
  void aGuardedRolloutNotCompletedAMinutePastItsWindowIsStalled() {
    FlagReleaseSpec spec = spec(phase("Testing", Complete), phase("Production", Started));

    ReleasePlan late = ReleasePlanner.plan(spec, monitoredTestingReadAt(59));
    ReleasePlan overdue = ReleasePlanner.plan(spec, monitoredTestingReadAt(61));

    assertThat(late.verdict().reason()).isEqualTo(Reasons.GUARDED_ROLLOUT);
    assertThat(overdue.actions()).isEmpty();
    assertThat(overdue.verdict().kind()).isEqualTo(Kind.BLOCKED);
    assertThat(overdue.verdict().reason()).isEqualTo(Reasons.GUARDED_ROLLOUT_NOT_COMPLETED);
    assertThat(overdue.verdict().message())
        .startsWith(
            "LaunchDarkly's monitoring of phase 'Testing' was due to end at about"
                + " 2027-01-15T09:00:00Z, and LaunchDarkly has not completed the phase")
        .as("forceComplete is not offered as a way to skip a wait: it overrides a rollback")
        .endsWith(
            " (spec.phases[0].forceComplete completes it anyway, without LaunchDarkly's"
                + " verdict)");
  }

  /**
   * A read that leaves out the audiences' configuration keeps the end of monitoring seen before,
   * and, not showing the window, gives it the longest grace (a minute) before calling it overdue.
   */
  @Test
  void aMonitoringEndKeptFromAnEarlierReadIsWaitedForWithAMinutesGrace() {
    Release release = release("standard", "Testing:Started"); // no configuration
    PhaseStatus before = new PhaseStatus();
    before.setId("phase-Testing");
    before.setName("Testing");
    before.setStartedAt(Instant.ofEpochMilli(2L).toString());
    before.setMonitoringEndsAt("2027-01-15T09:00:00Z");
    FlagReleaseSpec spec = spec(phase("Testing", Complete));

    ReleasePlan late = ReleasePlanner.plan(spec, keptEndReadAt(release, before, "09:00:59Z"));
    ReleasePlan overdue = ReleasePlanner.plan(spec, keptEndReadAt(release, before, "09:01:01Z"));

    assertThat(late.actions()).as("not completed around the monitoring").isEmpty();
    assertThat(late.verdict().reason()).isEqualTo(Reasons.GUARDED_ROLLOUT);
    assertThat(overdue.actions()).isEmpty();
    assertThat(overdue.verdict().reason()).isEqualTo(Reasons.GUARDED_ROLLOUT_NOT_COMPLETED);
  }

  private static Observation keptEndReadAt(Release release, PhaseStatus before, String time) {
    return Observation.of(Optional.of(release), false, owned("standard"))
        .withPhasesBefore(java.util.Map.of("Testing", before))
        .at(Instant.parse("2027-01-15T" + time));
  }

  @Test
  void aLaterPhaseWaitsForAGuardedRolloutUntilItsEndAndNoLonger() {
    FlagReleaseSpec spec = spec(phase("Testing", Started), phase("Production", Started));

    Verdict waiting = ReleasePlanner.plan(spec, monitoredTestingReadAt(-600)).verdict();
    Verdict overdue = ReleasePlanner.plan(spec, monitoredTestingReadAt(61)).verdict();

    assertThat(waiting.kind()).isEqualTo(Kind.WAITING);
    assertThat(waiting.reason()).isEqualTo(Reasons.GUARDED_ROLLOUT);
    assertThat(waiting.dueAt()).as("polled slowly until then").isEqualTo(TESTING_ENDS_AT);
    assertThat(waiting.message()).endsWith("then completes it before starting phase 'Production'");
    assertThat(overdue.kind())
        .as("a phase asked only Started is not waited for forever either")
        .isEqualTo(Kind.BLOCKED);
    assertThat(overdue.reason()).isEqualTo(Reasons.GUARDED_ROLLOUT_NOT_COMPLETED);
  }

  @Test
  void aGuardianNamedOnlyInTheSpecAlsoHoldsTheCompletion() {
    PhaseSpec testing = guardedTesting(Complete);

    ReleasePlan plan = plan(spec(testing), ReleasePlannerTest.fresh().orElseThrow());

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("Started Testing");
    assertThat(plan.verdict().message()).contains("monitors it for 30m");
  }

  @Test
  void aGuardianAddedAfterTheStartIsNotWaitedForNorSkipped() {
    PhaseSpec testing = guardedTesting(Complete);

    ReleasePlan plan = planWithTestingStarted(testing);

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().kind()).isEqualTo(Kind.BLOCKED);
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.GUARDIAN_NOT_APPLIED);
    assertThat(plan.verdict().message())
        .startsWith(
            "phase 'Testing' started in LaunchDarkly without the guarded rollout"
                + " spec.phases[0].audiences[0].releaseGuardian declares");

    testing.setForceComplete(true);
    assertThat(planWithTestingStarted(testing).actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("Complete Testing");
  }

  @Test
  void aPhaseStartedWithoutTheGuardianTheSpecDeclaresIsNotInSync() {
    PhaseSpec testing = guardedTesting(Started);

    ReleasePlan plan = planWithTestingStarted(testing);

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().kind()).isEqualTo(Kind.BLOCKED);
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.GUARDIAN_NOT_APPLIED);
    assertThat(plan.verdict().message())
        .isEqualTo(
            "phase 'Testing' started in LaunchDarkly without the guarded rollout"
                + " spec.phases[0].audiences[0].releaseGuardian declares, and LaunchDarkly applies"
                + " one only when a phase starts. Ready once the spec asks what LaunchDarkly"
                + " keeps, or the phase completes");

    ReleasePlan waiting =
        plan(
            spec(testing, phase("Production", Started)),
            ReleasePlannerTest.observed("Testing:Started", "Production:NotStarted").orElseThrow());
    assertThat(waiting.verdict().message())
        .as("still said while a later phase waits")
        .isEqualTo(
            "waiting for phase 'Testing' to be completed in LaunchDarkly (spec.phases[0].status"
                + " Complete with spec.phases[0].forceComplete has the operator complete it) before"
                + " starting phase 'Production'; phase 'Testing' started in LaunchDarkly without the guarded"
                + " rollout spec.phases[0].audiences[0].releaseGuardian declares, and LaunchDarkly"
                + " applies one only when a phase starts");
  }

  @Test
  void forceCompleteCompletesAGuardedPhaseRightAway() {
    PhaseSpec testing = phase("Testing", Complete);
    testing.setForceComplete(true);

    ReleasePlan plan = plan(spec(testing), guarded("Testing:ReadyToStart", null));

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("Started Testing", "Complete Testing");
    assertThat(plan.verdict().kind()).isEqualTo(Kind.IN_SYNC);
  }

  @Test
  void aGuardedPhaseDeclaredStartedIsInSyncOnceStarted() {
    ReleasePlan plan = plan(spec(phase("Testing", Started)), guarded("Testing:Started", 1L));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().kind()).isEqualTo(Kind.IN_SYNC);
  }

  // ---- approvals ----

  @Test
  void aPhaseThatNeedsApprovalIsStartedAndWaitsNamingTheApprovers() {
    ReleasePlan plan =
        plan(spec(phase("Testing", Complete)), approval("Testing:ReadyToStart", "inactive"));

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("Started Testing");
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.AWAITING_APPROVAL);
    assertThat(plan.verdict().message())
        .isEqualTo(
            "phase 'Testing' needs approval in LaunchDarkly for audience 'Test env' (approvers"
                + " notified: members m-1; teams release-managers); the operator goes on once it is"
                + " approved");
  }

  /**
   * LaunchDarkly documents no audience status but "active": a started phase's approval shows the
   * word it gives, so a declined request is seen by a person, not waited on silently.
   */
  @Test
  void aStartedPhaseAwaitingApprovalShowsTheAudienceStatusLaunchDarklyGives() {
    ReleasePlan plan =
        plan(spec(phase("Testing", Complete)), approval("Testing:Started", "declined"));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.AWAITING_APPROVAL);
    assertThat(plan.verdict().message())
        .isEqualTo(
            "phase 'Testing' waits for approval in LaunchDarkly for audience 'Test env'"
                + " (LaunchDarkly shows it 'declined'; approvers notified: members m-1; teams"
                + " release-managers); the operator goes on once it is approved");
  }

  @Test
  void aStartedPhaseAwaitingApprovalIsNotReadyEvenWhenOnlyStartedIsAsked() {
    ReleasePlan plan =
        plan(spec(phase("Testing", Started)), approval("Testing:Started", "pendingApproval"));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().kind()).isEqualTo(Kind.WAITING);
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.AWAITING_APPROVAL);
    assertThat(plan.verdict().message()).startsWith("phase 'Testing' waits for approval");
  }

  @Test
  void anApprovedPhaseIsCompletedAsAsked() {
    ReleasePlan plan =
        plan(spec(phase("Testing", Complete)), approval("Testing:Started", "active"));

    assertThat(plan.actions().stream().map(ReleasePlannerTest::describe))
        .containsExactly("Complete Testing");
  }

  @Test
  void aLaterPhaseWaitsForTheApprovalToo() {
    ReleasePlan plan =
        plan(
            spec(phase("Testing", Started), phase("Production", Started)),
            approval("Testing:Started", "pendingApproval"));

    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().reason()).isEqualTo(Reasons.AWAITING_APPROVAL);
  }

  // ---- canceled releases ----

  @Test
  void aCanceledReleaseIsNeverDriven() {
    Release live = release("standard", "Testing:Started", "Production:NotStarted");
    Release canceled =
        new Release(
            live.name(),
            live.releasePipelineKey(),
            "",
            live.phases(),
            live.version(),
            null,
            1_800_000_000_000L);

    ReleasePlan plan = plan(spec(phase("Testing", Complete)), canceled);

    assertBlocked(
        plan,
        Reasons.RELEASE_CANCELED,
        "LaunchDarkly canceled the release on pipeline 'standard' at 2027-01-15T08:00:00Z; the"
            + " operator does not drive a canceled release. Delete it in LaunchDarkly to have the"
            + " operator create a new one, or delete this FlagRelease");
    assertThat(
            ReleasePlanner.needsTarget(
                spec(), Observation.of(Optional.of(canceled), false, owned("x"))))
        .isFalse();
  }

  // ---- helpers ----

  private static ReleasePlan move(FlagReleaseSpec spec, Target target) {
    return move(spec, target, "var-on");
  }

  /** A move from pipeline "old", whose release releases {@code variation}. */
  private static ReleasePlan move(FlagReleaseSpec spec, Target target, String variation) {
    Release old = release("old", "Testing:Started");
    old =
        new Release(
            old.name(), "old", "", old.phases(), old.version(), variation, old.canceledAt());
    Observation observed = Observation.of(Optional.of(old), false, owned("old"));
    assertThat(ReleasePlanner.needsTarget(spec, observed)).isTrue();
    return ReleasePlanner.plan(spec, observed.withTarget(target));
  }

  /** The plan for {@code live}, owned, when the spec's pipeline "standard" has been read. */
  private static ReleasePlan moveOf(FlagReleaseSpec spec, Release live, Instant readAt) {
    return ReleasePlanner.plan(
        spec,
        Observation.of(Optional.of(live), false, owned(live.releasePipelineKey()))
            .withTarget(Target.of(pipeline(false)))
            .at(readAt));
  }

  /** The same release on pipeline "old". */
  private static Release onOld(Release release) {
    return new Release(release.name(), "old", "", release.phases(), release.version(), null, null);
  }

  /** Testing monitored for an hour from its start, read this many seconds after the end. */
  private static Observation monitoredTestingReadAt(long secondsAfterTheEnd) {
    Release release = guarded("Testing:Started", 1_800_000_000_000L);
    return Observation.of(Optional.of(release), false, owned(release.releasePipelineKey()))
        .at(TESTING_ENDS_AT.plusSeconds(secondsAfterTheEnd));
  }

  /** Phase Testing with a 30-minute guarded rollout for audience "Test env". */
  private static PhaseSpec guardedTesting(DesiredPhaseStatus status) {
    return phase("Testing", status, audience("Test env", new ReleaseGuardianSpec("30m", 5)));
  }

  /** The plan for a spec of that one phase, with Testing read as started (without a guardian). */
  private static ReleasePlan planWithTestingStarted(PhaseSpec testing) {
    return plan(spec(testing), ReleasePlannerTest.observed("Testing:Started").orElseThrow());
  }

  private static ReleasePlan plan(FlagReleaseSpec spec, Release release) {
    return ReleasePlanner.plan(
        spec, Observation.of(Optional.of(release), false, owned(release.releasePipelineKey())));
  }

  private static Ownership owned(String pipeline) {
    return Ownership.created(pipeline);
  }

  /** A release whose phase Testing started at {@code startedDate} and now shows {@code status}. */
  private static Release startedTestingShown(String status, long startedDate) {
    Release base = release("standard", "Testing:Started", "Production:NotStarted");
    ReleasePhase testing = base.phases().get(0);
    return new Release(
        base.name(),
        "standard",
        "",
        List.of(
            new ReleasePhase(
                testing.id(),
                "Testing",
                false,
                1L,
                null,
                testing.audiences(),
                status,
                true,
                startedDate),
            base.phases().get(1)),
        1L,
        null,
        null);
  }

  private static void assertBlocked(ReleasePlan plan, String reason, String message) {
    assertThat(plan.actions()).isEmpty();
    assertThat(plan.verdict().kind()).isEqualTo(Kind.BLOCKED);
    assertThat(plan.verdict().reason()).isEqualTo(reason);
    assertThat(plan.verdict().message()).isEqualTo(message);
  }

  /** The pipeline "standard" as LaunchDarkly defines it: Testing (Test env), Production. */
  private static ReleasePipeline pipeline(boolean legacy) {
    return new ReleasePipeline(
        "standard",
        "Standard",
        legacy,
        List.of(
            new ReleasePipeline.Phase(
                "phase-Testing",
                "Testing",
                List.of(new ReleasePipeline.Audience("Test env", null))),
            new ReleasePipeline.Phase(
                "phase-Production",
                "Production",
                List.of(new ReleasePipeline.Audience("Prod env", null)))));
  }

  /** Testing (in the given state) has a guarded audience; started at {@code startedAt}. */
  private static Release guarded(String testing, Long startedAt) {
    return withTestingAudience(
        testing,
        startedAt,
        new AudienceConfiguration("monitoredRelease", false, null, null, ONE_HOUR),
        testing.endsWith("Started") ? "active" : "inactive");
  }

  /** Testing (in the given state) has an audience that requires approval. */
  private static Release approval(String testing, String audienceStatus) {
    return withTestingAudience(
        testing,
        2L,
        new AudienceConfiguration(
            "immediate", true, List.of("m-1"), List.of("release-managers"), null),
        audienceStatus);
  }

  private static Release withTestingAudience(
      String testing, Long startedAt, AudienceConfiguration configuration, String status) {
    Release base = release("standard", testing, "Production:NotStarted");
    ReleasePhase phase = base.phases().get(0);
    ReleaseAudience audience =
        new ReleaseAudience("aud-Testing-Test env", "Test env", null, configuration, null, status);
    ReleasePhase changed =
        new ReleasePhase(
            phase.id(),
            phase.name(),
            phase.complete(),
            phase.creationDate(),
            phase.completionDate(),
            List.of(audience),
            phase.status(),
            phase.started(),
            phase.started() ? startedAt : null);
    return new Release(
        base.name(),
        base.releasePipelineKey(),
        "",
        List.of(changed, base.phases().get(1)),
        base.version(),
        null,
        null);
  }
}
