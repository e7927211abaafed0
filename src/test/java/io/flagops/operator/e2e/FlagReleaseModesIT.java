package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Observe reads and reports, never writes; suspend makes no call at all. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class FlagReleaseModesIT extends OperatorTestBase {

  @Test
  void observeReportsTheDriftAndNeverWrites() throws InterruptedException {
    simulator.ui().createRelease(PROJECT, "flag-25", "standard");
    FlagReleaseSpec spec = spec("flag-25", "standard", phase("Testing", Complete));
    spec.setManagementPolicy(ManagementPolicy.Observe);

    create("watcher", spec);
    FlagRelease drifted = awaitCondition("watcher", ConditionTypes.RECONCILING, "True", "Drifted");

    assertThat(drifted.getStatus().getMessage())
        .isEqualTo(
            "LaunchDarkly differs from the spec; Observe mode makes no change (Manage would start"
                + " phase 'Testing', complete phase 'Testing')");
    assertThat(condition(drifted, ConditionTypes.READY).getStatus()).isEqualTo("False");
    assertThat(drifted.getStatus().getPhases().get(0).getStatus()).isEqualTo("ReadyToStart");
    assertThat(drifted.getStatus().getPlannedChanges())
        .as("what Manage would write, to review before switching")
        .containsExactly("start phase 'Testing'", "complete phase 'Testing'");

    // a person completes the phase in LaunchDarkly: now it matches
    simulator.ui().startPhase(PROJECT, "flag-25", "Testing");
    simulator.ui().completePhase(PROJECT, "flag-25", "Testing");
    FlagRelease ready = awaitReady("watcher");
    assertThat(ready.getStatus().getPlannedChanges()).isEmpty();
    assertThat(writesFor("flag-25")).isEmpty();
  }

  @Test
  void observeKeepsReportingALegacyPhaseTheSpecMovedBack() {
    create("legacy-watch", spec("flag-28", "manual", phase("QA", Complete)));
    awaitReady("legacy-watch");
    long writes = writesFor("flag-28").size();

    edit(
        "legacy-watch",
        s -> {
          s.setManagementPolicy(ManagementPolicy.Observe);
          s.getPhases().get(0).setStatus(NotStarted);
        });
    awaitCondition("legacy-watch", ConditionTypes.RECONCILING, "True", "Drifted");
    long reads = countFor("flag-28", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-28", CallLog.GET_RELEASE) >= reads + 3);

    FlagRelease later = releases().withName("legacy-watch").get();
    assertThat(condition(later, ConditionTypes.RECONCILING).getReason())
        .as("still what Manage would do, poll after poll")
        .isEqualTo("Drifted");
    assertThat(later.getStatus().getPlannedChanges()).containsExactly("mark phase 'QA' incomplete");
    assertThat(writesFor("flag-28")).hasSize((int) writes);
  }

  @Test
  void observeWithoutAReleaseIsPendingAndCreatesNothing() {
    FlagReleaseSpec spec = spec("flag-26", "standard");
    spec.setManagementPolicy(ManagementPolicy.Observe);

    create("nothing-yet", spec);
    FlagRelease pending =
        awaitCondition("nothing-yet", ConditionTypes.RECONCILING, "True", "ReleaseNotFound");

    assertThat(pending.getStatus().getState()).isEqualTo(ReleaseState.Pending);
    assertThat(pending.getStatus().getPlannedChanges())
        .containsExactly("create the release on pipeline 'standard'");
    assertThat(writesFor("flag-26")).isEmpty();
  }

  /**
   * Observe is how a spec is reviewed before Manage: a create that would go nowhere (a typo in the
   * pipeline or project key) is an error naming the field, not a release Manage would create.
   */
  @ParameterizedTest
  @CsvSource({"shop, standrad, flag-27", "shpo, standard, flag-28"})
  void observeWithoutAReleaseSaysWhenTheCreateWouldGoNowhere(
      String project, String pipeline, String flag) {
    FlagReleaseSpec spec = spec(flag, pipeline);
    spec.setProjectKey(project);
    spec.setManagementPolicy(ManagementPolicy.Observe);

    create("typo-" + flag, spec);
    FlagRelease stalled =
        awaitCondition("typo-" + flag, ConditionTypes.STALLED, "True", "PipelineNotFound");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.releasePipelineKey: LaunchDarkly has no release pipeline '"
                + pipeline
                + "' in project '"
                + project
                + "' (spec.projectKey), so Manage mode's create would be refused");
    assertThat(stalled.getStatus().getPlannedChanges()).isNullOrEmpty();
    assertThat(writesFor(flag)).isEmpty();
  }

  @Test
  void suspendMakesNoCallUntilResumed() throws InterruptedException {
    FlagReleaseSpec spec = spec("flag-27", "fast-track", phase("Canary", Started));
    spec.setSuspend(true);

    create("paused", spec);
    FlagRelease suspended = awaitCondition("paused", ConditionTypes.READY, "False", "Suspended");
    assertThat(suspended.getStatus().getState()).isEqualTo(ReleaseState.Suspended);
    Thread.sleep(2500); // more than two poll intervals
    assertThat(callsFor("flag-27")).isEmpty();

    edit("paused", s -> s.setSuspend(false));
    awaitReady("paused");
    assertThat(writesFor("flag-27").stream().map(this::describe))
        .containsExactly("create fast-track", "Started Canary");
  }
}
