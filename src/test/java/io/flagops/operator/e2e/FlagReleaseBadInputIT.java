package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Specs that cannot be met: Stalled with a message naming the problem, and no retry storm. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class FlagReleaseBadInputIT extends OperatorTestBase {

  @Test
  void anUnknownPhaseNameStallsNamingTheField() {
    create("typo", spec("flag-15", "standard", phase("Testing", Complete), phase("Prod", Started)));

    FlagRelease stalled = awaitStalled("typo", "UnknownPhase");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.phases[1].name: pipeline 'standard' has no phase 'Prod' (its phases: Testing,"
                + " Staging, Production)");
    assertThat(stalled.getStatus().getState()).isEqualTo(ReleaseState.Failed);
    // the release was created; no phase was touched, since the spec as a whole cannot be met
    assertThat(writesFor("flag-15").stream().map(this::describe))
        .containsExactly("create standard");
    assertThat(eventReasons("typo")).contains("UnknownPhase");
  }

  @Test
  void aGuardedRolloutOnALegacyPipelineStallsRatherThanTickingThePhaseUnmonitored() {
    PhaseSpec qa = guardedPhase("QA", Complete, "QA env", "30m");
    create("legacy-guarded", spec("flag-44", "manual", qa));

    FlagRelease stalled = awaitStalled("legacy-guarded", "InvalidSpec");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.phases[0].audiences[0].releaseGuardian: legacy pipeline 'manual' runs no guarded"
                + " rollout, its phases are only ticked complete; remove the releaseGuardian");
    assertThat(writesFor("flag-44").stream().map(this::describe)).containsExactly("create manual");
  }

  @Test
  void anImpossiblePhaseOrderStalls() {
    create(
        "order",
        spec("flag-16", "standard", phase("Testing", NotStarted), phase("Staging", Started)));

    FlagRelease stalled = awaitStalled("order", "ImpossiblePhaseOrder");

    assertThat(stalled.getStatus().getMessage())
        .contains("spec.phases[1].status")
        .contains("'Staging' cannot be Started while the earlier phase 'Testing' is NotStarted");
    assertThat(countFor("flag-16", CallLog.UPDATE_PHASE)).isZero();
  }

  /** A templated value that rendered empty is refused before any call, naming the field. */
  @Test
  void anEmptyVariationOrRandomizationUnitStallsBeforeAnyCall() {
    FlagReleaseSpec variation = spec("flag-92", "standard", phase("Testing", Started));
    variation.setReleaseVariationId("");
    create("empty-variation", variation);
    PhaseSpec testing = guardedPhase("Testing", Started, "Test env", "1h");
    testing.getAudiences().get(0).getReleaseGuardian().setRandomizationUnit("");
    create("empty-unit", spec("flag-92", "standard", testing));

    assertThat(awaitStalled("empty-variation", "InvalidSpec").getStatus().getMessage())
        .startsWith("spec.releaseVariationId is empty");
    assertThat(awaitStalled("empty-unit", "InvalidSpec").getStatus().getMessage())
        .startsWith("spec.phases[0].audiences[0].releaseGuardian.randomizationUnit is empty");
    assertThat(callsFor("flag-92")).isEmpty();
  }

  @Test
  void anUnknownProjectFlagOrPipelineStallsNamingIt() {
    FlagReleaseSpec project = spec("flag-17", "standard");
    project.setProjectKey("no-such-project");
    create("project", project);
    create("flag", spec("no-such-flag", "standard"));
    create("pipeline", spec("flag-18", "no-such-pipeline"));

    // LaunchDarkly's 404 need not say which key it lacks: the message names the field
    assertThat(awaitStalled("project", "NotFound").getStatus().getMessage())
        .startsWith(
            "spec.releasePipelineKey: project 'no-such-project' has no release pipeline"
                + " 'standard' (or spec.projectKey names no project): ");
    assertThat(awaitStalled("flag", "NotFound").getStatus().getMessage())
        .startsWith("spec.flagKey: project 'shop' has no flag 'no-such-flag' (its pipeline");
    assertThat(awaitStalled("pipeline", "NotFound").getStatus().getMessage())
        .startsWith(
            "spec.releasePipelineKey: project 'shop' has no release pipeline 'no-such-pipeline'");
  }

  /**
   * A pipeline deleted in LaunchDarkly after the operator read it: the create's next 404 names the
   * pipeline, not the flag, although the pipeline was read minutes ago.
   */
  @Test
  void aCreateRefusedAfterItsPipelineWasDeletedNamesThePipeline() {
    create("retired", spec("flag-not-made", "retired", phase("Only", Started)));
    assertThat(awaitStalled("retired", "NotFound").getStatus().getMessage())
        .startsWith(
            "spec.flagKey: project 'shop' has no flag 'flag-not-made' (its pipeline 'retired' is"
                + " there)");

    simulator.ui().deletePipeline(PROJECT, "retired");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(get("retired").getStatus().getMessage())
                    .startsWith(
                        "spec.releasePipelineKey: project 'shop' has no release pipeline"
                            + " 'retired'"));
  }

  /** GitOps may apply the FlagRelease before the flag exists in LaunchDarkly. */
  @Test
  void aFlagLaunchDarklyDidNotHaveYetIsPickedUpWithoutAnEdit() {
    // the create's 404 stands for a flag LaunchDarkly does not have yet; then it has it
    simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 404);

    create("early", spec("flag-20", "standard", phase("Testing", Started)));
    awaitStalled("early", "NotFound");
    FlagRelease ready = awaitReady("early");

    assertThat(writesFor("flag-20").stream().map(c -> describe(c) + " " + c.status()))
        .containsExactly("create standard 404", "create standard 200", "Started Testing 200");
    assertThat(ready.getStatus().getObservedGeneration()).isEqualTo(1L);
  }

  /**
   * A create tried again at each stalled poll (the pipeline LaunchDarkly does not have yet) keeps
   * the resource Stalled between the tries: Argo CD and the alerts do not see it flip to
   * Progressing and back at each poll.
   */
  @Test
  void aCreateTriedAgainAtEachStalledPollStaysStalledBetweenTheTries() {
    List<String> states = recordReasons("not-yet");
    create("not-yet", spec("flag-83", "pipeline-to-come", phase("Testing", Started)));

    awaitStalled("not-yet", "NotFound");
    await().atMost(TIMEOUT).until(() -> countFor("flag-83", CallLog.CREATE_RELEASE) >= 3);

    List<String> seen = List.copyOf(states);
    assertThat(seen.stream().dropWhile(state -> !state.contains("(stalled)")))
        .as("every state after the first stall, while the create is tried again")
        .isNotEmpty()
        .allMatch(state -> state.contains("(stalled)"));
  }

  @Test
  void aRequestLaunchDarklyRejectsIsNotRepeatedUntilTheSpecChanges() {
    // banner-text is not a boolean flag: LaunchDarkly refuses to add it to a pipeline (400)
    create("string-flag", spec("banner-text", "standard", phase("Testing", Started)));

    FlagRelease stalled = awaitStalled("string-flag", "LaunchDarklyRejected");
    assertThat(stalled.getStatus().getMessage()).contains("400").contains("boolean");

    // several polls later: still the one refused create, and reads only
    await().atMost(TIMEOUT).until(() -> countFor("banner-text", CallLog.GET_RELEASE) >= 4);
    assertThat(countFor("banner-text", CallLog.CREATE_RELEASE)).isEqualTo(1);

    edit("string-flag", s -> s.getPhases().get(0).setStatus(Complete));
    await().atMost(TIMEOUT).until(() -> countFor("banner-text", CallLog.CREATE_RELEASE) == 2);
    FlagRelease again = awaitStalled("string-flag", "LaunchDarklyRejected");
    assertThat(again.getStatus().getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void aSpecTheSchemaWouldRefuseNeverReachesLaunchDarkly() {
    // the mock API server does not enforce the CRD schema; the operator checks again
    FlagReleaseSpec spec =
        spec("flag-19", "standard", phase("Testing", Started), phase("Testing", Complete));
    create("duplicate", spec);

    FlagRelease stalled = awaitStalled("duplicate", "InvalidSpec");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo("spec.phases[1].name: phase 'Testing' is listed twice");
    assertThat(callsFor("flag-19")).isEmpty();
  }

  @Test
  void aMonitoringWindowTooLongToCountStallsNamingTheField() {
    // the schema's pattern admits any number of digits
    create(
        "endless",
        spec(
            "flag-64",
            "standard",
            guardedPhase("Testing", Started, "Test env", "9999999999999999h")));

    FlagRelease stalled = awaitStalled("endless", "InvalidSpec");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.phases[0].audiences[0].releaseGuardian.monitoringWindow: '9999999999999999h' is"
                + " too long: LaunchDarkly counts the window in milliseconds, in 64 bits");
    assertThat(callsFor("flag-64")).isEmpty();
    assertThat(eventReasons("endless")).doesNotContain("ReconcileError");
  }

  private FlagRelease awaitStalled(String name, String reason) {
    FlagRelease stalled = awaitCondition(name, ConditionTypes.STALLED, "True", reason);
    assertThat(condition(stalled, ConditionTypes.READY).getStatus()).isEqualTo("False");
    assertThat(condition(stalled, ConditionTypes.RECONCILING).getStatus()).isEqualTo("False");
    return stalled;
  }
}
