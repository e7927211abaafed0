package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.reconciler.status.Conditions;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One owner per flag, and changes made in LaunchDarkly behind the operator's back. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class OwnershipAndDriftIT extends OperatorTestBase {

  /**
   * A team switches its FlagRelease to Observe to leave the release alone (a person takes over in
   * LaunchDarkly): another FlagRelease for the flag must not start driving the release it made.
   */
  @Test
  void aFlagReleaseSwitchedToObserveKeepsTheReleaseItMadeFromAnother() {
    create("first", spec("flag-32", "fast-track", phase("Canary", Started)));
    awaitReady("first");
    edit("first", s -> s.setManagementPolicy(ManagementPolicy.Observe));
    await().atMost(TIMEOUT).until(() -> get("first").getStatus().getObservedGeneration() == 2L);
    long writesBefore = writesFor("flag-32").size();

    create("second", spec("flag-32", "fast-track", phase("Canary", Complete)));
    FlagRelease waiting = awaitCondition("second", ConditionTypes.STALLED, "True", "FlagClaimed");

    assertThat(waiting.getStatus().getMessage())
        .startsWith(
            "flag shop/flag-32 of this LaunchDarkly account is managed by FlagRelease e2e/first"
                + " (in Observe mode now, it keeps the release it recorded as its own from"
                + " others);");
    assertThat(writesFor("flag-32")).hasSize((int) writesBefore);
  }

  @Test
  void aSecondFlagReleaseForTheSameFlagWaitsAndTakesOverWhenTheFirstGoes() {
    FlagReleaseSpec first = spec("flag-32", "fast-track", phase("Canary", Started));
    first.setDeletionPolicy(DeletionPolicy.Orphan);
    create("first", first);
    awaitReady("first");
    long writesBefore = writesFor("flag-32").size();

    create("second", spec("flag-32", "fast-track", phase("Canary", Complete)));
    FlagRelease waiting = awaitCondition("second", ConditionTypes.STALLED, "True", "FlagClaimed");

    assertThat(waiting.getStatus().getMessage())
        .isEqualTo(
            "flag shop/flag-32 of this LaunchDarkly account is managed by FlagRelease e2e/first;"
                + " this one makes no call to LaunchDarkly while that one exists. Delete one of"
                + " them");
    assertThat(writesFor("flag-32")).hasSize((int) writesBefore);
    assertThat(get("first").getStatus().getState().name()).isEqualTo("Ready");

    releases().withName("first").delete();
    awaitReady("second");
    assertThat(writesFor("flag-32").stream().skip(writesBefore).map(this::describe))
        .as("the second adopts the release and completes the phase")
        .containsExactly("Complete Canary");
  }

  /**
   * The holder was deleted, and its deletion waits (suspended): the waiting one says so, instead of
   * asking a person to delete one of them, which they did.
   */
  @Test
  void aFlagReleaseWaitingOnAHolderBeingDeletedSaysSo() {
    create("holder", spec("flag-125", "fast-track", phase("Canary", Started)));
    awaitReady("holder");
    edit("holder", s -> s.setSuspend(true));
    create("next", spec("flag-125", "fast-track", phase("Canary", Started)));
    awaitCondition("next", ConditionTypes.STALLED, "True", "FlagClaimed");

    releases().withName("holder").delete();
    awaitCondition("holder", ConditionTypes.STALLED, "True", "DeletionBlocked");

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get("next")
                    .getStatus()
                    .getMessage()
                    .equals(
                        "flag shop/flag-125 of this LaunchDarkly account is managed by FlagRelease"
                            + " e2e/holder; this one makes no call to LaunchDarkly while that one"
                            + " exists. That one is being deleted: this one goes on once it is"
                            + " gone (its status and its metadata.finalizers say what keeps"
                            + " it)"));
    edit("holder", s -> s.setSuspend(false)); // its deletion deletes the release it made
    awaitReady("next");
    assertThat(get("next").getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
  }

  /**
   * An older FlagRelease that managed the flag in another account (its team's token Secret) and is
   * then pointed at the default token does not take the flag from the one managing it there.
   */
  @Test
  void aFlagReleaseMovedToAnotherAccountDoesNotTakeTheFlagFromTheOneManagingItThere() {
    tokenSecret("team-account", SimulatorResource.SECRET_TOKEN);
    FlagReleaseSpec elsewhere =
        specThrough("team-account", "flag-68", "fast-track", phase("Canary", Started));
    create("older-elsewhere", elsewhere);
    awaitReady("older-elsewhere");
    create("manager", spec("flag-68", "fast-track", phase("Canary", Started)));
    awaitReady("manager");

    edit("older-elsewhere", s -> s.setAccessTokenSecretRef(null));
    FlagRelease claimed =
        awaitCondition("older-elsewhere", ConditionTypes.STALLED, "True", "FlagClaimed");

    assertThat(claimed.getStatus().getMessage()).contains("managed by FlagRelease e2e/manager");
    assertThat(get("manager").getStatus().getConditions())
        .noneMatch(c -> "FlagClaimed".equals(c.getReason()));
  }

  /**
   * Two FlagReleases for one flag made in the same second (one apply of a directory): the API
   * server dates them to the second, so they tie on age, and the later one's first pass may not see
   * the first one's status yet. Only one of them writes to LaunchDarkly.
   */
  @Test
  void twoFlagReleasesMadeInTheSameSecondDoNotBothWrite() {
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> Instant.now().getNano() < 100_000_000); // both made within this second
    // the second is made while the first one's pass reads the release, past its check of rivals,
    // and that read is answered once the second one's pass has got past its own check
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.GET_RELEASE,
            () -> {
              create("aa-second", spec("flag-49", "fast-track", phase("Canary", Complete)));
              await()
                  .atMost(TIMEOUT)
                  .until(
                      () ->
                          countFor("flag-49", CallLog.GET_RELEASE) > 0
                              || "FlagClaimed".equals(reasonOf("aa-second")));
            });
    create("zz-first", spec("flag-49", "fast-track", phase("Canary", Started)));

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                List.of(reasonOf("zz-first"), reasonOf("aa-second")).contains("FlagClaimed")
                    && List.of(reasonOf("zz-first"), reasonOf("aa-second")).contains("InSync"));
    assertThat(countFor("flag-49", CallLog.CREATE_RELEASE)).isEqualTo(1);
    assertThat(eventReasons("zz-first")).doesNotContain("WriteRefused");
    assertThat(eventReasons("aa-second")).doesNotContain("WriteRefused");
  }

  private String reasonOf(String name) {
    FlagRelease resource = get(name);
    FlagReleaseCondition ready =
        resource == null || resource.getStatus() == null
            ? null
            : Conditions.find(resource.getStatus().getConditions(), ConditionTypes.READY);
    return ready == null ? "" : ready.getReason();
  }

  /**
   * A move whose create LaunchDarkly refused has deleted the release it managed and owns none until
   * the create goes through: it still holds the flag, and an older FlagRelease waiting on it does
   * not take the flag and create its own release there.
   */
  @Test
  void aMoveWhoseCreateWasRefusedKeepsTheFlagFromAnOlderWaitingOne() {
    tokenSecret("older-team-account", SimulatorResource.SECRET_TOKEN);
    createReadyAndOlder(
        "older-team",
        specThrough("older-team-account", "flag-40", "fast-track", phase("Canary", Started)));
    create("mover", spec("flag-40", "fast-track", phase("Canary", Started)));
    awaitReady("mover");
    edit("older-team", s -> s.setAccessTokenSecretRef(null));
    awaitCondition("older-team", ConditionTypes.STALLED, "True", "FlagClaimed");

    simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 400);
    edit(
        "mover",
        s -> {
          s.setDeletionPolicy(DeletionPolicy.DeleteEvenIfAdopted);
          s.setReleasePipelineKey("standard");
          s.setPhases(new java.util.ArrayList<>(List.of(phase("Testing", Started))));
        });

    awaitReady("mover");
    assertThat(
            simulator.release(PROJECT, "flag-40").orElseThrow().path("releasePipelineKey").asText())
        .isEqualTo("standard");
    assertThat(condition(get("older-team"), ConditionTypes.STALLED).getReason())
        .isEqualTo("FlagClaimed");
  }

  /**
   * The one managing the release keeps the flag while its token cannot be read (its Secret rotated
   * by delete and create, or its namespace going): which account it uses is then unknown, and the
   * waiting one must not write to, or on its deletion delete, a release that is not its own.
   */
  @Test
  void aWaitingFlagReleaseDoesNotTakeTheFlagWhileTheHoldersTokenCannotBeRead() {
    tokenSecret("holder-copy", SimulatorResource.SECRET_TOKEN);
    tokenSecret("waiting-copy", SimulatorResource.SECRET_TOKEN);
    FlagReleaseSpec holder =
        specThrough("holder-copy", "flag-71", "fast-track", phase("Canary", Started));
    create("holder", holder);
    awaitReady("holder");
    FlagReleaseSpec waiting =
        specThrough("waiting-copy", "flag-71", "fast-track", phase("Canary", Complete));
    create("waiting", waiting);
    awaitCondition("waiting", ConditionTypes.STALLED, "True", "FlagClaimed");
    long writesBefore = writesFor("flag-71").size();

    client.secrets().inNamespace(NAMESPACE).withName("holder-copy").delete();
    awaitTokenSecretMissing("holder");
    // a pass of the waiting one after the holder's token went
    edit("waiting", s -> s.setDeletionPolicy(DeletionPolicy.DeleteEvenIfAdopted));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get("waiting").getStatus().getObservedGeneration()
                    >= get("waiting").getMetadata().getGeneration());

    FlagRelease stillWaiting = get("waiting");
    assertThat(condition(stillWaiting, ConditionTypes.STALLED).getReason())
        .isEqualTo("FlagClaimed");
    assertThat(stillWaiting.getStatus().getMessage()).contains("FlagRelease e2e/holder");
    assertThat(writesFor("flag-71")).hasSize((int) writesBefore);

    releases().withName("waiting").delete();
    await().atMost(TIMEOUT).until(() -> get("waiting") == null);
    assertThat(simulator.release(PROJECT, "flag-71"))
        .as("deleting the waiting one never touches the holder's release")
        .isPresent();
    assertThat(writesFor("flag-71")).hasSize((int) writesBefore);
  }

  /**
   * The token of the FlagRelease that manages the release moves to another Secret (renamed): the
   * same token is the same account, so an older FlagRelease waiting for the flag does not take it.
   */
  @Test
  void theHoldersTokenMovedToAnotherSecretKeepsTheFlag() {
    create("early", specThrough("ld-early", "flag-120", "fast-track", phase("Canary", Started)));
    awaitTokenSecretMissing("early");
    awaitOlderThanWhatComesNext("early");
    tokenSecret("ld-manager", SimulatorResource.SECRET_TOKEN);
    create(
        "token-moved",
        specThrough("ld-manager", "flag-120", "fast-track", phase("Canary", Started)));
    awaitReady("token-moved");
    tokenSecret("ld-early", SimulatorResource.SECRET_TOKEN);
    awaitCondition("early", ConditionTypes.STALLED, "True", "FlagClaimed");
    int writes = writesFor("flag-120").size();

    tokenSecret("ld-manager-renamed", SimulatorResource.SECRET_TOKEN);
    edit(
        "token-moved",
        s -> s.setAccessTokenSecretRef(new SecretKeyReference("ld-manager-renamed", "token")));

    awaitReady("token-moved");
    edit("early", s -> s.setDeletionPolicy(DeletionPolicy.Orphan)); // a pass of the waiting one
    awaitCondition("early", ConditionTypes.STALLED, "True", "FlagClaimed");
    assertThat(condition(get("token-moved"), ConditionTypes.READY).getStatus()).isEqualTo("True");
    assertThat(writesFor("flag-120")).hasSize(writes);
    assertThat(get("token-moved").getStatus().getReleaseOrigin())
        .as("the same token reaches the same account: the release it made is still its own")
        .isEqualTo(ReleaseOrigin.Created);
    assertThat(eventReasons("token-moved")).doesNotContain("ReleaseAdopted");
  }

  /**
   * A FlagRelease that made the release, pointed at another account's token where it waits, and
   * pointed back later does not take the flag from the copy that has managed the release since: its
   * old record does not outrank that.
   */
  @Test
  void aFlagReleasePointedBackAtItsTokenDoesNotTakeTheFlagFromTheOneManagingItSince() {
    tokenSecret("team-a", SimulatorResource.SECRET_TOKEN);
    tokenSecret("team-a-copy", SimulatorResource.SECRET_TOKEN);
    FlagReleaseSpec original =
        specThrough("team-a", "flag-119", "fast-track", phase("Canary", Started));
    createReadyAndOlder("original", original);
    create("copy", specThrough("team-a-copy", "flag-119", "fast-track", phase("Canary", Started)));
    awaitCondition("copy", ConditionTypes.STALLED, "True", "FlagClaimed");
    create("default-account", spec("flag-119", "fast-track", phase("Canary", Started)));
    awaitReady("default-account");

    edit("original", s -> s.setAccessTokenSecretRef(null));
    awaitCondition("original", ConditionTypes.STALLED, "True", "FlagClaimed");
    awaitReady("copy");
    edit("original", s -> s.setAccessTokenSecretRef(original.getAccessTokenSecretRef()));

    FlagRelease waits = awaitCondition("original", ConditionTypes.STALLED, "True", "FlagClaimed");
    assertThat(waits.getStatus().getMessage()).contains("managed by FlagRelease e2e/copy");
    assertThat(condition(get("copy"), ConditionTypes.READY).getStatus()).isEqualTo("True");

    // nor once another stall replaced FlagClaimed: its old record is gone, not only unheeded
    edit("original", s -> s.setSuspend(true));
    awaitCondition("original", ConditionTypes.READY, "False", "Suspended");
    edit("original", s -> s.setSuspend(false));
    awaitCondition("original", ConditionTypes.STALLED, "True", "FlagClaimed");
    assertThat(condition(get("copy"), ConditionTypes.READY).getStatus()).isEqualTo("True");
    assertThat(countFor("flag-119", CallLog.DELETE_RELEASE)).isZero();
  }

  /**
   * The same with a move the waiting one left unfinished (its create refused): it lets go of the
   * move as it starts waiting, saying so, and the record of that move, made with its former token,
   * never outranks the copy that made a release since.
   */
  @Test
  void aFlagReleasePointedBackAfterLeavingAMoveUnfinishedDoesNotTakeTheFlag() {
    tokenSecret("team-b", SimulatorResource.SECRET_TOKEN);
    tokenSecret("team-b-copy", SimulatorResource.SECRET_TOKEN);
    FlagReleaseSpec original =
        specThrough("team-b", "flag-109", "standard", phase("Testing", Started));
    original.setReleaseVariationId("var-off-109");
    createReadyAndOlder("mid-move", original);
    create(
        "copy-109", specThrough("team-b-copy", "flag-109", "standard", phase("Testing", Started)));
    awaitCondition("copy-109", ConditionTypes.STALLED, "True", "FlagClaimed");
    // the default token's account: the flag's holder there keeps it, suspended
    create("default-109", spec("flag-109", "standard", phase("Testing", Started)));
    awaitReady("default-109");
    edit("default-109", s -> s.setSuspend(true));
    awaitCondition("default-109", ConditionTypes.READY, "False", "Suspended");

    // the copy makes no call until the refusals below are cleared (they are not the copy's)
    edit("copy-109", s -> s.setSuspend(true));
    awaitCondition("copy-109", ConditionTypes.READY, "False", "Suspended");
    for (int i = 0; i < 20; i++) { // refused at each stalled poll until it waits for the flag
      simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 400);
    }
    edit(
        "mid-move",
        s -> {
          s.setReleasePipelineKey("fast-track");
          s.setPhases(List.of(phase("Canary", Started)));
          s.setReleaseVariationId(null); // the move keeps the release's
        });
    awaitCondition("mid-move", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    edit("mid-move", s -> s.setAccessTokenSecretRef(null));
    FlagRelease letGo = awaitCondition("mid-move", ConditionTypes.STALLED, "True", "FlagClaimed");
    assertThat(letGo.getStatus().getUnfinishedMove()).isNull();
    assertThat(eventsFor("mid-move"))
        .anyMatch(
            e ->
                "UnfinishedMoveLeft".equals(e.getReason())
                    && e.getMessage()
                        .startsWith(
                            "A move of the release of shop/flag-109 from pipeline 'standard' to"
                                + " 'fast-track' is left unfinished: FlagRelease e2e/default-109"
                                + " holds the flag now")
                    && e.getMessage()
                        .endsWith(
                            "It was to create the release with variation var-off-109: if the flag"
                                + " has no release when this FlagRelease goes on, it creates one"
                                + " from its spec, so set spec.releaseVariationId to keep that"
                                + " variation"));
    simulator.faults().clear();
    edit("copy-109", s -> s.setSuspend(false));
    awaitReady("copy-109");
    int writes = writesFor("flag-109").size();
    List<String> copyStates = recordReasons("copy-109");
    edit("mid-move", s -> s.setAccessTokenSecretRef(original.getAccessTokenSecretRef()));

    FlagRelease waits = awaitCondition("mid-move", ConditionTypes.STALLED, "True", "FlagClaimed");
    assertThat(waits.getStatus().getMessage()).contains("managed by FlagRelease e2e/copy-109");
    // its next passes too: the claim does not change hands
    edit("mid-move", s -> s.setDeletionPolicy(DeletionPolicy.Orphan));
    awaitCondition("mid-move", ConditionTypes.STALLED, "True", "FlagClaimed");
    assertThat(caughtUp("copy-109", copyStates)).noneMatch(r -> r.startsWith("FlagClaimed"));
    assertThat(writesFor("flag-109")).hasSize(writes);
    assertThat(condition(get("copy-109"), ConditionTypes.READY).getStatus()).isEqualTo("True");
  }

  /**
   * A FlagRelease that made its release, then waits for the flag under another token (its team
   * pointed it at the default token, whose account another FlagRelease manages it in), is deleted:
   * the release stays, and an event says who holds it.
   */
  @Test
  void aFlagReleaseWaitingForItsFlagLeavesTheReleaseWhenDeletedAndSaysWhy() {
    tokenSecret("made-with", SimulatorResource.SECRET_TOKEN);
    create(
        "made-then-moved",
        specThrough("made-with", "flag-118", "fast-track", phase("Canary", Started)));
    awaitReady("made-then-moved");
    create("manager-118", spec("flag-118", "fast-track", phase("Canary", Started)));
    awaitReady("manager-118");
    edit("made-then-moved", s -> s.setAccessTokenSecretRef(null));
    awaitCondition("made-then-moved", ConditionTypes.STALLED, "True", "FlagClaimed");

    releases().withName("made-then-moved").delete();
    await().atMost(TIMEOUT).until(() -> get("made-then-moved") == null);

    assertThat(countFor("flag-118", CallLog.DELETE_RELEASE)).isZero();
    assertThat(simulator.release(PROJECT, "flag-118")).isPresent();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(eventsFor("made-then-moved"))
                    .as("what its deletion did")
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("ReleaseLeft");
                          assertThat(e.getMessage())
                              .isEqualTo(
                                  "Left the release of shop/flag-118 in LaunchDarkly untouched:"
                                      + " FlagRelease e2e/manager-118 holds the flag");
                        }));
  }

  /**
   * Observe, on a release that keeps another variation than the spec's: Stalled as in Manage, and
   * what Manage would write is still listed for review before switching.
   */
  @Test
  void observeListsWhatManageWouldWriteEvenWhenTheVariationIsNotApplied() {
    FlagReleaseSpec first = spec("flag-79", "fast-track", phase("Canary", NotStarted));
    first.setReleaseVariationId("var-on-79");
    create("observed-variation", first);
    awaitReady("observed-variation");

    edit(
        "observed-variation",
        s -> {
          s.setManagementPolicy(ManagementPolicy.Observe);
          s.setReleaseVariationId("var-off-79");
          s.getPhases().get(0).setStatus(Started);
        });
    FlagRelease stalled =
        awaitCondition("observed-variation", ConditionTypes.STALLED, "True", "VariationNotApplied");

    assertThat(stalled.getStatus().getPlannedChanges()).containsExactly("start phase 'Canary'");
    assertThat(simulator.calls().count(CallLog.UPDATE_PHASE)).isZero();
  }

  /**
   * The variation is the release's from its creation: another one in the spec is not applied, and
   * the resource is not Ready with it.
   */
  @Test
  void aVariationChangedInTheSpecIsReportedAsNotAppliedNotAsMatching() {
    FlagReleaseSpec spec = spec("flag-79", "fast-track", phase("Canary", Started));
    spec.setReleaseVariationId("var-on-79");
    create("variation", spec);
    awaitReady("variation");
    long writesBefore = writesFor("flag-79").size();

    edit("variation", s -> s.setReleaseVariationId("var-off-79"));

    FlagRelease after =
        awaitCondition("variation", ConditionTypes.STALLED, "True", "VariationNotApplied");
    assertThat(after.getStatus().getMessage())
        .isEqualTo(
            "spec.releaseVariationId is 'var-off-79' but the release releases variation"
                + " 'var-on-79': the variation is set only when a release is created, and the"
                + " operator never changes it on a live one. Ready once the spec asks what"
                + " LaunchDarkly keeps");
    assertThat(writesFor("flag-79")).hasSize((int) writesBefore);

    edit("variation", s -> s.setReleaseVariationId("var-on-79"));
    awaitReady("variation");
  }

  /**
   * A phase write whose answer is lost went through: a read at once shows it, and the history and
   * the events say the operator made it, not "somebody else".
   */
  @Test
  void aPhaseWriteWhoseAnswerWasLostIsStillTheOperators() {
    simulator.faults().loseAnswerOfNext(CallLog.UPDATE_PHASE);
    create("unanswered-phase", spec("flag-82", "fast-track", phase("Canary", Started)));
    FlagRelease ready = awaitReady("unanswered-phase");

    assertThat(ready.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .containsExactly(
            "null null -> fast-track Operator", "Canary NotStarted -> Started Operator");
    assertThat(eventReasons("unanswered-phase"))
        .as("the write, and the failed call LaunchDarkly never answered")
        .contains("PhaseStarted", "LaunchDarklyUnavailable");
    assertThat(countFor("flag-82", CallLog.UPDATE_PHASE)).as("started once").isEqualTo(1);
  }

  /**
   * A phase write whose answer was lost, and the read right after it failed too: the status keeps
   * the write as uncertain, and the next read that shows it made gives it to the operator.
   */
  @Test
  void anUnansweredPhaseWriteWhoseReadAfterFailedIsStillTheOperators() {
    simulator.faults().loseAnswerOfNext(CallLog.UPDATE_PHASE);
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE, () -> simulator.faults().failNextOn(CallLog.GET_RELEASE, 503));
    create("unanswered-unread", spec("flag-44", "fast-track", phase("Canary", Started)));
    FlagRelease ready = awaitReady("unanswered-unread");

    assertThat(ready.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " -> " + c.getTo() + " " + c.getBy())
        .contains("Canary -> Started Operator")
        .doesNotContain("Canary -> Started Unknown");
    assertThat(eventReasons("unanswered-unread")).contains("PhaseStarted");
    assertThat(ready.getStatus().getUncertainWrites()).isEmpty();
    assertThat(countFor("flag-44", CallLog.UPDATE_PHASE)).as("started once").isEqualTo(1);
  }

  /** A release found and written to in the same pass: the history keeps the operator's write. */
  @Test
  void theHistoryOfAnAdoptedReleaseKeepsThePhasesTheOperatorStarted() {
    simulator.ui().createRelease(PROJECT, "flag-75", "fast-track");
    create("adopter", spec("flag-75", "fast-track", phase("Canary", Started)));
    FlagRelease ready = awaitReady("adopter");

    assertThat(ready.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .containsExactly("null null -> fast-track Unknown", "Canary null -> Started Operator");
  }

  @Test
  void progressMadeInLaunchDarklyAheadOfTheSpecIsKept() {
    create(
        "ahead",
        spec("flag-33", "standard", phase("Testing", Started), phase("Staging", NotStarted)));
    awaitReady("ahead");
    long writesBefore = writesFor("flag-33").size();

    simulator.ui().completePhase(PROJECT, "flag-33", "Testing");
    simulator.ui().startPhase(PROJECT, "flag-33", "Staging");
    await()
        .atMost(TIMEOUT)
        .until(() -> "Started".equals(get("ahead").getStatus().getPhases().get(1).getStatus()));

    FlagRelease kept = awaitReady("ahead");
    assertThat(kept.getStatus().getMessage())
        .contains("phase 'Staging' is started in LaunchDarkly although the spec asks NotStarted");
    assertThat(writesFor("flag-33")).as("nothing rolled back").hasSize((int) writesBefore);
  }

  /**
   * A commit reverted in Git asks a started phase NotStarted again: phases of an automated pipeline
   * never move back, so the phase still serves its audiences, and the status says so rather than
   * that LaunchDarkly matches the spec (progress a person made ahead of the spec, above, stays
   * Ready).
   */
  @Test
  void aPhaseTheSpecMovesBackIsReportedAsNotAppliedNotAsMatching() {
    create("reverted", spec("flag-91", "standard", phase("Testing", Started)));
    awaitReady("reverted");
    long writesBefore = writesFor("flag-91").size();

    edit("reverted", s -> s.getPhases().get(0).setStatus(NotStarted));
    FlagRelease stalled =
        awaitCondition("reverted", ConditionTypes.STALLED, "True", "MoveBackNotApplied");

    assertThat(stalled.getStatus().getMessage())
        .isEqualTo(
            "spec.phases[0].status asks NotStarted, but phase 'Testing' is started in"
                + " LaunchDarkly and still serves its audiences: phases never move backwards, so"
                + " nothing is written; to stop serving the release, act in LaunchDarkly. Ready"
                + " once the spec asks the phase Started or Complete again, or no longer lists"
                + " it");
    assertThat(condition(stalled, ConditionTypes.READY).getStatus()).isEqualTo("False");
    long reads = countFor("flag-91", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-91", CallLog.GET_RELEASE) >= reads + 2);
    assertThat(condition(get("reverted"), ConditionTypes.STALLED).getReason())
        .as("still stalled on later polls, not taken for progress made in LaunchDarkly")
        .isEqualTo("MoveBackNotApplied");
    assertThat(writesFor("flag-91")).hasSize((int) writesBefore);

    edit("reverted", s -> s.getPhases().get(0).setStatus(Started));
    awaitReady("reverted");
    assertThat(writesFor("flag-91")).hasSize((int) writesBefore);
  }

  /** The move back is remembered while the phase is paused: resumed, it is not taken as Ready. */
  @Test
  void aPhaseMovedBackWhilePausedIsStillNotAppliedOnceResumed() {
    create("paused-revert", spec("flag-96", "standard", phase("Testing", Started)));
    awaitReady("paused-revert");
    simulator.ui().pausePhase(PROJECT, "flag-96", "Testing");
    awaitCondition("paused-revert", ConditionTypes.STALLED, "True", "PhasePaused");

    edit("paused-revert", s -> s.getPhases().get(0).setStatus(NotStarted));
    long reads = countFor("flag-96", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-96", CallLog.GET_RELEASE) >= reads + 2);
    simulator.ui().startPhase(PROJECT, "flag-96", "Testing"); // resumed

    awaitCondition("paused-revert", ConditionTypes.STALLED, "True", "MoveBackNotApplied");
  }

  @Test
  void aReleaseDeletedInLaunchDarklyIsCreatedAgain() {
    create("recreated", spec("flag-34", "fast-track", phase("Canary", Started)));
    awaitReady("recreated");

    simulator.ui().deleteRelease(PROJECT, "flag-34");

    await().atMost(TIMEOUT).until(() -> countFor("flag-34", CallLog.CREATE_RELEASE) == 2);
    awaitReady("recreated");
    assertThat(simulator.release(PROJECT, "flag-34")).isPresent();
  }

  /**
   * LaunchDarkly documents its read as the flag's "currently active" release, so a finished one may
   * stop coming back (or a person deleted it): a release that completed every phase is not created
   * again, which would run its rollout again from the first phase.
   */
  @Test
  void aCompletedReleaseLaunchDarklyNoLongerReturnsIsNotCreatedAgain() {
    create(
        "finished",
        spec("flag-39", "fast-track", phase("Canary", Complete), phase("General", Complete)));
    awaitCompletedOn("finished", "fast-track");

    simulator.ui().deleteRelease(PROJECT, "flag-39");
    long reads = countFor("flag-39", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-39", CallLog.GET_RELEASE) >= reads + 3);

    assertThat(countFor("flag-39", CallLog.CREATE_RELEASE)).isEqualTo(1);
    FlagRelease finished = awaitReady("finished");
    assertThat(finished.getStatus().getMessage())
        .isEqualTo(
            "the release on pipeline 'fast-track' completed every phase, and LaunchDarkly no longer"
                + " returns it; it is not created again, which would run its phases again (delete"
                + " and apply this FlagRelease again to run the pipeline anew, also after pointing"
                + " it at a token of another account)");
  }

  /**
   * A move deletes a completed release itself: put back on its pipeline (the move's create refused,
   * then the spec reverted), the release is made again there, not taken for one LaunchDarkly let go
   * of.
   */
  @Test
  void aCompletedReleaseAMoveDeletedIsMadeAgainWhenTheSpecGoesBack() {
    create(
        "reverted",
        spec("flag-42", "fast-track", phase("Canary", Complete), phase("General", Complete)));
    awaitCompletedOn("reverted", "fast-track");
    simulator
        .faults()
        .failNextOn(CallLog.CREATE_RELEASE, 400)
        .failNextOn(CallLog.CREATE_RELEASE, 400);

    edit(
        "reverted",
        s -> {
          s.setReleasePipelineKey("standard");
          s.setPhases(new java.util.ArrayList<>(List.of(phase("Testing", Started))));
        });
    awaitCondition("reverted", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    edit(
        "reverted",
        s -> {
          s.setReleasePipelineKey("fast-track");
          s.setPhases(
              new java.util.ArrayList<>(
                  List.of(phase("Canary", Complete), phase("General", Complete))));
        });

    awaitReady("reverted");
    assertThat(simulator.release(PROJECT, "flag-42")).isPresent();
    assertThat(get("reverted").getStatus().getUnfinishedMove()).isNull();
  }

  /**
   * A token moved to another Secret (a routine rotation, the same account as far as anyone can
   * tell) does not make a completed release LaunchDarkly no longer returns run its phases again.
   */
  @Test
  void aCompletedReleaseIsNotRunAgainAfterItsTokenMovesToAnotherSecret() {
    create(
        "rotated",
        spec("flag-43", "fast-track", phase("Canary", Complete), phase("General", Complete)));
    awaitCompletedOn("rotated", "fast-track");
    simulator.ui().deleteRelease(PROJECT, "flag-43");
    long phaseWrites = countFor("flag-43", CallLog.UPDATE_PHASE);
    tokenSecret("rotated-token", SimulatorResource.DEFAULT_TOKEN);

    edit(
        "rotated",
        s -> s.setAccessTokenSecretRef(new SecretKeyReference("rotated-token", "token")));
    awaitCondition("rotated", ConditionTypes.READY, "True", "InSync");
    long reads = countFor("flag-43", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-43", CallLog.GET_RELEASE) >= reads + 2);

    assertThat(countFor("flag-43", CallLog.CREATE_RELEASE)).isEqualTo(1);
    assertThat(countFor("flag-43", CallLog.UPDATE_PHASE)).isEqualTo(phaseWrites);
    assertThat(get("rotated").getStatus().getMessage()).contains("completed every phase");
  }

  /**
   * An observer records a release it watched complete (made in LaunchDarkly, say): switched to
   * Manage once LaunchDarkly no longer returns it, it does not create it again, which would run its
   * phases again.
   */
  @Test
  void anObserverSwitchedToManageDoesNotRunACompletedReleaseAgain() {
    simulator.ui().createRelease(PROJECT, "flag-104", "fast-track");
    for (String phase : List.of("Canary", "General")) {
      simulator.ui().startPhase(PROJECT, "flag-104", phase);
      simulator.ui().completePhase(PROJECT, "flag-104", phase);
    }
    FlagReleaseSpec watching =
        spec("flag-104", "fast-track", phase("Canary", Complete), phase("General", Complete));
    watching.setManagementPolicy(ManagementPolicy.Observe);
    create("observed-done", watching);
    awaitCompletedOn("observed-done", "fast-track");
    simulator.ui().deleteRelease(PROJECT, "flag-104");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> get("observed-done").getStatus().getMessage().contains("completed every phase"));

    edit("observed-done", s -> s.setManagementPolicy(ManagementPolicy.Manage));

    FlagRelease managed = awaitReady("observed-done");
    long reads = countFor("flag-104", CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor("flag-104", CallLog.GET_RELEASE) >= reads + 2);
    assertThat(managed.getStatus().getMessage()).contains("it is not created again");
    assertThat(countFor("flag-104", CallLog.CREATE_RELEASE)).isZero();
  }

  private void awaitCompletedOn(String name, String pipeline) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get(name).getStatus() != null
                    && pipeline.equals(get(name).getStatus().getCompletedPipelineKey()));
  }

  @Test
  void aReleaseDeletedInLaunchDarklyIsReportedInObserveMode() {
    simulator.ui().createRelease(PROJECT, "flag-35", "fast-track");
    FlagReleaseSpec spec = spec("flag-35", "fast-track");
    spec.setManagementPolicy(ManagementPolicy.Observe);
    create("watched", spec);
    awaitReady("watched");

    simulator.ui().deleteRelease(PROJECT, "flag-35");

    FlagRelease reported =
        awaitCondition("watched", ConditionTypes.RECONCILING, "True", "ReleaseNotFound");
    assertThat(reported.getStatus().getMessage())
        .isEqualTo("LaunchDarkly has no release for this flag; Observe mode does not create it");
    assertThat(writesFor("flag-35")).isEmpty();
  }

  @Test
  void aReleaseSomeoneElseMadeAfterTheOwnedOneWentIsNotDeletedAsOwn() {
    create("gone-and-back", spec("flag-37", "fast-track", phase("Canary", Started)));
    assertThat(awaitReady("gone-and-back").getStatus().getReleaseOrigin())
        .isEqualTo(ReleaseOrigin.Created);
    edit("gone-and-back", s -> s.setManagementPolicy(ManagementPolicy.Observe));
    awaitReady("gone-and-back");

    simulator.ui().deleteRelease(PROJECT, "flag-37");
    awaitCondition("gone-and-back", ConditionTypes.RECONCILING, "True", "ReleaseNotFound");
    simulator.ui().createRelease(PROJECT, "flag-37", "fast-track"); // another team's, say
    edit("gone-and-back", s -> s.setManagementPolicy(ManagementPolicy.Manage));
    assertThat(awaitReady("gone-and-back").getStatus().getReleaseOrigin())
        .isEqualTo(ReleaseOrigin.Adopted);

    assertDeletingItLeavesTheRelease("gone-and-back", "flag-37");
  }

  /**
   * LaunchDarkly completes a guarded last phase itself when its window ends, and may stop returning
   * the release before any read of the operator's sees it complete: made again, it would roll out
   * from its first phase. The status's record (every earlier phase complete, the last one's window
   * over) tells it apart from a release deleted mid-rollout. The operator reads nothing in between:
   * the FlagRelease suspended, or stalled on a spec typo (a stall that says nothing of the
   * release).
   */
  @ParameterizedTest
  @CsvSource({"suspended, flag-106, Suspended", "typo, flag-111, InvalidSpec"})
  void aReleaseLaunchDarklyCompletedUnseenAtTheEndOfItsGuardedRolloutIsNotCreatedAgain(
      String name, String flag, String unread) {
    simulator.setMonitoringWindowScale(0.002); // the hour of Production's monitoring: 7.2 s
    create(name, everyPhaseOfStandard(flag));
    awaitCondition(name, ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");
    boolean suspend = unread.equals("Suspended");
    edit(name, s -> stopReading(s, suspend, true));
    FlagRelease notReading =
        awaitCondition(
            name,
            suspend ? ConditionTypes.READY : ConditionTypes.STALLED,
            suspend ? "False" : "True",
            unread);
    PhaseStatus production = notReading.getStatus().getPhases().get(2);
    assertThat(production.getComplete()).as("seen complete before").isFalse();
    Instant endsAt = Instant.parse(production.getMonitoringEndsAt());

    // the window ends, LaunchDarkly completes the phase and stops returning the release
    await().atMost(TIMEOUT).until(() -> Instant.now().isAfter(endsAt));
    simulator.ui().deleteRelease(PROJECT, flag);
    edit(name, s -> stopReading(s, suspend, false));
    long reads = countFor(flag, CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor(flag, CallLog.GET_RELEASE) >= reads + 3);

    assertThat(countFor(flag, CallLog.CREATE_RELEASE)).isEqualTo(1);
    FlagRelease finished = awaitReady(name);
    assertThat(finished.getStatus().getCompletedPipelineKey()).isEqualTo("standard");
    assertThat(finished.getStatus().getMessage())
        .startsWith("the release on pipeline 'standard' completed every phase");
  }

  /** Suspends the spec, or makes it invalid (an empty releaseVariationId); or undoes that. */
  private static void stopReading(FlagReleaseSpec spec, boolean suspend, boolean stop) {
    if (suspend) {
      spec.setSuspend(stop);
    } else {
      spec.setReleaseVariationId(stop ? "" : null);
    }
  }

  /**
   * The same record, but the release was canceled in its guarded rollout (and a spec typo stalled
   * it since): deleted after the window's end as the ReleaseCanceled message asks, it is made
   * again, not taken for one LaunchDarkly completed.
   */
  @Test
  void aCanceledReleaseDeletedAfterItsGuardedWindowIsCreatedAgain() {
    simulator.setMonitoringWindowScale(0.0008); // the hour of Production's monitoring: 2.9 s
    create("canceled-late", everyPhaseOfStandard("flag-110"));
    FlagRelease guarded =
        awaitCondition(
            "canceled-late", ConditionTypes.RECONCILING, "True", "GuardedRolloutInProgress");
    Instant endsAt = Instant.parse(guarded.getStatus().getPhases().get(2).getMonitoringEndsAt());
    simulator.ui().cancelRelease(PROJECT, "flag-110");
    awaitCondition("canceled-late", ConditionTypes.STALLED, "True", "ReleaseCanceled");
    // a later stall that reads nothing replaces the ReleaseCanceled one: the record still tells
    assertMadeAgainAfterATypoStallAndADeletion("canceled-late", "flag-110", endsAt);
  }

  /**
   * Someone deletes the release and makes another on the same pipeline while the operator does not
   * look: it is not deleted as this resource's. Told apart by its creation date, or, should
   * LaunchDarkly date a release's phases by its pipeline's (undocumented), by its audiences' IDs.
   */
  @ParameterizedTest(name = "phases dated by their pipeline: {2}")
  @CsvSource({"made-again, flag-38, false", "made-again-same-date, flag-113, true"})
  void aReleaseMadeAgainOnTheSamePipelineWhileSuspendedIsNotDeletedAsOwn(
      String name, String flag, boolean datedByPipeline) {
    if (datedByPipeline) {
      simulator.ui().datePhasesByPipeline();
    }
    create(name, spec(flag, "fast-track", phase("Canary", Started)));
    FlagRelease ready = awaitReady(name);
    assertThat(ready.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    assertThat(ready.getStatus().getRelease().getCreatedAt()).isNotNull();
    edit(name, s -> s.setSuspend(true));
    awaitCondition(name, ConditionTypes.READY, "False", "Suspended");

    // someone deletes it and makes another one, on the same pipeline
    remakeRelease(flag, "fast-track");
    edit(name, s -> s.setSuspend(false));
    await()
        .atMost(TIMEOUT)
        .until(() -> get(name).getStatus().getReleaseOrigin() == ReleaseOrigin.Adopted);

    assertDeletingItLeavesTheRelease(name, flag);
  }

  /**
   * A release deleted and made again on its pipeline is another release: the history records it,
   * and the operator's start of its phase, instead of nothing (its phases were compared with the
   * old release's).
   */
  @Test
  void aReleaseMadeAgainOnItsPipelineIsInTheHistoryWithTheOperatorsWriteToIt() {
    create("re-made", spec("flag-86", "fast-track", phase("Canary", Started)));
    String firstMade = awaitReady("re-made").getStatus().getRelease().getCreatedAt();

    remakeRelease("flag-86", "fast-track");
    await()
        .atMost(TIMEOUT)
        .until(
            () -> {
              FlagRelease now = get("re-made");
              return !firstMade.equals(now.getStatus().getRelease().getCreatedAt())
                  && now.getStatus().getPhases().get(0).getStatus().equals("Started");
            });

    assertThat(get("re-made").getStatus().getHistory())
        .extracting(change -> change.toString().replaceFirst("^\\S+ ", ""))
        .endsWith(
            "release: fast-track -> fast-track by Unknown", "Canary: null -> Started by Operator");
  }

  /**
   * Deleting the FlagRelease makes no sync pass first: the deletion itself must tell a release made
   * again on the same pipeline from the one the resource created.
   */
  @Test
  void aReleaseMadeAgainIsNotDeletedWhenTheFlagReleaseGoesBeforeAnyPassSawIt() {
    create("remade", spec("flag-46", "fast-track", phase("Canary", Started)));
    assertThat(awaitReady("remade").getStatus().getReleaseOrigin())
        .isEqualTo(ReleaseOrigin.Created);
    edit("remade", s -> s.setSuspend(true));
    awaitCondition("remade", ConditionTypes.READY, "False", "Suspended");
    remakeRelease("flag-46", "fast-track");
    releases().withName("remade").delete();
    awaitCondition("remade", ConditionTypes.STALLED, "True", "DeletionBlocked");

    edit("remade", s -> s.setSuspend(false));
    await().atMost(TIMEOUT).until(() -> releases().withName("remade").get() == null);

    assertThat(simulator.release(PROJECT, "flag-46"))
        .as("the release made again is left: it may be someone else's")
        .isPresent();
    assertThat(countFor("flag-46", CallLog.DELETE_RELEASE)).isZero();
    assertThat(eventsFor("remade").stream().map(Event::getMessage))
        .anyMatch(
            m -> m.startsWith("Left the release of shop/flag-46") && m.contains("created at"));
  }

  /** A phase write LaunchDarkly answers with another release than the one read. */
  @Test
  void aWriteThatReachedAReleaseMadeAgainMeanwhileCountsItAsAdopted() {
    create("raced", spec("flag-47", "fast-track"));
    assertThat(awaitReady("raced").getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    simulator
        .faults()
        .changeBeforeNext(CallLog.UPDATE_PHASE, () -> remakeRelease("flag-47", "fast-track"));

    edit("raced", s -> s.setPhases(List.of(phase("Canary", Started))));
    await()
        .atMost(TIMEOUT)
        .until(() -> get("raced").getStatus().getReleaseOrigin() == ReleaseOrigin.Adopted);

    assertThat(countFor("flag-47", CallLog.UPDATE_PHASE)).isEqualTo(1);
    assertDeletingItLeavesTheRelease("raced", "flag-47");
  }

  /** The pass created the release; a later write of the same pass is refused by one made again. */
  @Test
  void aReleaseMadeAgainAfterThePassCreatedItsOwnIsNotTakenForItsOwn() {
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE,
            () -> {
              remakeRelease("flag-55", "fast-track");
              simulator.ui().startPhase(PROJECT, "flag-55", "Canary");
            });

    create("own-then-remade", spec("flag-55", "fast-track", phase("Canary", Started)));
    FlagRelease ready = awaitReady("own-then-remade");

    assertThat(writesFor("flag-55").stream().map(c -> describe(c) + " " + c.status()))
        .containsExactly("create fast-track 200", "Started Canary 400");
    assertThat(ready.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);
    assertDeletingItLeavesTheRelease("own-then-remade", "flag-55");
  }

  /**
   * A create LaunchDarkly answered 429 made nothing: the release a person makes before the retry is
   * not the resource's to delete.
   */
  @Test
  void aReleaseMadeByAPersonAfterARateLimitedCreateCountsAsAdopted() {
    simulator.faults().rateLimitNextOn(CallLog.CREATE_RELEASE, Duration.ofSeconds(2));

    create("limited-create", spec("flag-66", "fast-track", phase("Canary", Started)));
    await().atMost(TIMEOUT).until(() -> countFor("flag-66", CallLog.CREATE_RELEASE) == 1);
    simulator.ui().createRelease(PROJECT, "flag-66", "fast-track"); // before the retry

    assertThat(awaitReady("limited-create").getStatus().getReleaseOrigin())
        .isEqualTo(ReleaseOrigin.Adopted);
    assertThat(writesFor("flag-66").stream().map(c -> describe(c) + " " + c.status()))
        .containsExactly("create fast-track 429", "Started Canary 200");
    assertDeletingItLeavesTheRelease("limited-create", "flag-66");
  }

  /**
   * A create LaunchDarkly refused (the token revoked meanwhile) created nothing to call its own.
   */
  @Test
  void aCreateRefusedForItsTokenLeavesNoReleaseRecordedAsCreated() {
    simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 401);

    create("revoked", spec("flag-69", "fast-track", phase("Canary", Started)));
    FlagRelease stalled = awaitCondition("revoked", ConditionTypes.STALLED, "True", "Unauthorized");

    assertThat(stalled.getStatus().getReleaseOrigin()).isNull();
    assertThat(stalled.getStatus().getOwnedPipelineKey()).isNull();
  }

  /** Another Secret may hold the token of another account, with its own release of the flag. */
  @Test
  void aReleaseCreatedBeforeTheTokenSourceChangedCountsAsAdopted() {
    create("switched", spec("flag-36", "standard", phase("Testing", Started)));
    assertThat(awaitReady("switched").getStatus().getReleaseOrigin())
        .isEqualTo(ReleaseOrigin.Created);

    tokenSecret("other-account", SimulatorResource.SECRET_TOKEN);
    edit(
        "switched",
        s -> s.setAccessTokenSecretRef(new SecretKeyReference("other-account", "token")));
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                releases().withName("switched").get().getStatus().getReleaseOrigin()
                    == ReleaseOrigin.Adopted);
    assertThat(eventReasons("switched")).contains("ReleaseAdopted");

    releases().withName("switched").delete();
    await().atMost(TIMEOUT).until(() -> releases().withName("switched").get() == null);
    assertThat(simulator.release(PROJECT, "flag-36"))
        .as("deletionPolicy Delete leaves a release it cannot tell is its own")
        .isPresent();
  }

  /** Two keys of one Secret may hold the tokens of two accounts. */
  @Test
  void aReleaseCreatedBeforeTheTokenKeyChangedCountsAsAdopted() {
    tokenSecret(
        "two-accounts",
        Map.of("first", SimulatorResource.SECRET_TOKEN, "second", SimulatorResource.DEFAULT_TOKEN));
    FlagReleaseSpec keyed = spec("flag-48", "standard", phase("Testing", Started));
    keyed.setAccessTokenSecretRef(new SecretKeyReference("two-accounts", "first"));
    create("keyed", keyed);
    assertThat(awaitReady("keyed").getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);

    edit("keyed", s -> s.setAccessTokenSecretRef(new SecretKeyReference("two-accounts", "second")));
    await()
        .atMost(TIMEOUT)
        .until(() -> get("keyed").getStatus().getReleaseOrigin() == ReleaseOrigin.Adopted);
    assertThat(eventReasons("keyed")).contains("ReleaseAdopted");

    assertDeletingItLeavesTheRelease("keyed", "flag-48");
  }

  /** Deletes the FlagRelease (deletionPolicy Delete) and checks its release was left alone. */
  private void assertDeletingItLeavesTheRelease(String name, String flagKey) {
    releases().withName(name).delete();
    await().atMost(TIMEOUT).until(() -> releases().withName(name).get() == null);
    assertThat(simulator.release(PROJECT, flagKey)).isPresent();
    assertThat(countFor(flagKey, CallLog.DELETE_RELEASE)).isZero();
  }

  /**
   * Made and Ready, and older than what is made next by the API server's clock (whole seconds): a
   * tie on age would go to the name.
   */
  private void createReadyAndOlder(String name, FlagReleaseSpec spec) {
    create(name, spec);
    awaitReady(name);
    awaitOlderThanWhatComesNext(name);
  }

  /** Waits until what is made next is younger than {@code name} by whole seconds. */
  private void awaitOlderThanWhatComesNext(String name) {
    String created = get(name).getMetadata().getCreationTimestamp();
    await()
        .atMost(TIMEOUT)
        .until(() -> Instant.now().minusSeconds(1).isAfter(Instant.parse(created)));
  }
}
