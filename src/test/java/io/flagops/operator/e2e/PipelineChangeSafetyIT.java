package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.flagops.operator.api.v1alpha1.AudienceSpec;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pipeline change never deletes first and asks later: a target pipeline that does not exist, or
 * lacks a phase or audience the spec names, leaves the live release untouched.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class PipelineChangeSafetyIT extends OperatorTestBase {
  @KubernetesTestServer KubernetesServer server;

  @Test
  void aTypoInThePipelineKeyLeavesTheLiveReleaseAlone() {
    FlagRelease stalled =
        changePipeline("typo", "flag-01", s -> s.setReleasePipelineKey("standrd"));

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.releasePipelineKey: project 'shop' has no release pipeline 'standrd'; the"
                + " release on pipeline 'standard' is left untouched");
    assertUntouched("flag-01");
  }

  @Test
  void aTargetPipelineWithoutTheSpecsPhaseLeavesTheLiveReleaseAlone() {
    FlagRelease stalled =
        changePipeline("phase", "flag-02", s -> s.setReleasePipelineKey("fast-track"));

    assertThat(condition(stalled, ConditionTypes.STALLED).getReason()).isEqualTo("UnknownPhase");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.phases[0].name: pipeline 'fast-track' has no phase 'Testing' (its phases:"
                + " Canary, General); the release on pipeline 'standard' is left untouched");
    assertUntouched("flag-02");
  }

  @Test
  void aTargetPipelineWithoutTheSpecsAudienceLeavesTheLiveReleaseAlone() {
    FlagRelease stalled =
        changePipeline(
            "audience",
            "flag-03",
            s -> {
              s.setReleasePipelineKey("fast-track");
              PhaseSpec canary = phase("Canary", Started);
              canary.setAudiences(List.of(new AudienceSpec("Test env", null)));
              s.setPhases(new ArrayList<>(List.of(canary)));
            });

    assertThat(condition(stalled, ConditionTypes.STALLED).getReason()).isEqualTo("UnknownAudience");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.phases[0].audiences[0].name: phase 'Canary' of pipeline 'fast-track' has no"
                + " audience 'Test env' (its audiences: Canary env); the release on pipeline"
                + " 'standard' is left untouched");
    assertUntouched("flag-03");
  }

  @Test
  void aVariationTheLiveReleaseDoesNotHaveLeavesItAlone() {
    FlagRelease stalled =
        changePipeline(
            "variation",
            "flag-05",
            s -> {
              s.setReleasePipelineKey("fast-track");
              s.setPhases(new ArrayList<>(List.of(phase("Canary", Started))));
              s.setReleaseVariationId("no-such-variation");
            });

    assertThat(condition(stalled, ConditionTypes.STALLED).getReason())
        .isEqualTo("VariationNotVerified");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.releaseVariationId: the release on pipeline 'standard' releases LaunchDarkly's"
                + " default variation, and a move keeps it: LaunchDarkly would check"
                + " 'no-such-variation' only after the release was deleted. Set"
                + " spec.releaseVariationId to nothing to move it; the release on pipeline"
                + " 'standard' is left untouched");
    assertUntouched("flag-05");
  }

  @Test
  void aMoveKeepsTheVariationTheReleaseHas() {
    FlagReleaseSpec first = spec("flag-06", "standard", phase("Testing", Started));
    first.setReleaseVariationId("var-off-06");
    create("keeps-variation", first);
    awaitReady("keeps-variation");

    edit(
        "keeps-variation",
        s -> {
          toFastTrack(s);
          s.setReleaseVariationId(null);
        });
    FlagRelease moved = awaitReady("keeps-variation");

    assertThat(moved.getStatus().getOwnedPipelineKey()).isEqualTo("fast-track");
    assertThat(simulator.release(PROJECT, "flag-06").orElseThrow().path("_releaseVariationId"))
        .hasToString("\"var-off-06\"");
  }

  /**
   * The DELETE of a move whose answer is lost went through: a read at once shows it, the move goes
   * on, and the events and the history say the operator deleted it, not "somebody else".
   */
  @Test
  void aMoveWhoseDeleteAnswerWasLostIsStillTheOperatorsDeletion() {
    create("lost-delete", spec("flag-88", "standard", phase("Testing", Started)));
    awaitReady("lost-delete");
    simulator.faults().loseAnswerOfNext(CallLog.DELETE_RELEASE);

    edit("lost-delete", PipelineChangeSafetyIT::toFastTrack);
    await()
        .atMost(TIMEOUT)
        .until(() -> "fast-track".equals(get("lost-delete").getStatus().getOwnedPipelineKey()));
    FlagRelease moved = awaitReady("lost-delete");

    assertThat(moved.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .noneMatch(change -> change.endsWith("Unknown"))
        .contains("null standard -> null Operator", "null null -> fast-track Operator");
    assertThat(eventReasons("lost-delete"))
        .as("the deletion, and the failed call LaunchDarkly never answered")
        .contains("ReleaseDeleted", "ReleaseCreated", "LaunchDarklyUnavailable");
    assertThat(countFor("flag-88", CallLog.DELETE_RELEASE)).isEqualTo(1);
  }

  /**
   * A move's DELETE whose answer is lost, and the read at once after it fails too: the next pass
   * finds no release, which is still the operator's deletion, not a release someone else deleted
   * (nor one the resource adopted, so its deletion would say it left it).
   */
  @Test
  void aMoveWhoseDeleteAndTheReadAfterItAreUnansweredIsStillTheOperatorsDeletion() {
    create("lost-delete-unread", spec("flag-88", "standard", phase("Testing", Started)));
    awaitReady("lost-delete-unread");
    simulator
        .faults()
        .loseAnswerOfNext(CallLog.DELETE_RELEASE)
        .changeBeforeNext(
            CallLog.DELETE_RELEASE, () -> simulator.faults().failNextOn(CallLog.GET_RELEASE, 503))
        .failNextOn(CallLog.CREATE_RELEASE, 400);

    edit("lost-delete-unread", PipelineChangeSafetyIT::toFastTrack);
    FlagRelease stalled =
        awaitCondition(
            "lost-delete-unread", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    assertThat(stalled.getStatus().getUnfinishedMove()).isNotNull();
    assertThat(stalled.getStatus().getOwnedPipelineKey())
        .as("the release is gone, deleted by the move: not one this resource adopted")
        .isNull();
    assertThat(stalled.getStatus().getReleaseOrigin()).isNull();

    FlagRelease moved = awaitReady("lost-delete-unread");
    assertThat(moved.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .noneMatch(change -> change.endsWith("Unknown"))
        .contains("null standard -> null Operator", "null null -> fast-track Operator");
    assertThat(moved.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    assertThat(countFor("flag-88", CallLog.DELETE_RELEASE)).isEqualTo(1);
  }

  /**
   * The request budget holds back the DELETE of a move after the status said the move began (the
   * pipeline's read used up the window): the status must not go on saying the release was deleted.
   */
  @Test
  void aMoveWhoseDeleteTheBudgetHoldsBackRecordsNoUnfinishedMove() {
    create("held-delete", spec("flag-90", "standard", phase("Testing", Started)));
    awaitReady("held-delete");
    simulator.faults().spendWindowWithNext(CallLog.GET_PIPELINE, Duration.ofSeconds(5));

    edit("held-delete", PipelineChangeSafetyIT::toFastTrack);
    FlagRelease held =
        awaitCondition("held-delete", ConditionTypes.RECONCILING, "True", "RateLimited");

    assertThat(countFor("flag-90", CallLog.DELETE_RELEASE)).as("not sent yet").isZero();
    assertThat(held.getStatus().getUnfinishedMove()).isNull();
    assertThat(held.getStatus().getMessage()).contains("goes on at its next turn");
    awaitReady("held-delete");
  }

  /** A FlagRelease's own DELETE whose answer is lost is said as the deletion it was. */
  @Test
  void aDeletionWhoseAnswerWasLostSaysItDeletedTheRelease() {
    create("lost-answer-going", spec("flag-89", "standard", phase("Testing", Started)));
    awaitReady("lost-answer-going");
    simulator.faults().loseAnswerOfNext(CallLog.DELETE_RELEASE);

    releases().withName("lost-answer-going").delete();
    await().atMost(TIMEOUT).until(() -> get("lost-answer-going") == null);

    assertThat(simulator.release(PROJECT, "flag-89")).isEmpty();
    assertThat(eventsFor("lost-answer-going"))
        .extracting(e -> e.getReason() + ": " + e.getMessage())
        .contains("ReleaseDeleted: Deleted the release of shop/flag-89 on pipeline 'standard'")
        .noneMatch(e -> e.contains("already gone") || e.startsWith("DeletionRetrying"));
  }

  /** The create that finishes a move fails after the delete: the next pass's create keeps it. */
  @Test
  void aMoveWhoseCreateFailsAfterTheDeleteStillKeepsTheVariation() {
    FlagReleaseSpec first = spec("flag-52", "standard", phase("Testing", Started));
    first.setReleaseVariationId("var-off-52");
    create("create-fails", first);
    awaitReady("create-fails");
    simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 503);

    edit(
        "create-fails",
        s -> {
          toFastTrack(s);
          s.setReleaseVariationId(null);
        });
    FlagRelease moved = awaitReady("create-fails");

    assertThat(writesFor("flag-52").stream().map(c -> describe(c) + " " + c.status()))
        .containsSubsequence(
            "DELETE 204", "create fast-track 503", "create fast-track 200", "Started Canary 200");
    assertThat(simulator.release(PROJECT, "flag-52").orElseThrow().path("_releaseVariationId"))
        .hasToString("\"var-off-52\"");
    assertThat(moved.getStatus().getUnfinishedMove()).as("gone once the release exists").isNull();
  }

  /**
   * A move's DELETE answered 504 (LaunchDarkly's edge gave up, the backend goes on): the read at
   * once still shows the release, and the DELETE lands later. The move is still recorded, so the
   * release made on the new pipeline keeps the variation of the one deleted.
   */
  @Test
  void aMoveWhoseDeleteLandsAfterAnAnswerOf504StillKeepsTheVariation() {
    FlagReleaseSpec first = spec("flag-52", "standard", phase("Testing", Started));
    first.setReleaseVariationId("var-off-52");
    create("late-delete", first);
    awaitReady("late-delete");
    simulator.faults().failNextOn(CallLog.DELETE_RELEASE, 504);
    // the move reads the pipeline just before its DELETE: from then on, the read right after the
    // DELETE still finds the release, and the DELETE has landed by the next pass's read
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.GET_PIPELINE,
            () ->
                simulator
                    .faults()
                    .changeBeforeNext(CallLog.GET_RELEASE, () -> {})
                    .changeBeforeNext(
                        CallLog.GET_RELEASE,
                        () -> simulator.ui().deleteRelease(PROJECT, "flag-52")));

    edit(
        "late-delete",
        s -> {
          toFastTrack(s);
          s.setReleaseVariationId(null);
        });
    awaitReady("late-delete");

    assertThat(writesFor("flag-52").stream().map(c -> describe(c) + " " + c.status()))
        .containsSubsequence("DELETE 504", "create fast-track 200");
    assertThat(simulator.release(PROJECT, "flag-52").orElseThrow().path("_releaseVariationId"))
        .hasToString("\"var-off-52\"");
  }

  /** A delete LaunchDarkly refused (for the spec, or for its token) deleted nothing. */
  @ParameterizedTest
  @CsvSource({"400, LaunchDarklyRejected, flag-53", "401, Unauthorized, flag-72"})
  void aMoveWhoseDeleteIsRefusedRecordsNoUnfinishedMove(int status, String reason, String flagKey) {
    String name = "delete-refused-" + status;
    create(name, spec(flagKey, "standard", phase("Testing", Started)));
    awaitReady(name);
    simulator.faults().failNextOn(CallLog.DELETE_RELEASE, status);

    edit(name, PipelineChangeSafetyIT::toFastTrack);
    FlagRelease stalled = awaitCondition(name, ConditionTypes.STALLED, "True", reason);

    assertThat(stalled.getStatus().getUnfinishedMove()).isNull();
    assertThat(stalled.getStatus().getRelease().getPipelineKey()).isEqualTo("standard");
  }

  /**
   * A person deletes the release just before the move's DELETE, or while the move reads the target
   * pipeline (before the read it makes right before its DELETE): the deletion is not ours.
   */
  @ParameterizedTest
  @CsvSource({"DELETE, gone-before-move, flag-77", "GET_PIPELINE, gone-mid-move, flag-109"})
  void aReleaseDeletedJustBeforeTheMovesDeleteIsNotSaidAsTheOperatorsDeletion(
      String before, String name, String flag) {
    create(name, spec(flag, "standard", phase("Testing", Started)));
    awaitReady(name);
    simulator
        .faults()
        .changeBeforeNext(
            before.equals("DELETE") ? CallLog.DELETE_RELEASE : CallLog.GET_PIPELINE,
            () -> simulator.ui().deleteRelease(PROJECT, flag));

    edit(name, PipelineChangeSafetyIT::toFastTrack);
    await()
        .atMost(TIMEOUT)
        .until(() -> "fast-track".equals(get(name).getStatus().getOwnedPipelineKey()));

    assertThat(eventsFor(name))
        .extracting(e -> e.getReason() + ": " + e.getMessage())
        .contains(
            "ReleaseDeleted: The release of shop/"
                + flag
                + " on pipeline 'standard' was already gone: deleted before the operator's"
                + " delete; creating it on 'fast-track'")
        .noneMatch(e -> e.startsWith("ReleaseDeleted: Deleted the release"));
    assertThat(get(name).getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .doesNotContain("null standard -> null Operator");
  }

  /**
   * The create that finishes a move, refused once after the delete (LaunchDarkly still settling the
   * delete, say): the flag has no release, so the status says so and the create is tried again at
   * the next stalled poll, with no change to the spec.
   */
  @Test
  void aMoveWhoseCreateIsRefusedAfterTheDeleteIsFinishedAtALaterPoll() {
    create("create-refused", spec("flag-75", "standard", phase("Testing", Started)));
    awaitReady("create-refused");
    for (int i = 0; i < 3; i++) {
      simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 400);
    }

    edit("create-refused", PipelineChangeSafetyIT::toFastTrack);
    awaitCondition("create-refused", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    // a third try comes after the second one's stall was reported
    await().atMost(TIMEOUT).until(() -> countFor("flag-75", CallLog.CREATE_RELEASE) >= 3);
    assertThat(get("create-refused").getStatus().getMessage())
        .as("said again by the stalled polls that try the create again")
        .contains("refused write: create the release on pipeline 'fast-track'")
        .contains("the release on pipeline 'standard' is gone (deleted to move it)")
        .as("said once, not again as a move that waits")
        .doesNotContain("waits too");

    FlagRelease moved = awaitReady("create-refused");
    assertThat(moved.getStatus().getRelease().getPipelineKey()).isEqualTo("fast-track");
    assertThat(moved.getStatus().getUnfinishedMove()).isNull();
    assertThat(writesFor("flag-75").stream().map(c -> describe(c) + " " + c.status()))
        .containsSubsequence(
            "DELETE 204",
            "create fast-track 400",
            "create fast-track 400",
            "create fast-track 200");
  }

  /**
   * A DELETE that failed without saying whether it deleted (a 5xx) is followed by a read: one that
   * shows the release still there does not prove the DELETE will not land, so the move stays
   * recorded, and a FlagRelease deleted meanwhile says the outcome is unknown.
   */
  @Test
  void aMoveWhoseDeleteFailedKeepsItsRecordAndADeletionSaysTheOutcomeIsUnknown() {
    FlagReleaseSpec orphan = spec("flag-74", "standard", phase("Testing", Started));
    orphan.setDeletionPolicy(DeletionPolicy.Orphan);
    create("delete-failed", orphan);
    awaitReady("delete-failed");
    for (int i = 0; i < 20; i++) {
      simulator.faults().failNextOn(CallLog.DELETE_RELEASE, 503);
    }

    edit("delete-failed", PipelineChangeSafetyIT::toFastTrack);
    FlagRelease failed =
        awaitCondition(
            "delete-failed", ConditionTypes.RECONCILING, "True", "LaunchDarklyUnavailable");

    assertThat(failed.getStatus().getUnfinishedMove()).isNotNull();
    assertThat(failed.getStatus().getRelease().getPipelineKey()).isEqualTo("standard");
    releases().withName("delete-failed").delete();
    await().atMost(TIMEOUT).until(() -> get("delete-failed") == null);
    assertThat(eventsFor("delete-failed"))
        .extracting(e -> e.getReason() + ": " + e.getMessage())
        .anyMatch(
            e ->
                e.startsWith("UnfinishedMoveLeft: A move of the release of shop/flag-74")
                    && e.contains(
                        "announced a DELETE that may not have been sent, or whose outcome"
                            + " LaunchDarkly did not say"));
    assertThat(simulator.release(PROJECT, "flag-74")).isPresent();
  }

  /**
   * A FlagRelease deleted between the two halves of a move (the old release deleted, the new one
   * refused) leaves the flag without a release: the deletion says so, naming the move, instead of
   * saying it left a release in LaunchDarkly.
   */
  @Test
  void deletingAFlagReleaseBetweenTheHalvesOfAMoveSaysTheFlagIsLeftWithoutARelease() {
    FlagReleaseSpec orphan = spec("flag-73", "standard", phase("Testing", Started));
    orphan.setDeletionPolicy(DeletionPolicy.Orphan);
    create("half-moved", orphan);
    awaitReady("half-moved");
    for (int i = 0; i < 20; i++) { // refused at each stalled poll until the FlagRelease goes
      simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 400);
    }
    edit("half-moved", PipelineChangeSafetyIT::toFastTrack);
    awaitCondition("half-moved", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    assertThat(get("half-moved").getStatus().getUnfinishedMove()).isNotNull();
    assertThat(simulator.release(PROJECT, "flag-73")).isEmpty();

    // paused meanwhile: the status says the move waits too, the flag having no release
    edit("half-moved", s -> s.setSuspend(true));
    FlagRelease suspended =
        awaitCondition("half-moved", ConditionTypes.READY, "False", "Suspended");
    assertThat(suspended.getStatus().getMessage())
        .isEqualTo(
            "spec.suspend is true: no calls are made to LaunchDarkly. A move of the release of"
                + " shop/flag-73 from pipeline 'standard' to 'fast-track' is unfinished, and waits"
                + " too: the flag may have no release until it goes on");

    releases().withName("half-moved").delete();
    await().atMost(TIMEOUT).until(() -> get("half-moved") == null);

    assertThat(eventReasons("half-moved")).doesNotContain("ReleaseOrphaned");
    Event left =
        eventsFor("half-moved").stream()
            .filter(e -> "UnfinishedMoveLeft".equals(e.getReason()))
            .findFirst()
            .orElseThrow();
    assertThat(left.getType()).isEqualTo("Warning");
    assertThat(left.getMessage())
        .contains("from pipeline 'standard' to 'fast-track'")
        .contains("the flag may have no release now");
  }

  /**
   * The token is refused between the halves of a move: the stall names the refusal, and says that
   * the move waits for it too, the flag having no release until then.
   */
  @Test
  void aMoveWhoseCreateIsRefusedAsUnauthorizedSaysTheMoveWaitsToo() {
    create("moved-unauthorized", spec("flag-121", "standard", phase("Testing", Started)));
    awaitReady("moved-unauthorized");
    simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 401);

    edit("moved-unauthorized", PipelineChangeSafetyIT::toFastTrack);

    FlagRelease stalled =
        awaitCondition("moved-unauthorized", ConditionTypes.STALLED, "True", "Unauthorized");
    assertThat(simulator.release(PROJECT, "flag-121")).isEmpty();
    assertThat(stalled.getStatus().getUnfinishedMove()).isNotNull();
    assertThat(stalled.getStatus().getMessage()).endsWith(". " + moveToFastTrackWaits("flag-121"));
  }

  @Test
  void fixingTheTypoMovesTheReleaseAfterAll() {
    changePipeline("fixed", "flag-04", s -> s.setReleasePipelineKey("fast-track-x"));

    edit("fixed", PipelineChangeSafetyIT::toFastTrack);
    FlagRelease ready = awaitReady("fixed");

    assertThat(ready.getStatus().getOwnedPipelineKey()).isEqualTo("fast-track");
    assertThat(writesFor("flag-04").stream().map(this::describe))
        .containsExactly("DELETE", "create fast-track", "Started Canary");
  }

  /** The target pipeline holds the phases, but not in an order the spec's statuses can run. */
  @Test
  void aTargetPipelineThatCannotRunThePhasesInTheirOrderLeavesTheLiveReleaseAlone() {
    FlagRelease stalled =
        changePipeline(
            "order",
            "flag-58",
            s -> {
              s.setReleasePipelineKey("fast-track");
              s.setPhases(
                  new ArrayList<>(List.of(phase("Canary", NotStarted), phase("General", Started))));
            });

    assertThat(condition(stalled, ConditionTypes.STALLED).getReason())
        .isEqualTo("ImpossiblePhaseOrder");
    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.phases[1].status: phase 'General' cannot be Started while the earlier phase"
                + " 'Canary' is NotStarted; phases run in pipeline order; the release on pipeline"
                + " 'standard' is left untouched");
    assertUntouched("flag-58");
  }

  /** A release made again (someone else's, maybe) is adopted: a move would delete it. */
  @Test
  void anAdoptedReleaseIsMovedOnlyWhenTheSpecSaysAdoptedReleasesMayBeDeleted() {
    create("adopted-move", spec("flag-59", "standard", phase("Testing", Started)));
    awaitReady("adopted-move");
    remakeRelease("flag-59", "standard");
    await()
        .atMost(TIMEOUT)
        .until(() -> get("adopted-move").getStatus().getReleaseOrigin() == ReleaseOrigin.Adopted);
    simulator.calls().clear();

    edit("adopted-move", PipelineChangeSafetyIT::toFastTrack);
    FlagRelease stalled =
        awaitCondition("adopted-move", ConditionTypes.STALLED, "True", "AdoptedReleaseNotMoved");
    assertThat(stalled.getStatus().getMessage())
        .startsWith(
            "spec.releasePipelineKey: the release on pipeline 'standard' was adopted, not created"
                + " by this FlagRelease");
    assertThat(countFor("flag-59", CallLog.DELETE_RELEASE)).isZero();
    assertThat(writesFor("flag-59")).isEmpty();
    assertThat(simulator.release(PROJECT, "flag-59").orElseThrow().path("releasePipelineKey"))
        .hasToString("\"standard\"");

    edit("adopted-move", s -> s.setDeletionPolicy(DeletionPolicy.DeleteEvenIfAdopted));
    assertThat(awaitReady("adopted-move").getStatus().getOwnedPipelineKey())
        .isEqualTo("fast-track");
    assertThat(writesFor("flag-59").stream().map(this::describe))
        .containsExactly("DELETE", "create fast-track", "Started Canary");
  }

  /** A move would delete a release whose approval is pending: it waits for the approval. */
  @Test
  void aMoveWaitsForAPendingApprovalOfTheLiveRelease() {
    create(
        "approval-move",
        spec("flag-60", "approved", phase("Testing", Complete), phase("Production", Started)));
    awaitCondition("approval-move", ConditionTypes.RECONCILING, "True", "AwaitingApproval");

    edit("approval-move", PipelineChangeSafetyIT::toFastTrack);
    FlagRelease waiting =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> get("approval-move"),
                r ->
                    r.getStatus() != null
                        && r.getStatus().getMessage() != null
                        && r.getStatus().getMessage().contains("moved to pipeline 'fast-track'"));
    assertThat(waiting.getStatus().getMessage())
        .isEqualTo(
            "phase 'Production' waits for approval in LaunchDarkly for 'Prod env' (LaunchDarkly"
                + " shows it 'pendingApproval'; approvers notified: members member-1; teams"
                + " release-managers); the release is moved to pipeline 'fast-track' once it is"
                + " approved, or delete the release in LaunchDarkly to have the operator create it"
                + " on 'fast-track' now");
    assertThat(countFor("flag-60", CallLog.DELETE_RELEASE)).isZero();
    // the wait polls fast, but the pipeline checked for it is read once for them all
    long reads = countFor("flag-60", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-60", CallLog.GET_RELEASE) >= reads + 4);
    assertThat(simulator.calls().count(CallLog.GET_PIPELINE)).isLessThanOrEqualTo(1);

    simulator.ui().approvePhase(PROJECT, "flag-60", "Production");
    assertThat(awaitReady("approval-move").getStatus().getOwnedPipelineKey())
        .isEqualTo("fast-track");
  }

  /**
   * A person starts a phase under approval after the move's read of the release, while the move
   * reads the target pipeline: its delete, which takes no version, must not go out on the plan made
   * before, so the release is read again first and the move waits for the approval.
   */
  @Test
  void aPhaseStartedWhileAMoveIsPlannedHoldsItsDelete() {
    create("started-mid-move", spec("flag-105", "approved", phase("Testing", Complete)));
    awaitReady("started-mid-move");

    simulator
        .faults()
        .changeBeforeNext(
            CallLog.GET_PIPELINE,
            () -> simulator.ui().startPhase(PROJECT, "flag-105", "Production"));
    edit("started-mid-move", PipelineChangeSafetyIT::toFastTrack);
    awaitCondition("started-mid-move", ConditionTypes.RECONCILING, "True", "AwaitingApproval");
    assertThat(countFor("flag-105", CallLog.DELETE_RELEASE)).isZero();
    assertThat(get("started-mid-move").getStatus().getUnfinishedMove()).isNull();

    simulator.ui().approvePhase(PROJECT, "flag-105", "Production");
    assertThat(awaitReady("started-mid-move").getStatus().getOwnedPipelineKey())
        .isEqualTo("fast-track");
  }

  /** A move would abandon a guarded rollout LaunchDarkly is monitoring: it waits for its end. */
  @Test
  void aMoveWaitsForTheGuardedRolloutOfTheLiveRelease() {
    create("guarded-move", spec("flag-61", "guarded-first", phase("Canary", Started)));
    awaitReady("guarded-move");

    edit("guarded-move", PipelineChangeSafetyIT::toFastTrack);
    FlagRelease waiting =
        awaitCondition(
            "guarded-move", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");
    assertThat(waiting.getStatus().getMessage())
        .startsWith("phase 'Canary' is in a guarded rollout that LaunchDarkly monitors until about")
        .contains("the release is moved to pipeline 'fast-track' after that");
    assertThat(countFor("flag-61", CallLog.DELETE_RELEASE)).isZero();

    simulator.setMonitoringWindowScale(0.0001); // the hour of monitoring ends now
    assertThat(awaitReady("guarded-move").getStatus().getOwnedPipelineKey())
        .isEqualTo("fast-track");
  }

  /**
   * Deleted (Orphan) while the move's DELETE is on its way: the create that finishes the move still
   * goes out, as Orphan leaves a release, rather than the flag left without one.
   */
  @Test
  void anOrphanDeletionDuringAMovesDeleteStillFinishesTheMove() {
    FlagReleaseSpec orphan = spec("flag-129", "standard", phase("Testing", Started));
    orphan.setDeletionPolicy(DeletionPolicy.Orphan);
    create("orphaned-mid-move", orphan);
    awaitReady("orphaned-mid-move");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.DELETE_RELEASE, () -> releases().withName("orphaned-mid-move").delete());
    simulator.faults().latency(Duration.ofMillis(300)); // the watch brings the deletion meanwhile
    try {
      edit("orphaned-mid-move", PipelineChangeSafetyIT::toFastTrack);
      await().atMost(TIMEOUT).until(() -> get("orphaned-mid-move") == null);
    } finally {
      simulator.faults().latency(Duration.ZERO);
    }

    assertThat(writesFor("flag-129").stream().map(this::describe))
        .containsSubsequence("DELETE", "create fast-track");
    assertThat(simulator.release(PROJECT, "flag-129")).isPresent();
    assertThat(eventReasons("orphaned-mid-move")).doesNotContain("UnfinishedMoveLeft");
  }

  /**
   * The move finished, a person deletes the new release and the FlagRelease is switched to Observe
   * while the pass's phase write is on its way: the create the pass plans next is no longer the one
   * that finishes its move, and is not made.
   */
  @Test
  void aCreateAfterTheMoveFinishedIsStoppedByAnEdit() {
    create("moved-then-observed", spec("flag-130", "standard", phase("Testing", Started)));
    awaitReady("moved-then-observed");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE,
            () -> {
              simulator.ui().deleteRelease(PROJECT, "flag-130");
              edit("moved-then-observed", s -> s.setManagementPolicy(ManagementPolicy.Observe));
            });
    simulator.faults().latency(Duration.ofSeconds(1)); // the watch brings the switch meanwhile
    try {
      edit("moved-then-observed", PipelineChangeSafetyIT::toFastTrack);
      awaitCondition("moved-then-observed", ConditionTypes.RECONCILING, "True", "ReleaseNotFound");
    } finally {
      simulator.faults().latency(Duration.ZERO);
    }

    assertThat(countFor("flag-130", CallLog.CREATE_RELEASE))
        .as("the first create and the move's, no third")
        .isEqualTo(2);
    assertThat(simulator.release(PROJECT, "flag-130")).isEmpty();
  }

  /**
   * Switched to Observe between the halves of a move (its create refused): the status says the flag
   * has no release because of the operator's own unfinished move, not only that it has none.
   */
  @Test
  void observeBetweenTheHalvesOfAMoveSaysTheMoveWaits() {
    create("observed-half-move", spec("flag-128", "standard", phase("Testing", Started)));
    awaitReady("observed-half-move");
    for (int i = 0; i < 20; i++) { // refused at each stalled poll until the switch
      simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 400);
    }
    edit("observed-half-move", PipelineChangeSafetyIT::toFastTrack);
    awaitCondition("observed-half-move", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");

    edit("observed-half-move", s -> s.setManagementPolicy(ManagementPolicy.Observe));

    FlagRelease observed =
        awaitCondition("observed-half-move", ConditionTypes.RECONCILING, "True", "ReleaseNotFound");
    assertThat(observed.getStatus().getMessage())
        .isEqualTo(
            "LaunchDarkly has no release for this flag; Observe mode does not create it. "
                + moveToFastTrackWaits("flag-128"));

    // a spec the new pipeline cannot take, in Observe: the stall says the move waits too
    edit("observed-half-move", s -> s.getPhases().get(0).setName("NoSuchPhase"));
    FlagRelease stalled =
        awaitCondition("observed-half-move", ConditionTypes.STALLED, "True", "UnknownPhase");
    assertThat(stalled.getStatus().getMessage()).endsWith(". " + moveToFastTrackWaits("flag-128"));
  }

  /**
   * A switch to Observe made while a move is under way (here while it reads the new pipeline, its
   * LaunchDarkly calls slow) stops the move before its DELETE: the pass had read the spec before.
   */
  @Test
  void aSwitchToObserveWhileAMoveIsUnderWayStopsItsDelete() {
    create("observe-mid-move", spec("flag-127", "standard", phase("Testing", Started)));
    awaitReady("observe-mid-move");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.GET_PIPELINE,
            () -> edit("observe-mid-move", s -> s.setManagementPolicy(ManagementPolicy.Observe)));
    simulator.faults().latency(Duration.ofSeconds(1)); // the watch brings the switch meanwhile
    List<String> reasons = recordReasons("observe-mid-move");
    try {
      edit("observe-mid-move", PipelineChangeSafetyIT::toFastTrack);
      awaitCondition("observe-mid-move", ConditionTypes.RECONCILING, "True", "Drifted");
    } finally {
      simulator.faults().latency(Duration.ZERO);
    }
    assertThat(caughtUp("observe-mid-move", reasons))
        .as("the stopped pass is not in sync")
        .anyMatch(r -> r.startsWith("Progressing: the FlagRelease changed while this pass ran"))
        .noneMatch(r -> r.startsWith("InSync: the FlagRelease changed"));

    assertThat(countFor("flag-127", CallLog.DELETE_RELEASE)).isZero();
    assertThat(writesFor("flag-127").stream().map(this::describe))
        .containsExactly("create standard", "Started Testing");
    assertThat(eventReasons("observe-mid-move")).doesNotContain("ReleaseMoving");
  }

  /**
   * The FlagRelease cannot be read again from the Kubernetes API just before the move's DELETE:
   * nothing is deleted, the status says why and records no move (the release is still on the old
   * pipeline), and a later pass makes the move.
   */
  @Test
  void aFailedReadOfTheFlagReleaseBeforeAMovesDeleteDeletesNothingThenAndIsRetried()
      throws Exception {
    create("unconfirmed-move", spec("flag-133", "standard", phase("Testing", Started)));
    awaitReady("unconfirmed-move");
    String path = flagReleasePath("unconfirmed-move");
    // the move reads the new pipeline, says it moves, reads the release again, then the
    // FlagRelease: that read fails once
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.GET_PIPELINE,
            () ->
                simulator
                    .faults()
                    .changeBeforeNext(
                        CallLog.GET_RELEASE,
                        () ->
                            server
                                .expect()
                                .get()
                                .withPath(path)
                                .andReturn(500, "etcd unavailable")
                                .once()));
    List<FlagReleaseStatus> statuses = new CopyOnWriteArrayList<>();
    try (Watch watch =
        releases()
            .withName("unconfirmed-move")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, FlagRelease resource) {
                    statuses.add(resource.getStatus());
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      edit("unconfirmed-move", PipelineChangeSafetyIT::toFastTrack);

      // awaited on LaunchDarkly, not with reads of the FlagRelease that would take the failure
      await()
          .atMost(TIMEOUT)
          .until(
              () ->
                  simulator
                      .release(PROJECT, "flag-133")
                      .map(r -> r.path("releasePipelineKey").asText().equals("fast-track"))
                      .orElse(false));
    }
    assertThat(countFor("flag-133", CallLog.DELETE_RELEASE)).isEqualTo(1);
    FlagReleaseStatus stopped =
        statuses.stream()
            .filter(
                st ->
                    st != null
                        && String.valueOf(st.getMessage())
                            .startsWith(
                                "the FlagRelease could not be read again from the Kubernetes API"))
            .findFirst()
            .orElseThrow();
    assertThat(stopped.getState()).isEqualTo(ReleaseState.Progressing);
    assertThat(stopped.getMessage())
        .contains("before the write \"delete the release on pipeline 'standard' to move it")
        .contains("that write and the ones after it were not made");
    assertThat(stopped.getUnfinishedMove()).as("nothing was deleted: no move to finish").isNull();
    assertThat(awaitReady("unconfirmed-move").getStatus().getRelease().getPipelineKey())
        .isEqualTo("fast-track");
  }

  /**
   * The live release's guarded rollout rolled back (LaunchDarkly did not complete it when its
   * window ended): a move would start its phases again on the new pipeline, putting that variation
   * back.
   */
  @Test
  void aMoveIsNotMadeAfterTheGuardedRolloutOfTheLiveReleaseRolledBack() {
    simulator.ui().regressGuardedRollouts(PROJECT, "flag-122");
    create(
        "rolled-back-move",
        spec("flag-122", "guarded-first", guardedPhase("Canary", Started, "Canary users", "2s")));
    awaitReady("rolled-back-move");

    edit("rolled-back-move", PipelineChangeSafetyIT::toFastTrack);

    FlagRelease held =
        awaitCondition(
            "rolled-back-move", ConditionTypes.STALLED, "True", "GuardedRolloutNotCompleted");
    assertThat(held.getStatus().getMessage())
        .contains("so the release is not moved to pipeline 'fast-track'");
    assertThat(countFor("flag-122", CallLog.DELETE_RELEASE)).isZero();
    assertThat(writesFor("flag-122").stream().map(this::describe))
        .containsExactly("create guarded-first", "Started Canary");
  }

  /** The live release's phase shows not started again after it started: likely rolled back. */
  @Test
  void aMoveIsNotMadeAfterAPhaseOfTheLiveReleaseWasMovedBack() {
    create("moved-back-move", spec("flag-123", "guarded-first", phase("Canary", Started)));
    awaitReady("moved-back-move");
    simulator.ui().showPhaseStatus(PROJECT, "flag-123", "Canary", "ReadyToStart");

    edit("moved-back-move", PipelineChangeSafetyIT::toFastTrack);

    FlagRelease held =
        awaitCondition("moved-back-move", ConditionTypes.STALLED, "True", "PhaseMovedBack");
    assertThat(held.getStatus().getMessage())
        .contains("so the release is not moved to pipeline 'fast-track'");
    assertThat(countFor("flag-123", CallLog.DELETE_RELEASE)).isZero();
  }

  /**
   * The read the move is planned on leaves out the audiences' configuration: the approval the
   * status saw pending still holds the move, which would delete the release.
   */
  @Test
  void aMoveWaitsForAnApprovalAReadWithoutConfigurationDoesNotShow() {
    create(
        "approval-unread-move",
        spec("flag-99", "approved", phase("Testing", Complete), phase("Production", Started)));
    awaitCondition("approval-unread-move", ConditionTypes.RECONCILING, "True", "AwaitingApproval");
    edit("approval-unread-move", s -> s.setSuspend(true)); // no poll takes the answer below
    awaitCondition("approval-unread-move", ConditionTypes.READY, "False", "Suspended");
    simulator
        .faults()
        .respondNextOn(
            CallLog.GET_RELEASE, 200, "application/json", withoutConfiguration("flag-99"));
    long reads = countFor("flag-99", CallLog.GET_RELEASE);

    edit(
        "approval-unread-move",
        s -> {
          toFastTrack(s);
          s.setSuspend(false);
        });
    await().atMost(TIMEOUT).until(() -> countFor("flag-99", CallLog.GET_RELEASE) >= reads + 2);

    assertThat(countFor("flag-99", CallLog.DELETE_RELEASE)).isZero();
    assertThat(condition(get("approval-unread-move"), ConditionTypes.RECONCILING).getReason())
        .isEqualTo("AwaitingApproval");
  }

  /** A person paused a phase: the operator resumes nothing, so it does not move it either. */
  @Test
  void aMoveLeavesAReleaseAPersonPaused() {
    create("paused-move", spec("flag-62", "standard", phase("Testing", Started)));
    awaitReady("paused-move");
    simulator.ui().pausePhase(PROJECT, "flag-62", "Testing");

    edit("paused-move", PipelineChangeSafetyIT::toFastTrack);
    FlagRelease stalled =
        awaitCondition("paused-move", ConditionTypes.STALLED, "True", "PhasePaused");
    assertThat(stalled.getStatus().getMessage())
        .startsWith(
            "phase 'Testing' is paused in LaunchDarkly, so the release is not moved to pipeline"
                + " 'fast-track'");
    assertThat(countFor("flag-62", CallLog.DELETE_RELEASE)).isZero();
  }

  /**
   * A move held back (a paused phase) to a pipeline that does not exist: the typo is said, not
   * advice to delete the live release so that the operator creates it on a pipeline it cannot.
   */
  @Test
  void aHeldMoveToAPipelineThatDoesNotExistSaysSoInsteadOfAdvisingADeletion() {
    create("held-typo", spec("flag-78", "standard", phase("Testing", Started)));
    awaitReady("held-typo");
    simulator.ui().pausePhase(PROJECT, "flag-78", "Testing");

    edit("held-typo", s -> s.setReleasePipelineKey("fast-trak"));
    FlagRelease stalled =
        awaitCondition("held-typo", ConditionTypes.STALLED, "True", "PipelineNotFound");

    assertThat(stalled.getStatus().getMessage())
        .startsWith("spec.releasePipelineKey: project 'shop' has no release pipeline 'fast-trak'")
        .doesNotContain("delete the release");
    assertThat(countFor("flag-78", CallLog.DELETE_RELEASE)).isZero();
  }

  /**
   * A release this resource did not make (or a canceled one), on another pipeline than a mistyped
   * one: the typo is said, and the release named, not advice to delete that release so that the
   * operator creates one where it cannot.
   */
  @ParameterizedTest(name = "canceled: {0}")
  @ValueSource(booleans = {false, true})
  void aReleaseOnAnotherPipelineAndATypoSaysTheTypoInsteadOfAdvisingADeletion(boolean canceled) {
    String flag = canceled ? "flag-81" : "flag-79";
    simulator.ui().createRelease(PROJECT, flag, "fast-track");
    if (canceled) {
      simulator.ui().cancelRelease(PROJECT, flag);
    }

    create("conflict-typo", spec(flag, "fast-trak", phase("Canary", Started)));
    FlagRelease stalled =
        awaitCondition("conflict-typo", ConditionTypes.STALLED, "True", "PipelineNotFound");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.releasePipelineKey: project 'shop' has no release pipeline 'fast-trak'; the"
                + (canceled ? " canceled" : "")
                + " release on pipeline 'fast-track' is left untouched");
    assertThat(writesFor(flag)).isEmpty();
  }

  /**
   * Observe does not move: its plan of a move is reported, and the pipeline it checks is read once
   * for its polls, not afresh at each as before a delete the operator is about to send.
   */
  @Test
  void anObservedMoveReadsThePipelineOnceForItsPolls() {
    create("observed-move", spec("flag-82", "standard", phase("Testing", Started)));
    awaitReady("observed-move");
    simulator.calls().clear();

    edit(
        "observed-move",
        s -> {
          toFastTrack(s);
          s.setManagementPolicy(ManagementPolicy.Observe);
        });
    awaitCondition("observed-move", ConditionTypes.RECONCILING, "True", "Drifted");
    long reads = countFor("flag-82", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-82", CallLog.GET_RELEASE) >= reads + 4);

    assertThat(simulator.calls().count(CallLog.GET_PIPELINE)).isLessThanOrEqualTo(1);
    assertThat(writesFor("flag-82")).isEmpty();
  }

  /**
   * A Ready resource on pipeline "standard" with phase Testing started, then {@code change}:
   * returns it once it is Stalled for the new generation.
   */
  private FlagRelease changePipeline(String name, String flag, Consumer<FlagReleaseSpec> change) {
    create(name, spec(flag, "standard", phase("Testing", Started)));
    awaitReady(name);
    simulator.calls().clear();

    edit(name, change);
    FlagRelease stalled = awaitCondition(name, ConditionTypes.STALLED, "True", null);
    assertThat(stalled.getStatus().getState()).isEqualTo(ReleaseState.Failed);
    assertThat(condition(stalled, ConditionTypes.READY).getStatus()).isEqualTo("False");
    return stalled;
  }

  /** The spec moved to pipeline "fast-track", its phase Canary started. */
  /** What a status adds while a move from 'standard' to 'fast-track' is held back. */
  private static String moveToFastTrackWaits(String flag) {
    return "A move of the release of shop/"
        + flag
        + " from pipeline 'standard' to 'fast-track' is unfinished, and waits too: the flag may"
        + " have no release until it goes on";
  }

  private static void toFastTrack(FlagReleaseSpec spec) {
    spec.setReleasePipelineKey("fast-track");
    spec.setPhases(new ArrayList<>(List.of(phase("Canary", Started))));
  }

  private void assertUntouched(String flag) {
    assertThat(countFor(flag, CallLog.DELETE_RELEASE)).as("DELETE calls").isZero();
    assertThat(writesFor(flag)).as("writes").isEmpty();
    assertThat(simulator.release(PROJECT, flag).orElseThrow().path("releasePipelineKey").asText())
        .isEqualTo("standard");
    // (the pipeline that stopped the move may have been read by an earlier test: kept a while for
    // checks that delete nothing)
  }
}
