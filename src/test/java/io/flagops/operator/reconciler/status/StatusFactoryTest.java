package io.flagops.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusFactoryTest {
  private final StatusFactory factory =
      new StatusFactory(Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));

  @Test
  void readyStatusDescribesTheReleaseAndItsPhases() {
    FlagRelease resource = resource(2L, null);

    FlagReleaseStatus status =
        factory.build(
            resource,
            Seen.of(release(), false),
            Ownership.created("standard"),
            new Outcome(ReleaseState.Ready, "InSync", "LaunchDarkly matches the spec"));

    assertThat(status.getObservedGeneration()).isEqualTo(2L);
    assertThat(status.getState()).isEqualTo(ReleaseState.Ready);
    assertThat(status.getCurrentPhase()).isEqualTo("Production");
    assertThat(status.getOwnedPipelineKey()).isEqualTo("standard");
    assertThat(status.getRelease().getPipelineKey()).isEqualTo("standard");
    assertThat(status.getRelease().getPipelineName()).isEqualTo("Standard");
    assertThat(status.getRelease().getVersion()).isEqualTo(4L);
    assertThat(status.getRelease().getLegacy()).isFalse();
    assertThat(status.getPhases()).hasSize(2);
    assertThat(status.getPhases().get(0).getStatus()).isEqualTo("Complete");
    assertThat(status.getPhases().get(0).getCompletedAt()).isEqualTo("2023-05-16T18:45:11.507Z");
    assertThat(status.getPhases().get(0).getManaged()).isTrue();
    assertThat(status.getPhases().get(1).getManaged()).isFalse();
    assertConditions(status, "True", "False", "False");
  }

  @Test
  void buildingTwiceFromTheSameInputsGivesAnEqualStatus() {
    FlagRelease resource = resource(2L, null);
    Outcome outcome = new Outcome(ReleaseState.Ready, "InSync", "ok");
    resource.setStatus(
        factory.build(resource, Seen.of(release(), false), Ownership.created("standard"), outcome));

    StatusFactory later =
        new StatusFactory(Clock.fixed(Instant.parse("2026-03-02T12:00:00Z"), ZoneOffset.UTC));
    FlagReleaseStatus again =
        later.build(resource, Seen.of(release(), false), Ownership.created("standard"), outcome);

    assertThat(again).isEqualTo(resource.getStatus());
  }

  @Test
  void aDeletionAPersonMustUnblockIsStalledAndStillDeleting() {
    FlagReleaseStatus blocked =
        factory.build(
            resource(1L, null),
            Seen.unknown(),
            Ownership.created("standard"),
            new Outcome(ReleaseState.Deleting, "DeletionBlocked", "deletion waits: ..."));

    assertThat(blocked.getState()).isEqualTo(ReleaseState.Deleting);
    assertConditions(blocked, "False", "False", "True");
  }

  @Test
  void stalledAndProgressingFollowKstatus() {
    FlagRelease resource = resource(1L, null);

    FlagReleaseStatus failed =
        factory.build(
            resource, Seen.none(), Ownership.NONE, new Outcome(ReleaseState.Failed, "X", "m"));
    FlagReleaseStatus progressing =
        factory.build(
            resource, Seen.none(), Ownership.NONE, new Outcome(ReleaseState.Progressing, "Y", "m"));

    assertThat(flags(failed)).containsExactly("False", "False", "True");
    assertThat(flags(progressing)).containsExactly("False", "True", "False");
    assertThat(failed.getRelease()).isNull();
    assertThat(failed.getCurrentPhase()).isNull();
  }

  @Test
  void unknownReleaseKeepsWhatTheStatusShowed() {
    FlagRelease resource = resource(1L, null);
    resource.setStatus(
        factory.build(
            resource,
            Seen.of(release(), false),
            Ownership.created("standard"),
            new Outcome(ReleaseState.Ready, "InSync", "ok")));

    FlagReleaseStatus suspended =
        factory.build(
            resource,
            Seen.unknown(),
            Ownership.created("standard"),
            new Outcome(ReleaseState.Suspended, "Suspended", "no calls"));

    assertThat(suspended.getPhases()).isEqualTo(resource.getStatus().getPhases());
    assertThat(suspended.getRelease()).isEqualTo(resource.getStatus().getRelease());
    assertThat(flags(suspended)).containsExactly("False", "False", "False");
  }

  /**
   * A read that leaves a started phase's optional status out records it Started, not NotStarted.
   */
  @Test
  void aStartedPhaseWithoutItsStatusIsRecordedStarted() {
    Release release =
        new Release(
            "Standard",
            "standard",
            "",
            List.of(new ReleasePhase("p1", "Testing", false, 1L, null, List.of(), null, true, 1L)),
            4L,
            null,
            null);
    FlagRelease resource = resource(1L, null);

    FlagReleaseStatus status =
        factory.build(
            resource,
            Seen.of(release, false),
            Ownership.created("standard"),
            new Outcome(ReleaseState.Progressing, "Waiting", "waits"));

    assertThat(status.getPhases().get(0).getStatus()).isEqualTo("Started");
  }

  private static List<String> flags(FlagReleaseStatus status) {
    return status.getConditions().stream().map(FlagReleaseCondition::getStatus).toList();
  }

  private static FlagRelease resource(Long generation, FlagReleaseStatus status) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withName("r")
            .withNamespace("ns")
            .withGeneration(generation)
            .build());
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setPhases(List.of(new PhaseSpec("Testing", DesiredPhaseStatus.Complete)));
    resource.setSpec(spec);
    resource.setStatus(status);
    return resource;
  }

  private static Release release() {
    return new Release(
        "Standard",
        "standard",
        "",
        List.of(
            new ReleasePhase(
                "p1", "Testing", true, 1L, 1684262711507L, List.of(), "Complete", true, 1L),
            new ReleasePhase(
                "p2", "Production", false, 1L, null, List.of(), "ReadyToStart", false, null)),
        4L,
        null,
        null);
  }

  /** Ready, Reconciling and Stalled, in that order. */
  private static void assertConditions(
      FlagReleaseStatus status, String ready, String reconciling, String stalled) {
    assertThat(status.getConditions())
        .extracting(FlagReleaseCondition::getType, FlagReleaseCondition::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Ready", ready),
            org.assertj.core.groups.Tuple.tuple("Reconciling", reconciling),
            org.assertj.core.groups.Tuple.tuple("Stalled", stalled));
  }

  /** A release gone after its last guarded phase's window: completed by LaunchDarkly, or not. */
  @Test
  void aReleaseGoneIsTakenAsCompletedOnlyWhenItsLastGuardedWindowIsOver() {
    Instant end = Instant.parse("2026-12-05T10:00:00Z");
    FlagReleaseStatus status = new FlagReleaseStatus();
    status.setRelease(new ObservedRelease("standard", "Standard", null, 3L, false, null));
    status.setPhases(List.of(phase(true, true, null), phase(true, false, end.toString())));

    assertThat(StatusFactory.completedPipelineKey(status, end)).isEqualTo("standard");
    assertThat(StatusFactory.completedPipelineKey(status, end.minusSeconds(1)))
        .as("deleted mid-rollout: made again")
        .isNull();
    status.setPhases(List.of(phase(true, false, null), phase(true, false, end.toString())));
    assertThat(StatusFactory.completedPipelineKey(status, end))
        .as("an earlier phase open")
        .isNull();
    status.setPhases(List.of(phase(true, true, null), phase(true, false, null)));
    assertThat(StatusFactory.completedPipelineKey(status, end)).as("unguarded").isNull();
    status.setPhases(List.of(phase(true, true, null), phase(true, false, end.toString())));
    status.setConditions(List.of(stalled("ReleaseCanceled")));
    assertThat(StatusFactory.completedPipelineKey(status, end)).as("canceled: deleted").isNull();
    status.setConditions(List.of(stalled("InvalidSpec")));
    assertThat(StatusFactory.completedPipelineKey(status, end))
        .as("a spec typo says nothing about the release")
        .isEqualTo("standard");
    status.setConditions(List.of());
    PhaseStatus overdue = phase(true, false, end.toString());
    overdue.setMonitoringOverdue(true);
    status.setPhases(List.of(phase(true, true, null), overdue));
    assertThat(StatusFactory.completedPipelineKey(status, end))
        .as("seen overdue, so likely rolled back: deleted")
        .isNull();
    PhaseStatus paused = phase(true, false, end.toString());
    paused.setStatus("Paused");
    status.setPhases(List.of(phase(true, true, null), paused));
    assertThat(StatusFactory.completedPipelineKey(status, end)).as("paused").isNull();
    status.setPhases(List.of(phase(true, true, null), phase(true, false, end.toString())));
    status.setUnfinishedMove(new PipelineMove("standard", "fast-track", null));
    assertThat(StatusFactory.completedPipelineKey(status, end)).as("a move deleted it").isNull();
  }

  private static FlagReleaseCondition stalled(String reason) {
    return new FlagReleaseCondition("Stalled", "True", reason, "a person must act", 1L, null);
  }

  private static PhaseStatus phase(boolean started, boolean complete, String monitoringEndsAt) {
    PhaseStatus phase = new PhaseStatus();
    phase.setStatus(complete ? "Complete" : started ? "Started" : "NotStarted");
    phase.setStarted(started);
    phase.setComplete(complete);
    phase.setMonitoringEndsAt(monitoringEndsAt);
    return phase;
  }
}
