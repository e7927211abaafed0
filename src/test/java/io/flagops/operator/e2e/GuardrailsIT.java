package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.AudienceSpec;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseGuardianSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * LaunchDarkly's guardrails are kept: a guarded rollout is monitored to its end, an approval is
 * waited for and shown as such, and a canceled release is never driven.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class GuardrailsIT extends OperatorTestBase {

  @Test
  void aGuardedPhaseDeclaredCompleteIsStartedAndLeftToLaunchDarklyToComplete() {
    create(
        "guarded",
        spec("flag-25", "guarded-first", phase("Canary", Complete), phase("Everyone", Started)));

    FlagRelease waiting =
        awaitCondition("guarded", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");
    PhaseStatus canary = waiting.getStatus().getPhases().get(0);
    assertThat(canary.getStatus()).isEqualTo("Started");
    Instant endsAt = Instant.parse(canary.getMonitoringEndsAt());
    assertThat(endsAt).isEqualTo(Instant.parse(canary.getStartedAt()).plusSeconds(3600));
    assertThat(waiting.getStatus().getMessage())
        .isEqualTo(
            "phase 'Canary' is in a guarded rollout: LaunchDarkly monitors it until about "
                + endsAt
                + ", then completes it (spec.phases[0].forceComplete skips the wait)");
    assertThat(writesFor("flag-25").stream().map(this::describe))
        .as("started, not completed")
        .containsExactly("create guarded-first", "Started Canary");

    simulator.setMonitoringWindowScale(0.0001); // the hour of monitoring ends now
    awaitReady("guarded");
    assertThat(writesFor("flag-25").stream().map(this::describe))
        .containsExactly("create guarded-first", "Started Canary", "Started Everyone");
  }

  /**
   * A release read without its audiences' configuration (an optional field) looks unguarded: the
   * answer to the start shows the guarded rollout, and the phase is then left to it, not completed
   * in the same pass.
   */
  @Test
  void aStartWhoseAnswerShowsAGuardedRolloutIsNotCompletedInTheSamePass() {
    simulator.ui().createRelease(PROJECT, "flag-89", "guarded-first");
    simulator.faults().respondNext(1, 200, "application/json", withoutConfiguration("flag-89"));

    create("read-unguarded", spec("flag-89", "guarded-first", phase("Canary", Complete)));
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              FlagRelease now = get("read-unguarded");
              return now.getStatus() != null
                  && !now.getStatus().getPhases().isEmpty()
                  && !"NotStarted".equals(now.getStatus().getPhases().get(0).getStatus());
            });
    FlagRelease waiting = get("read-unguarded");

    assertThat(writesFor("flag-89").stream().map(this::describe))
        .as("started, and left to LaunchDarkly to complete")
        .containsExactly("Started Canary");
    assertThat(waiting.getStatus().getPhases().get(0).getStatus()).isEqualTo("Started");
    assertThat(condition(waiting, ConditionTypes.RECONCILING).getReason())
        .isEqualTo("GuardedRolloutInProgress");
  }

  /**
   * The same read, without configuration, planned a whole pipeline in one pass: an earlier write's
   * answer showing the later phase's approval must not count as the read it was planned on, or its
   * start would be completed around the approval.
   */
  @Test
  void aStartAfterAnEarlierWriteIsNotCompletedAroundTheApprovalItsAnswerShows() {
    simulator.ui().createRelease(PROJECT, "flag-93", "approved");
    simulator.faults().respondNext(1, 200, "application/json", withoutConfiguration("flag-93"));

    create(
        "approval-unread",
        spec("flag-93", "approved", phase("Testing", Complete), phase("Production", Complete)));

    awaitCondition("approval-unread", ConditionTypes.RECONCILING, "True", "AwaitingApproval");
    assertThat(writesFor("flag-93").stream().map(this::describe))
        .containsExactly("Started Testing", "Complete Testing", "Started Production");
  }

  /**
   * A guarded rollout a person completes in LaunchDarkly long before its window ends skipped the
   * guardrail: the history says somebody did, not LaunchDarkly.
   */
  @Test
  void aGuardedRolloutCompletedEarlyByAPersonIsNotRecordedAsLaunchDarklys() {
    create(
        "skipped",
        spec("flag-87", "guarded-first", phase("Canary", Complete), phase("Everyone", Started)));
    awaitCondition("skipped", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");

    simulator.ui().completePhase(PROJECT, "flag-87", "Canary"); // an hour early
    awaitReady("skipped");

    assertThat(get("skipped").getStatus().getHistory())
        .extracting(change -> change.toString().replaceFirst("^\\S+ ", ""))
        .contains(
            "Canary: Started -> Complete by Unknown", "Everyone: NotStarted -> Started by Operator")
        .doesNotContain("Canary: Started -> Complete by LaunchDarkly");
  }

  /**
   * A phase the spec does not list, paused in LaunchDarkly, holds the later phase the spec wants:
   * Stalled, as a listed paused phase is, not waiting for LaunchDarkly to complete it.
   */
  @Test
  void aPausedPhaseTheSpecDoesNotListStallsTheLaterOne() {
    simulator.ui().createRelease(PROJECT, "flag-78", "fast-track");
    simulator.ui().startPhase(PROJECT, "flag-78", "Canary");
    simulator.ui().pausePhase(PROJECT, "flag-78", "Canary");

    create("behind-a-pause", spec("flag-78", "fast-track", phase("General", Started)));

    FlagRelease stalled =
        awaitCondition("behind-a-pause", ConditionTypes.STALLED, "True", "PhasePaused");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "phase 'Canary' is paused in LaunchDarkly; the operator does not resume a paused"
                + " phase. Resume it in LaunchDarkly to continue before starting phase 'General'");
    assertThat(writesFor("flag-78")).isEmpty();
  }

  @Test
  void forceCompleteSkipsTheMonitoringOnlyWhenTheSpecSaysSo() {
    PhaseSpec canary = phase("Canary", Complete);
    canary.setForceComplete(true);

    create("forced", spec("flag-26", "guarded-first", canary));
    awaitReady("forced");

    assertThat(writesFor("flag-26").stream().map(this::describe))
        .containsExactly("create guarded-first", "Started Canary", "Complete Canary");
  }

  @Test
  void aGuardianAddedToAPhaseThatStartedWithoutOneIsReportedRatherThanWaitedForForever() {
    create("late-guardian", spec("flag-41", "standard", phase("Testing", Started)));
    awaitReady("late-guardian");

    // LaunchDarkly takes a guarded rollout's settings only when a phase starts
    edit(
        "late-guardian",
        spec -> {
          PhaseSpec testing = spec.getPhases().get(0);
          testing.setStatus(Complete);
          testing
              .getAudiences()
              .add(new AudienceSpec("Test env", new ReleaseGuardianSpec("30m", 10)));
        });
    FlagRelease stalled =
        awaitCondition("late-guardian", ConditionTypes.STALLED, "True", "GuardianNotApplied");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "phase 'Testing' started in LaunchDarkly without the guarded rollout"
                + " spec.phases[0].audiences[0].releaseGuardian declares, and LaunchDarkly applies"
                + " one only when a phase starts: nothing monitors it, so it is not completed. Set"
                + " spec.phases[0].forceComplete to complete it unmonitored, or remove the"
                + " releaseGuardian");
    assertThat(writesFor("flag-41").stream().map(this::describe))
        .containsExactly("create standard", "Started Testing");

    edit("late-guardian", spec -> spec.getPhases().get(0).setForceComplete(true));
    awaitReady("late-guardian");
    assertThat(writesFor("flag-41").stream().map(this::describe))
        .containsExactly("create standard", "Started Testing", "Complete Testing");
  }

  @Test
  void aGuardedRolloutLaunchDarklyDidNotCompleteWhenItsWindowEndedIsStalled() {
    simulator.ui().regressGuardedRollouts(PROJECT, "flag-42");
    PhaseSpec testing = guardedPhase("Testing", Complete, "Test env", "2s");
    create("rolled-back", spec("flag-42", "standard", testing));
    awaitCondition("rolled-back", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");
    FlagRelease stalled =
        awaitCondition("rolled-back", ConditionTypes.STALLED, "True", "GuardedRolloutNotCompleted");
    Instant endsAt = Instant.parse(stalled.getStatus().getPhases().get(0).getMonitoringEndsAt());
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "LaunchDarkly's monitoring of phase 'Testing' was due to end at about "
                + endsAt
                + ", and LaunchDarkly has not completed the phase: a regression may have rolled"
                + " the rollout back. See the guarded rollout in LaunchDarkly; the operator goes"
                + " on once LaunchDarkly completes the phase (spec.phases[0].forceComplete"
                + " completes it anyway, without LaunchDarkly's verdict)");
    assertThat(writesFor("flag-42").stream().map(this::describe))
        .as("never completed around the guardian")
        .containsExactly("create standard", "Started Testing");

    simulator
        .ui()
        .completePhase(PROJECT, "flag-42", "Testing"); // a person decided, in LaunchDarkly
    awaitReady("rolled-back");
  }

  /**
   * A rollout seen overdue (likely rolled back), then deleted in LaunchDarkly after its window, is
   * made again: not taken for one LaunchDarkly completed unseen, even once a later stall (a spec
   * typo, which reads nothing) has replaced the GuardedRolloutNotCompleted one.
   */
  @Test
  void aRolledBackReleaseDeletedAfterItsWindowIsMadeAgainThoughAnotherStallCameBetween() {
    simulator.ui().regressGuardedRollouts(PROJECT, "flag-112");
    simulator.setMonitoringWindowScale(0.0008); // the hour of Production's monitoring: 2.9 s
    create("rolled-back-gone", everyPhaseOfStandard("flag-112"));
    FlagRelease stalled =
        awaitCondition(
            "rolled-back-gone", ConditionTypes.STALLED, "True", "GuardedRolloutNotCompleted");
    assertThat(stalled.getStatus().getPhases().get(2).getMonitoringOverdue()).isTrue();

    // overdue already: the window is over
    assertMadeAgainAfterATypoStallAndADeletion("rolled-back-gone", "flag-112", Instant.MIN);
  }

  /**
   * LaunchDarkly takes a guarded rollout's settings only when the phase starts: a rollout weight
   * changed in Git afterwards is not applied, and the resource is not Ready (a CI gate or Argo CD
   * must not read the team's guardrail as in force) until the spec asks what LaunchDarkly keeps.
   */
  @Test
  void aRolloutWeightChangedAfterThePhaseStartedIsReportedAsNotApplied() {
    PhaseSpec testing = guardedPhase("Testing", Started, "Test env", "1h");
    testing.getAudiences().get(0).getReleaseGuardian().setRandomizationUnit("user");
    create("reweighted", spec("flag-74", "standard", testing));
    awaitReady("reweighted");
    long writesBefore = writesFor("flag-74").size();

    edit(
        "reweighted",
        s -> {
          ReleaseGuardianSpec guardian =
              s.getPhases().get(0).getAudiences().get(0).getReleaseGuardian();
          guardian.setRolloutWeight(5);
          guardian.setRandomizationUnit("organization");
        });
    FlagRelease stalled =
        awaitCondition("reweighted", ConditionTypes.STALLED, "True", "GuardianNotApplied");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "phase 'Testing' started with other guarded rollout settings than the spec asks now:"
                + " spec.phases[0].audiences[0].releaseGuardian.rolloutWeight is 5, LaunchDarkly"
                + " keeps 10; spec.phases[0].audiences[0].releaseGuardian.randomizationUnit is"
                + " organization, LaunchDarkly keeps user; it takes them only when a phase starts."
                + " Ready once the spec asks what LaunchDarkly keeps, or the phase completes");
    assertThat(condition(stalled, ConditionTypes.READY).getStatus()).isEqualTo("False");
    assertThat(writesFor("flag-74")).hasSize((int) writesBefore);

    edit(
        "reweighted",
        s -> {
          ReleaseGuardianSpec guardian =
              s.getPhases().get(0).getAudiences().get(0).getReleaseGuardian();
          guardian.setRolloutWeight(10);
          guardian.setRandomizationUnit("user");
        });
    awaitReady("reweighted");
    assertThat(writesFor("flag-74")).hasSize((int) writesBefore);
  }

  /**
   * A guarded rollout added to one audience of a phase that started with another audience guarded
   * and this one not: LaunchDarkly keeps it unguarded, and the status says so rather than that
   * LaunchDarkly matches the spec.
   */
  @Test
  void aGuardianAddedToAnAudienceThatStartedUnguardedBesideAGuardedOneIsReported() {
    PhaseSpec rollout = guardedPhase("Rollout", Started, "EU", "1h");
    rollout.getAudiences().add(new AudienceSpec("US", null));
    create("eu-guarded", spec("flag-50", "two-audiences", rollout));
    awaitReady("eu-guarded");
    long writesBefore = writesFor("flag-50").size();

    edit(
        "eu-guarded",
        s ->
            s.getPhases()
                .get(0)
                .getAudiences()
                .get(1)
                .setReleaseGuardian(new ReleaseGuardianSpec("1h", 10)));
    FlagRelease stalled =
        awaitCondition("eu-guarded", ConditionTypes.STALLED, "True", "GuardianNotApplied");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "phase 'Rollout' started with other guarded rollout settings than the spec asks now:"
                + " spec.phases[0].audiences[1].releaseGuardian is declared, LaunchDarkly keeps"
                + " audience 'US' unguarded; it takes them only when a phase starts. Ready once the"
                + " spec asks what LaunchDarkly keeps, or the phase completes");
    assertThat(writesFor("flag-50")).hasSize((int) writesBefore);
  }

  @Test
  void aLaterPhaseIsNotLeftWaitingForeverOnARolledBackPhaseTheSpecAsksOnlyStarted() {
    simulator.ui().regressGuardedRollouts(PROJECT, "flag-45");
    PhaseSpec testing = guardedPhase("Testing", Started, "Test env", "2s");
    create("rolled-back-before", spec("flag-45", "standard", testing, phase("Staging", Started)));
    awaitCondition(
        "rolled-back-before", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");
    FlagRelease stalled =
        awaitCondition(
            "rolled-back-before", ConditionTypes.STALLED, "True", "GuardedRolloutNotCompleted");
    assertThat(stalled.getStatus().getMessage()).endsWith("before starting phase 'Staging'");
    assertThat(writesFor("flag-45").stream().map(this::describe))
        .containsExactly("create standard", "Started Testing");
  }

  /**
   * A phase LaunchDarkly shows not started again after it started (how it shows a rollback is not
   * documented) is not started a second time: that would put the rolled-back variation back.
   */
  @Test
  void aPhaseLaunchDarklyMovedBackAfterItStartedIsNotStartedAgain() {
    PhaseSpec testing = guardedPhase("Testing", Started, "Test env", "1h");
    create("moved-back", spec("flag-47", "standard", testing));
    awaitReady("moved-back");

    simulator.ui().showPhaseStatus(PROJECT, "flag-47", "Testing", "ReadyToStart");

    FlagRelease stalled =
        awaitCondition("moved-back", ConditionTypes.STALLED, "True", "PhaseMovedBack");
    assertThat(stalled.getStatus().getMessage())
        .startsWith("phase 'Testing' started at ")
        .endsWith(
            ", and LaunchDarkly now shows it ReadyToStart (a guarded rollout rolled back, or a"
                + " person moved it back); the operator does not start it again. Start it in"
                + " LaunchDarkly to continue, or set spec.phases[0].status NotStarted");
    assertThat(writesFor("flag-47").stream().map(this::describe))
        .containsExactly("create standard", "Started Testing");
    // a rollback or a person: not one of LaunchDarkly's own steps
    assertThat(stalled.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .endsWith("Testing Started -> ReadyToStart Unknown");
  }

  /**
   * An audience name LaunchDarkly gives to two audiences of a phase: the spec's guarded rollout
   * would have gone to the first alone, leaving the other unguarded; nothing is written to them.
   */
  @Test
  void anAudienceNameLaunchDarklyGivesTwiceIsNotGuessed() {
    PhaseSpec rollout = guardedPhase("Rollout", Started, "Production", "1h");
    create("two-regions", spec("flag-48", "two-regions", rollout));

    FlagRelease stalled =
        awaitCondition("two-regions", ConditionTypes.STALLED, "True", "AmbiguousName");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.phases[0].audiences[0].name: phase 'Rollout' of pipeline 'two-regions' has 2"
                + " audiences named 'Production', and the operator cannot tell which one the spec"
                + " means, so it writes nothing to them; give them distinct names in LaunchDarkly");
    assertThat(writesFor("flag-48").stream().map(this::describe)).doesNotContain("Started Rollout");
  }

  /** The README's drift table: a rolled-back rollout is Stalled, even on the last phase asked. */
  @Test
  void aRolledBackRolloutOfTheLastPhaseAskedOnlyStartedIsStalled() {
    simulator.ui().regressGuardedRollouts(PROJECT, "flag-46");
    PhaseSpec testing = guardedPhase("Testing", Started, "Test env", "2s");
    create("rolled-back-last", spec("flag-46", "standard", testing));

    FlagRelease stalled =
        awaitCondition(
            "rolled-back-last", ConditionTypes.STALLED, "True", "GuardedRolloutNotCompleted");
    assertThat(stalled.getStatus().getMessage())
        .startsWith("LaunchDarkly's monitoring of phase 'Testing' was due to end at about");
    assertThat(writesFor("flag-46").stream().map(this::describe))
        .containsExactly("create standard", "Started Testing");

    simulator.ui().completePhase(PROJECT, "flag-46", "Testing"); // a person decided
    awaitReady("rolled-back-last");
  }

  @Test
  void aGuardedRolloutApprovedLateIsMonitoredFromTheApprovalNotFromItsStart() {
    PhaseSpec production = guardedPhase("Production", Complete, "Prod env", "2s");
    List<String> reasons = recordReasons("late-approval");
    create("late-approval", spec("flag-43", "approved", phase("Testing", Complete), production));
    FlagRelease waiting =
        awaitCondition("late-approval", ConditionTypes.RECONCILING, "True", "AwaitingApproval");
    assertThat(waiting.getStatus().getPhases().get(1).getMonitoringEndsAt())
        .as("nothing is monitored before the approval")
        .isNull();

    // approved after the two seconds the window would last from the start
    Instant windowFromStart =
        Instant.parse(waiting.getStatus().getPhases().get(1).getStartedAt()).plusSeconds(3);
    await().until(() -> Instant.now().isAfter(windowFromStart));
    simulator.ui().approvePhase(PROJECT, "flag-43", "Production");

    awaitReady("late-approval"); // LaunchDarkly completes it two seconds after the approval
    reasons = caughtUp("late-approval", reasons);
    assertThat(reasons).noneMatch(r -> r.startsWith("GuardedRolloutNotCompleted"));
    assertThat(reasons).anyMatch(r -> r.startsWith("GuardedRolloutInProgress"));
  }

  /**
   * A legacy release's audiences carry no configuration; its pipeline's definition says that
   * Production needs an approval, so the operator ticks nothing complete around it.
   */
  @Test
  void aLegacyPhaseWhosePipelineRequiresApprovalIsNotTickedComplete() {
    create(
        "legacy-approval",
        spec("flag-126", "manual-approved", phase("QA", Complete), phase("Production", Complete)));

    FlagRelease stalled =
        awaitCondition("legacy-approval", ConditionTypes.STALLED, "True", "LegacyPhaseGuarded");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "phase 'Production' has an approval in LaunchDarkly, yet its release pipeline reads as"
                + " legacy (phases ticked complete by hand): the operator does not tick it"
                + " complete around LaunchDarkly's guardrails, and writes nothing. Complete it in"
                + " LaunchDarkly, or set spec.phases[1].status to what LaunchDarkly shows");
    assertThat(writesFor("flag-126").stream().map(this::describe))
        .containsExactly("create manual-approved");
  }

  @Test
  void anApprovalIsWaitedForAndShownWithWhoCanApprove() {
    create(
        "approval",
        spec("flag-27", "approved", phase("Testing", Complete), phase("Production", Complete)));

    FlagRelease waiting =
        awaitCondition("approval", ConditionTypes.RECONCILING, "True", "AwaitingApproval");
    assertThat(waiting.getStatus().getMessage())
        .isEqualTo(
            "phase 'Production' waits for approval in LaunchDarkly for audience 'Prod env'"
                + " (LaunchDarkly shows it 'pendingApproval'; approvers notified: members"
                + " member-1; teams release-managers); the operator goes on once it is approved");
    assertThat(waiting.getStatus().getPhases().get(1).getAwaitingApproval())
        .containsExactly("Prod env");
    assertThat(waiting.getStatus().getState()).isEqualTo(ReleaseState.Progressing);

    simulator.ui().approvePhase(PROJECT, "flag-27", "Production");
    awaitReady("approval");
    assertThat(writesFor("flag-27").stream().map(this::describe))
        .containsExactly(
            "create approved",
            "Started Testing",
            "Complete Testing",
            "Started Production",
            "Complete Production");
  }

  /**
   * A later poll whose read leaves out the audiences' configuration says nothing of the approval:
   * the phase stays awaiting it, as last seen, rather than looking unguarded and being completed.
   */
  @Test
  void aReadWithoutConfigurationDoesNotCompleteAPhaseAwaitingApproval() {
    create(
        "approval-forgotten",
        spec("flag-94", "approved", phase("Testing", Complete), phase("Production", Complete)));
    awaitCondition("approval-forgotten", ConditionTypes.RECONCILING, "True", "AwaitingApproval");

    pollOnceWithoutConfiguration("flag-94");

    FlagRelease waiting = get("approval-forgotten");
    assertThat(writesFor("flag-94").stream().map(this::describe))
        .containsExactly(
            "create approved", "Started Testing", "Complete Testing", "Started Production");
    assertThat(condition(waiting, ConditionTypes.RECONCILING).getReason())
        .isEqualTo("AwaitingApproval");
    simulator.ui().approvePhase(PROJECT, "flag-94", "Production");
    awaitReady("approval-forgotten");
  }

  /** The same for a guarded rollout the pipeline declares: not completed mid-window. */
  @Test
  void aReadWithoutConfigurationDoesNotCompleteAMonitoredPhase() {
    create("monitoring-forgotten", spec("flag-95", "guarded-first", phase("Canary", Complete)));
    awaitCondition(
        "monitoring-forgotten", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");

    pollOnceWithoutConfiguration("flag-95");

    FlagRelease waiting = get("monitoring-forgotten");
    assertThat(writesFor("flag-95").stream().map(this::describe))
        .containsExactly("create guarded-first", "Started Canary");
    assertThat(condition(waiting, ConditionTypes.RECONCILING).getReason())
        .isEqualTo("GuardedRolloutInProgress");
    assertThat(waiting.getStatus().getPhases().get(0).getMonitoringEndsAt()).isNotNull();
  }

  /**
   * Approved between two reads, the second without configuration: the monitoring that began with
   * the approval is not shown, and the phase is not completed around it.
   */
  @Test
  void aPhaseApprovedUnseenIsNotCompletedOnAReadWithoutConfiguration() {
    create("approved-unseen", spec("flag-97", "approved-guarded", phase("Production", Complete)));
    awaitCondition("approved-unseen", ConditionTypes.RECONCILING, "True", "AwaitingApproval");
    edit("approved-unseen", s -> s.setSuspend(true)); // no read in between
    awaitCondition("approved-unseen", ConditionTypes.READY, "False", "Suspended");
    simulator.ui().approvePhase(PROJECT, "flag-97", "Production");
    simulator
        .faults()
        .respondNextOn(
            CallLog.GET_RELEASE, 200, "application/json", withoutConfiguration("flag-97"));

    List<String> reasons = recordReasons("approved-unseen");
    edit("approved-unseen", s -> s.setSuspend(false));

    // the next read, with configuration, shows the monitoring
    awaitCondition(
        "approved-unseen", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");
    assertThat(caughtUp("approved-unseen", reasons))
        .anyMatch(r -> r.startsWith("GuardrailsNotShown: phase 'Production' was approved since"));
    assertThat(writesFor("flag-97").stream().map(this::describe))
        .containsExactly("create approved-guarded", "Started Production");
  }

  /**
   * A phase a person started, on a release the FlagRelease then adopts, read without its audiences'
   * configuration and with no status record of that start: its pipeline gives it a guarded rollout,
   * so it is not completed around one; the first read that shows the configuration shows the
   * monitoring.
   */
  @Test
  void anAdoptedPhaseReadWithoutConfigurationIsNotCompletedAroundItsPipelinesGuardrail() {
    simulator.ui().createRelease(PROJECT, "flag-136", "guarded-first");
    simulator.ui().startPhase(PROJECT, "flag-136", "Canary");
    String silent = withoutConfiguration("flag-136");
    simulator
        .faults()
        .respondNextOn(CallLog.GET_RELEASE, 200, "application/json", silent)
        .respondNextOn(CallLog.GET_RELEASE, 200, "application/json", silent);
    List<String> reasons = recordReasons("adopted-unread");

    create("adopted-unread", spec("flag-136", "guarded-first", phase("Canary", Complete)));

    awaitCondition(
        "adopted-unread", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");
    assertThat(caughtUp("adopted-unread", reasons))
        .anyMatch(
            r ->
                r.startsWith(
                    "GuardrailsNotShown: LaunchDarkly's read of phase 'Canary' leaves out its"
                        + " audiences' configuration, and its release pipeline gives it a guarded"
                        + " rollout, which may hold the phase: not completed until a read shows"
                        + " whether it does"));
    assertThat(writesFor("flag-136")).as("nothing completed").isEmpty();
  }

  /**
   * The same unread phase is not deleted by a move either: the release stays on its pipeline while
   * that pipeline's guarded rollout may be deciding on it.
   */
  @Test
  void anAdoptedPhaseReadWithoutConfigurationIsNotMovedAroundItsPipelinesGuardrail() {
    simulator.ui().createRelease(PROJECT, "flag-138", "guarded-first");
    simulator.ui().startPhase(PROJECT, "flag-138", "Canary");
    String silent = withoutConfiguration("flag-138");
    for (int i = 0; i < 60; i++) { // every read in the test leaves it out
      simulator.faults().respondNextOn(CallLog.GET_RELEASE, 200, "application/json", silent);
    }
    FlagReleaseSpec spec = spec("flag-138", "guarded-first", phase("Canary", Started));
    spec.setDeletionPolicy(DeletionPolicy.DeleteEvenIfAdopted);
    create("moved-unread", spec);
    awaitReady("moved-unread");

    edit("moved-unread", s -> s.setReleasePipelineKey("fast-track"));

    FlagRelease held =
        awaitCondition("moved-unread", ConditionTypes.RECONCILING, "True", "GuardrailsNotShown");
    assertThat(held.getStatus().getMessage())
        .startsWith(
            "LaunchDarkly's read of phase 'Canary' leaves out its audiences' configuration, and its"
                + " release pipeline gives it a guarded rollout, which may hold the phase; the"
                + " release is moved to pipeline 'fast-track' once a read shows whether it does");
    assertThat(writesFor("flag-138")).as("nothing deleted").isEmpty();
  }

  /** Observe creates nothing: its status never says that deleting a release gets a new one. */
  @Test
  void inObserveTheAdviceOnACanceledReleaseDoesNotPromiseACreate() {
    simulator.ui().createRelease(PROJECT, "flag-80", "standard");
    simulator.ui().cancelRelease(PROJECT, "flag-80");
    FlagReleaseSpec observe = spec("flag-80", "standard", phase("Testing", Started));
    observe.setManagementPolicy(ManagementPolicy.Observe);

    create("observed-canceled", observe);
    FlagRelease stalled =
        awaitCondition("observed-canceled", ConditionTypes.STALLED, "True", "ReleaseCanceled");

    assertThat(stalled.getStatus().getMessage())
        .endsWith(
            "; the operator does not drive a canceled release. Delete it in LaunchDarkly and set"
                + " spec.managementPolicy to Manage (Observe creates nothing) to have the operator"
                + " create a new one, or delete this FlagRelease");
    simulator.ui().deleteRelease(PROJECT, "flag-80");
    awaitCondition("observed-canceled", ConditionTypes.RECONCILING, "True", "ReleaseNotFound");
    assertThat(writesFor("flag-80")).isEmpty();
  }

  @Test
  void aCanceledReleaseIsReportedAndNeverDriven() {
    simulator.ui().createRelease(PROJECT, "flag-28", "standard");
    simulator.ui().cancelRelease(PROJECT, "flag-28");

    create("canceled", spec("flag-28", "standard", phase("Testing", Started)));
    FlagRelease stalled =
        awaitCondition("canceled", ConditionTypes.STALLED, "True", "ReleaseCanceled");

    assertThat(stalled.getStatus().getMessage())
        .startsWith("LaunchDarkly canceled the release on pipeline 'standard' at ")
        .endsWith(
            "; the operator does not drive a canceled release. Delete it in LaunchDarkly to have"
                + " the operator create a new one, or delete this FlagRelease");
    assertThat(writesFor("flag-28")).isEmpty();

    simulator.ui().deleteRelease(PROJECT, "flag-28");
    awaitReady("canceled");
    assertThat(writesFor("flag-28").stream().map(this::describe))
        .containsExactly("create standard", "Started Testing");
  }

  /**
   * The next poll of the flag reads its release without the audiences' configuration; returns once
   * the poll after it read (so that pass has ended).
   */
  private void pollOnceWithoutConfiguration(String flagKey) {
    long reads = countFor(flagKey, CallLog.GET_RELEASE);
    simulator
        .faults()
        .respondNextOn(CallLog.GET_RELEASE, 200, "application/json", withoutConfiguration(flagKey));
    await().atMost(TIMEOUT).until(() -> countFor(flagKey, CallLog.GET_RELEASE) >= reads + 2);
  }
}
