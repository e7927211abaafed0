package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LaunchDarkly changes a release between the operator's read and its write: the refused write is
 * followed by a fresh read and a new plan, and the resource is never left stuck.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class StaleReadIT extends OperatorTestBase {

  @Test
  void aPhaseLaunchDarklyCompletedBeforeTheWriteArrivedIsNotAReasonToStall() {
    simulator.ui().createRelease(PROJECT, "flag-21", "standard");
    simulator.ui().startPhase(PROJECT, "flag-21", "Testing");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE,
            () -> simulator.ui().completePhase(PROJECT, "flag-21", "Testing"));
    List<String> reasons = recordReasons("completed");

    create("completed", spec("flag-21", "standard", phase("Testing", Complete)));
    FlagRelease ready = awaitReady("completed");

    assertThat(ready.getStatus().getPhases().get(0).getStatus()).isEqualTo("Complete");
    assertThat(callsFor("flag-21").stream().map(c -> c.method() + " " + c.status()))
        .as("the refused write is followed by a read, and nothing is written twice")
        .containsSubsequence("PUT 400", "GET 200");
    assertThat(countFor("flag-21", CallLog.UPDATE_PHASE)).isEqualTo(1);
    assertThat(caughtUp("completed", reasons)).noneMatch(r -> r.contains("(stalled)"));
    assertThat(eventReasons("completed")).contains("WriteRefused");
  }

  @Test
  void aPhaseSomeoneStartedInTheUiMeanwhileIsTakenAsStarted() {
    simulator.ui().createRelease(PROJECT, "flag-22", "fast-track");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE, () -> simulator.ui().startPhase(PROJECT, "flag-22", "Canary"));

    create("started", spec("flag-22", "fast-track", phase("Canary", Started)));
    awaitReady("started");

    assertThat(writesFor("flag-22")).extracting(CallLog.Call::status).containsExactly(400);
  }

  @Test
  void aConflictIsRetriedWithBackoffAndNeverStalls() {
    simulator.ui().createRelease(PROJECT, "flag-23", "fast-track");
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 409).failNextOn(CallLog.UPDATE_PHASE, 409);
    List<String> reasons = recordReasons("conflict");

    create("conflict", spec("flag-23", "fast-track", phase("Canary", Started)));
    awaitReady("conflict");

    assertThat(writesFor("flag-23"))
        .extracting(CallLog.Call::status)
        .containsExactly(409, 409, 200);
    reasons = caughtUp("conflict", reasons);
    assertThat(reasons).noneMatch(r -> r.contains("(stalled)"));
    assertThat(reasons).anyMatch(r -> r.startsWith("Conflict: "));
  }

  /**
   * A refused write in a plan that stops after its calls (here because the live release keeps
   * another variation than the spec's): held, and said as refused, at every poll after, not sent
   * again every other one.
   */
  @Test
  void aRefusedWriteOfAPlanThatStopsAfterItIsHeldToo() {
    FlagReleaseSpec first = spec("flag-79", "fast-track", phase("Canary", NotStarted));
    first.setReleaseVariationId("var-on-79");
    create("kept-variation", first);
    awaitReady("kept-variation");
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);

    edit(
        "kept-variation",
        s -> {
          s.setReleaseVariationId("var-off-79");
          s.getPhases().get(0).setStatus(Started);
        });
    awaitCondition("kept-variation", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    long reads = countFor("flag-79", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-79", CallLog.GET_RELEASE) >= reads + 4);

    assertThat(countFor("flag-79", CallLog.UPDATE_PHASE)).isEqualTo(1);
    assertThat(condition(get("kept-variation"), ConditionTypes.STALLED).getReason())
        .isEqualTo("LaunchDarklyRejected");
  }

  /**
   * A create refused with 404 is tried again at each poll; when such a try fails without an answer
   * and a read shows no release, the status does not keep the release it recorded before the call
   * as this resource's (one a person makes next would be deleted with it).
   */
  @Test
  void aRetriedCreateThatFailsLeavesNoRecordOfARelease() {
    simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 404);
    for (int i = 0; i < 30; i++) {
      simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 503);
    }

    create("retried-create", spec("flag-25", "fast-track", phase("Canary", Started)));
    await().atMost(TIMEOUT).until(() -> countFor("flag-25", CallLog.CREATE_RELEASE) >= 3);

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get("retried-create").getStatus().getOwnedPipelineKey() == null
                    && get("retried-create").getStatus().getReleaseOrigin() == null);
    assertThat(simulator.release(PROJECT, "flag-25")).isEmpty();
  }

  /**
   * A person deletes a release whose phase write was refused: the operator creates it again (Git
   * wins), and a create that then fails once does not tie the old refusal to the new release.
   */
  @Test
  void aReleaseDeletedAfterARefusalIsCreatedAgainDespiteAFailure() {
    simulator.ui().createRelease(PROJECT, "flag-24", "fast-track");
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);
    create("deleted-after", spec("flag-24", "fast-track", phase("Canary", Started)));
    awaitCondition("deleted-after", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");

    simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 503);
    simulator.ui().deleteRelease(PROJECT, "flag-24");
    awaitReady("deleted-after");

    assertThat(writesFor("flag-24").stream().map(c -> describe(c) + " " + c.status()))
        .containsSubsequence(
            "Started Canary 400",
            "create fast-track 503",
            "create fast-track 200",
            "Started Canary 200");
  }

  @Test
  void aWriteStillRefusedAfterAFreshReadStallsWithLaunchDarklysReason() {
    simulator.ui().createRelease(PROJECT, "flag-24", "fast-track");
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);

    create("refused", spec("flag-24", "fast-track", phase("Canary", Started)));
    FlagRelease stalled =
        awaitCondition("refused", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");

    assertThat(stalled.getStatus().getMessage())
        .startsWith(
            "updating the phase status: LaunchDarkly answered 400: Injected fault: the simulator"
                + " answers 400 (invalid_request);");
    assertThat(callsFor("flag-24").stream().map(c -> c.method() + " " + c.status()))
        .as("the refusal is checked against a fresh read")
        .containsSubsequence("PUT 400", "GET 200");
    // the release does not change, so the refused write is not repeated poll after poll
    await().atMost(TIMEOUT).until(() -> countFor("flag-24", CallLog.GET_RELEASE) >= 5);
    assertThat(writesFor("flag-24")).hasSize(1);

    // nor after a read LaunchDarkly failed in between, which changes nothing about the refusal
    simulator.faults().failNextOn(CallLog.GET_RELEASE, 503);
    long reads = countFor("flag-24", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-24", CallLog.GET_RELEASE) >= reads + 4);
    assertThat(writesFor("flag-24")).hasSize(1);
    assertThat(condition(get("refused"), ConditionTypes.STALLED).getReason())
        .isEqualTo("LaunchDarklyRejected");
  }

  /**
   * A refused write is held while the release stays as it was, not only while its _version does:
   * LaunchDarkly does not document that a person's change in its UI bumps it. A phase completed
   * there re-arms the writes that come after it.
   */
  @Test
  void aPhaseAPersonCompletedReArmsARefusedWriteEvenAtTheSameVersion() {
    simulator.ui().createRelease(PROJECT, "flag-55", "fast-track");
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);
    create(
        "completed-by-hand",
        spec("flag-55", "fast-track", phase("Canary", Complete), phase("General", Started)));
    awaitCondition("completed-by-hand", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    long reads = countFor("flag-55", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-55", CallLog.GET_RELEASE) >= reads + 2);
    assertThat(writesFor("flag-55")).as("held while nothing changed").hasSize(1);

    simulator
        .ui()
        .keepingVersion(
            PROJECT,
            "flag-55",
            () -> {
              simulator.ui().startPhase(PROJECT, "flag-55", "Canary");
              simulator.ui().completePhase(PROJECT, "flag-55", "Canary");
            });
    awaitReady("completed-by-hand");

    assertThat(writesFor("flag-55").stream().map(c -> describe(c) + " " + c.status()))
        .containsExactly("Started Canary 400", "Started General 200");
  }

  /**
   * A release made again between the read and the write refuses the planned write (its earlier
   * phases are not done), but the writes that come first on the new release make it valid.
   */
  @Test
  void aWriteRefusedByAReleaseMadeAgainMeanwhileIsMadeAfterTheWritesThatNowComeFirst() {
    simulator.ui().createRelease(PROJECT, "flag-49", "fast-track");
    simulator.ui().startPhase(PROJECT, "flag-49", "Canary");
    simulator.ui().completePhase(PROJECT, "flag-49", "Canary");
    simulator
        .faults()
        .changeBeforeNext(CallLog.UPDATE_PHASE, () -> remakeRelease("flag-49", "fast-track"));
    List<String> reasons = recordReasons("remade");

    create(
        "remade",
        spec("flag-49", "fast-track", phase("Canary", Complete), phase("General", Started)));
    awaitReady("remade");

    assertThat(writesFor("flag-49").stream().map(c -> describe(c) + " " + c.status()))
        .containsExactly(
            "Started General 400",
            "Started Canary 200",
            "Complete Canary 200",
            "Started General 200");
    assertThat(caughtUp("remade", reasons)).noneMatch(r -> r.contains("(stalled)"));
  }

  /**
   * A refused write is not repeated on the same release; one made again starts at version 1 too,
   * and is told apart by its creation date or, should LaunchDarkly date a release's phases by its
   * pipeline's, by its audiences' IDs.
   */
  @ParameterizedTest(name = "phases dated by their pipeline: {2}")
  @CsvSource({"again, flag-50, false", "again-same-date, flag-115, true"})
  void aRefusedWriteIsMadeOnAReleaseMadeAgainAtTheSameVersion(
      String name, String flag, boolean datedByPipeline) {
    if (datedByPipeline) {
      simulator.ui().datePhasesByPipeline();
    }
    simulator.ui().createRelease(PROJECT, flag, "fast-track");
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);
    create(name, spec(flag, "fast-track", phase("Canary", Started)));
    awaitCondition(name, ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    assertThat(get(name).getStatus().getRelease().getVersion()).isEqualTo(1L);

    remakeRelease(flag, "fast-track");
    awaitReady(name);

    assertThat(writesFor(flag)).extracting(CallLog.Call::status).containsExactly(400, 200);
  }

  /** A 403 on the read is fixed in LaunchDarkly (the token's role); no write was ever refused. */
  @Test
  void aRefusedReadHoldsBackNoWriteOnceTheReadGoesThrough() {
    simulator.faults().failNextOn(CallLog.GET_RELEASE, 403);
    create("read", spec("flag-51", "fast-track", phase("Canary", Started)));
    FlagRelease stalled =
        awaitCondition("read", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    assertThat(stalled.getStatus().getMessage())
        .startsWith("reading the release: LaunchDarkly answered 403");

    FlagRelease ready = awaitReady("read");

    assertThat(ready.getStatus().getPhases().get(0).getStatus()).isEqualTo("Started");
    assertThat(writesFor("flag-51").stream().map(this::describe))
        .containsExactly("create fast-track", "Started Canary");
  }

  /**
   * A status written before the token version named the key (secret/name@rv) is the same token: the
   * upgrade re-arms no refused write.
   */
  @Test
  void aTokenVersionWrittenBeforeItNamedTheKeyReArmsNoRefusedWrite() {
    tokenSecret("team-token", SimulatorResource.SECRET_TOKEN);
    simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);
    FlagReleaseSpec spec =
        specThrough("team-token", "flag-54", "fast-track", phase("Canary", Started));
    simulator.ui().createRelease(PROJECT, "flag-54", "fast-track");
    create("upgraded", spec);
    FlagRelease stalled =
        awaitCondition("upgraded", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    String version = stalled.getStatus().getTokenVersion();
    assertThat(version).startsWith("secret/team-token/token@");

    // as an older operator wrote it
    releases()
        .withName("upgraded")
        .editStatus(
            r -> {
              r.getStatus().setTokenVersion(version.replace("/token@", "@"));
              return r;
            });
    long reads = countFor("flag-54", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-54", CallLog.GET_RELEASE) >= reads + 3);

    assertThat(writesFor("flag-54")).as("the refused write is not repeated").hasSize(1);
  }

  /**
   * A status an earlier snapshot wrote, its audience IDs in another format: compared with nothing,
   * so the release is still the one this FlagRelease created, and its deletion deletes it.
   */
  @Test
  void audienceIdsRecordedInAnotherFormatLeaveTheReleaseTheOperators() {
    create("earlier", spec("flag-117", "fast-track", phase("Canary", Started)));
    assertThat(awaitReady("earlier").getStatus().getRelease().getAudienceIds()).isNotNull();

    // as an earlier snapshot wrote it: one 12-digit digest of every audience
    releases()
        .withName("earlier")
        .editStatus(
            r -> {
              r.getStatus().getRelease().setAudienceIds("0123456789ab");
              return r;
            });
    long reads = countFor("flag-117", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-117", CallLog.GET_RELEASE) >= reads + 2);
    assertThat(get("earlier").getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);

    releases().withName("earlier").delete();
    await().atMost(TIMEOUT).until(() -> get("earlier") == null);
    assertThat(simulator.release(PROJECT, "flag-117")).isEmpty();
  }
}
