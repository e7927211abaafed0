package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.NotStarted;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.flagops.operator.api.v1alpha1.AudienceSpec;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseGuardianSpec;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Create, drive, edit, adopt, move: the happy paths, with every write counted. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class FlagReleaseLifecycleIT extends OperatorTestBase {

  @Test
  void createsTheReleaseAndDrivesItsPhasesInOrderToReady() {
    PhaseSpec production = phase("Production", Started);
    ReleaseGuardianSpec guardian = new ReleaseGuardianSpec("30m", 20);
    production.setAudiences(List.of(new AudienceSpec("Prod env", guardian)));
    FlagReleaseSpec spec =
        spec(
            "flag-01",
            "standard",
            phase("Testing", Complete),
            phase("Staging", Complete),
            production);
    spec.setReleaseVariationId("var-on-01");

    create("checkout", spec);
    FlagRelease ready = awaitReady("checkout");

    assertThat(ready.getStatus().getObservedGeneration())
        .isEqualTo(ready.getMetadata().getGeneration());
    assertThat(ready.getStatus().getState()).isEqualTo(ReleaseState.Ready);
    assertThat(ready.getStatus().getCurrentPhase()).isEqualTo("Production");
    assertThat(ready.getStatus().getOwnedPipelineKey()).isEqualTo("standard");
    assertThat(ready.getStatus().getRelease().getPipelineKey()).isEqualTo("standard");
    assertThat(ready.getStatus().getRelease().getLegacy()).isFalse();
    assertThat(ready.getStatus().getRelease().getVariationId()).isEqualTo("var-on-01");
    assertThat(ready.getStatus().getPhases())
        .extracting(p -> p.getName() + "=" + p.getStatus())
        .containsExactly("Testing=Complete", "Staging=Complete", "Production=Started");
    assertThat(condition(ready, ConditionTypes.RECONCILING).getStatus()).isEqualTo("False");
    assertThat(condition(ready, ConditionTypes.STALLED).getStatus()).isEqualTo("False");

    // LaunchDarkly holds what the spec asked, with the guardian settings sent at start
    JsonNode release = simulator.release(PROJECT, "flag-01").orElseThrow();
    assertThat(release.path("releasePipelineKey").asText()).isEqualTo("standard");
    JsonNode prodAudience = release.path("phases").get(2).path("_audiences").get(0);
    assertThat(
            prodAudience
                .path("configuration")
                .path("releaseGuardianConfiguration")
                .path("monitoringWindowMilliseconds")
                .asLong())
        .isEqualTo(1_800_000L);
    assertThat(
            prodAudience
                .path("configuration")
                .path("releaseGuardianConfiguration")
                .path("rolloutWeight")
                .asInt())
        .isEqualTo(20);

    // every write exactly once, in pipeline order
    List<String> writes = writesFor("flag-01").stream().map(this::describe).toList();
    assertThat(writes)
        .containsExactly(
            "create standard",
            "Started Testing",
            "Complete Testing",
            "Started Staging",
            "Complete Staging",
            "Started Production");
    assertThat(writesFor("flag-01")).allMatch(c -> c.status() == 200);
    assertThat(eventReasons("checkout"))
        .contains("ReleaseCreated", "PhaseStarted", "PhaseCompleted")
        .doesNotContain("ReleaseAdopted");
  }

  @Test
  void anInSyncResourceCostsOneGetPerPollAndNoWrites() {
    create("steady", spec("flag-02", "fast-track", phase("Canary", Started)));
    FlagRelease ready = awaitReady("steady");
    String resourceVersion = ready.getMetadata().getResourceVersion();
    simulator.calls().clear();

    // polls every ~1 s in tests: wait for at least three
    await().atMost(TIMEOUT).until(() -> countFor("flag-02", CallLog.GET_RELEASE) >= 3);

    assertThat(callsFor("flag-02")).allMatch(c -> c.route().equals(CallLog.GET_RELEASE));
    assertThat(simulator.calls().count(CallLog.GET_PIPELINE)).isZero();
    assertThat(get("steady").getMetadata().getResourceVersion())
        .as("no status write when nothing changed")
        .isEqualTo(resourceVersion);
  }

  @Test
  void editingTheSpecToStartTheNextPhaseMakesExactlyThatCall() {
    create("next", spec("flag-03", "standard", phase("Testing", Complete)));
    awaitReady("next");
    simulator.calls().clear();

    edit("next", s -> s.getPhases().add(phase("Staging", Started)));
    FlagRelease ready = awaitReady("next");

    assertThat(writesFor("flag-03").stream().map(this::describe))
        .containsExactly("Started Staging");
    assertThat(ready.getStatus().getCurrentPhase()).isEqualTo("Staging");
    // the history: created, Testing driven to Complete, then the edit's start of Staging
    assertThat(ready.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .startsWith("null null -> standard Operator")
        .anyMatch(change -> change.startsWith("Testing ") && change.endsWith("Complete Operator"))
        .contains("Staging NotStarted -> ReadyToStart LaunchDarkly")
        .endsWith("Staging ReadyToStart -> Started Operator");
  }

  /**
   * After a rollback, an operator meets fields a later one wrote: the spec's and the status's are
   * read past, not refused (which would stop every FlagRelease), and the status's are written back
   * as they were, so none of the later operator's records is lost.
   */
  @Test
  void fieldsOfALaterOperatorAreReadPastAndKept() {
    var later =
        createAsWritten(
            "later",
            "flag-98",
            Map.of("name", "Canary", "status", "Started"),
            Map.of("suspend", true));
    awaitCondition("later", ConditionTypes.READY, "False", "Suspended");
    // a later operator's record in the status (it writes the whole status, as this one does)
    GenericKubernetesResource suspended = later.get();
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) suspended.get("status");
    status.put("laterRecord", Map.of("a", 1));
    untyped().resource(suspended).updateStatus();

    edit("later", spec -> spec.setSuspend(false));

    awaitReady("later");
    Object kept = ((Map<?, ?>) later.get().get("status")).get("laterRecord");
    assertThat(kept).isEqualTo(Map.of("a", 1));
  }

  /**
   * A spec field this operator does not know (a later version's, or a typo an API server without
   * the schema let through) is refused by name, not read past: what it asks would not be done.
   */
  @Test
  void aSpecFieldTheOperatorDoesNotKnowIsRefusedByName() {
    createAsWritten(
        "unknown-field",
        "flag-98",
        Map.of("name", "Canary", "status", "Started", "forcecomplete", true), // misspelled
        Map.of());

    FlagRelease refused =
        awaitCondition("unknown-field", ConditionTypes.STALLED, "True", "InvalidSpec");
    assertThat(refused.getStatus().getMessage())
        .startsWith("spec.phases[0].forcecomplete: not a field this operator knows");
    assertThat(callsFor("flag-98")).isEmpty();
  }

  /**
   * A value this operator does not know (a later version's phase status, kept by the newer CRD
   * after a rollback) stalls that resource by name, before any call, and keeps the value as
   * written; it does not stop the operator from reading, and reconciling, every other resource.
   */
  @Test
  void aSpecValueTheOperatorDoesNotKnowIsRefusedByNameAndStopsNoOtherResource() {
    var later =
        createAsWritten(
            "later-value", "flag-101", Map.of("name", "Canary", "status", "Paused"), Map.of());
    create("beside-later-value", spec("flag-102", "fast-track", phase("Canary", Started)));
    awaitReady("beside-later-value");

    FlagRelease refused =
        awaitCondition("later-value", ConditionTypes.STALLED, "True", "InvalidSpec");
    assertThat(refused.getStatus().getMessage())
        .startsWith(
            "spec.phases[0].status: 'Paused' is not a value this operator knows (NotStarted,"
                + " Started or Complete)");
    assertThat(callsFor("flag-101")).isEmpty();
    assertThat(later.get().get("spec").toString()).contains("status=Paused");
  }

  @Test
  void theStatusSaysTheOperatorCreatesTheReleaseBeforeTheCreateIsSent() {
    // what a restart between the create and the next status write would find in the status
    AtomicReference<FlagReleaseStatus> whenCreating = new AtomicReference<>();
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.CREATE_RELEASE, () -> whenCreating.set(get("durable").getStatus()));

    create("durable", spec("flag-38", "standard", phase("Testing", Started)));
    FlagRelease ready = awaitReady("durable");

    assertThat(whenCreating.get())
        .as("the status when the create reached LaunchDarkly")
        .isNotNull();
    assertThat(whenCreating.get().getOwnedPipelineKey()).isEqualTo("standard");
    assertThat(whenCreating.get().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    assertThat(ready.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
  }

  @Test
  void aPhaseStartedInLaunchDarklyIsInTheHistoryAsNotTheOperators() {
    create("watched", spec("flag-37", "standard", phase("Testing", Complete)));
    awaitReady("watched");

    simulator.ui().startPhase(PROJECT, "flag-37", "Staging");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(get("watched").getStatus().getHistory())
                    .last()
                    .extracting(c -> c.getPhase() + " " + c.getTo() + " " + c.getBy())
                    .isEqualTo("Staging Started Unknown"));
  }

  @Test
  void completesAStartedPhaseWhenTheSpecAsksComplete() {
    create(
        "finish",
        spec("flag-04", "standard", phase("Testing", Complete), phase("Staging", Started)));
    awaitReady("finish");
    simulator.calls().clear();

    edit("finish", s -> s.getPhases().get(1).setStatus(Complete));
    FlagRelease ready = awaitReady("finish");

    assertThat(writesFor("flag-04").stream().map(this::describe))
        .containsExactly("Complete Staging");
    assertThat(ready.getStatus().getCurrentPhase()).isEqualTo("Production");
  }

  @Test
  void aLaterPhaseWaitsWhileLaunchDarklyFinishesAnEarlierOne() {
    simulator.setMonitoringWindowScale(0.0005);
    create(
        "chain",
        spec(
            "flag-05",
            "standard",
            phase("Testing", Complete),
            phase("Staging", Complete),
            phase("Production", Started)));
    awaitReady("chain");
    // the release is on fast polling only while it waits; here it waited for nothing
    create(
        "wait", spec("flag-06", "fast-track", phase("Canary", Started), phase("General", Started)));

    FlagRelease waiting =
        awaitCondition("wait", ConditionTypes.RECONCILING, "True", "WaitingForPhase");
    assertThat(waiting.getStatus().getMessage())
        .contains(
            "waiting for phase 'Canary' to be completed in LaunchDarkly (spec.phases[0].status"
                + " Complete has the operator complete it) before starting phase 'General'");
    assertThat(waiting.getStatus().getState()).isEqualTo(ReleaseState.Progressing);
    // nothing in LaunchDarkly ends that wait, so it is polled as a settled resource is (1s here,
    // jitter 0.1), not at the progressing interval (300ms) kept for guardrails about to end
    long readsWhileWaiting = countFor("flag-06", CallLog.GET_RELEASE);
    await()
        .atMost(TIMEOUT)
        .until(() -> countFor("flag-06", CallLog.GET_RELEASE) >= readsWhileWaiting + 4);
    List<Instant> reads =
        callsFor("flag-06").stream()
            .filter(c -> c.route().equals(CallLog.GET_RELEASE))
            .map(CallLog.Call::at)
            .toList();
    for (int i = reads.size() - 2; i < reads.size(); i++) {
      assertThat(Duration.between(reads.get(i - 1), reads.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(850));
    }

    simulator.ui().completePhase(PROJECT, "flag-06", "Canary");
    awaitReady("wait");
    assertThat(writesFor("flag-06").stream().map(this::describe))
        .containsExactly("create fast-track", "Started Canary", "Started General");
  }

  /** A legacy PATCH whose answer is lost went through: the history and the events say so. */
  @Test
  void aLegacyPatchWhoseAnswerWasLostIsStillTheOperators() {
    simulator.faults().loseAnswerOfNext(CallLog.PATCH_RELEASE);
    create("legacy-unanswered", spec("flag-88", "manual", phase("QA", Complete)));
    FlagRelease ready = awaitReady("legacy-unanswered");

    assertThat(ready.getStatus().getHistory())
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .containsExactly("null null -> manual Operator", "QA NotStarted -> Complete Operator");
    assertThat(eventReasons("legacy-unanswered"))
        .as("the write, and the failed call LaunchDarkly never answered")
        .contains("LegacyPhasesUpdated", "LaunchDarklyUnavailable");
    assertThat(countFor("flag-88", CallLog.PATCH_RELEASE)).as("patched once").isEqualTo(1);
  }

  @Test
  void drivesALegacyPipelineWithTheJsonPatchBothWays() {
    create(
        "legacy",
        spec("flag-07", "manual", phase("QA", Complete), phase("Production", NotStarted)));
    FlagRelease ready = awaitReady("legacy");
    assertThat(ready.getStatus().getRelease().getLegacy()).isTrue();
    assertThat(ready.getStatus().getPhases())
        .extracting(p -> p.getName() + "=" + p.getStatus())
        .containsExactly("QA=Complete", "Production=NotStarted");

    edit("legacy", s -> s.getPhases().get(0).setStatus(NotStarted));
    await().atMost(TIMEOUT).until(() -> !firstPhaseComplete("flag-07"));
    awaitReady("legacy");

    List<CallLog.Call> writes = writesFor("flag-07");
    assertThat(writes.stream().map(this::describe))
        .containsExactly("create manual", "PATCH", "PATCH");
    assertThat(writes.get(1).requestBody()).contains("\"/phases/0/complete\"").contains("true");
    assertThat(writes.get(2).requestBody()).contains("\"/phases/0/complete\"").contains("false");
    assertThat(countFor("flag-07", CallLog.UPDATE_PHASE)).isZero();
  }

  @Test
  void aLegacyPhaseAskedBackIsUnmarkedAlthoughTheFirstPatchFailed() {
    create(
        "legacy-back",
        spec("flag-11", "manual", phase("QA", Complete), phase("Production", NotStarted)));
    awaitReady("legacy-back");
    simulator.faults().failNextOn(CallLog.PATCH_RELEASE, 503);

    edit("legacy-back", s -> s.getPhases().get(0).setStatus(NotStarted));

    await().atMost(TIMEOUT).until(() -> !firstPhaseComplete("flag-11"));
    FlagRelease ready = awaitReady("legacy-back");
    assertThat(writesFor("flag-11").stream().map(c -> describe(c) + " " + c.status()))
        .containsExactly("create manual 200", "PATCH 200", "PATCH 503", "PATCH 200");
    assertThat(ready.getStatus().getMessage()).isEqualTo("LaunchDarkly matches the spec");
  }

  @Test
  void adoptsAReleaseThatAlreadyFollowsThePipeline() {
    simulator.ui().createRelease(PROJECT, "flag-08", "standard");

    create("adopt", spec("flag-08", "standard", phase("Testing", Started)));
    FlagRelease ready = awaitReady("adopt");

    assertThat(countFor("flag-08", CallLog.CREATE_RELEASE)).isZero();
    assertThat(writesFor("flag-08").stream().map(this::describe))
        .containsExactly("Started Testing");
    assertThat(ready.getStatus().getOwnedPipelineKey()).isEqualTo("standard");
    assertThat(ready.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Adopted);
    assertThat(eventReasons("adopt")).contains("ReleaseAdopted");
  }

  @Test
  void leavesAReleaseOnAnotherPipelineItDoesNotOwnUntouched() {
    simulator.ui().createRelease(PROJECT, "flag-09", "fast-track");

    create("conflict", spec("flag-09", "standard", phase("Testing", Started)));
    FlagRelease stalled =
        awaitCondition("conflict", ConditionTypes.STALLED, "True", "PipelineConflict");

    assertThat(stalled.getStatus().getMessage()).contains("pipeline 'fast-track'");
    assertThat(stalled.getStatus().getState()).isEqualTo(ReleaseState.Failed);
    assertThat(condition(stalled, ConditionTypes.READY).getStatus()).isEqualTo("False");
    assertThat(writesFor("flag-09")).isEmpty();
    assertThat(
            simulator.release(PROJECT, "flag-09").orElseThrow().path("releasePipelineKey").asText())
        .isEqualTo("fast-track");
  }

  @Test
  void movesAnOwnedReleaseWhenThePipelineChangesAnnouncingItFirst() {
    create("mover", spec("flag-10", "standard", phase("Testing", Started)));
    awaitReady("mover");
    simulator.calls().clear();
    List<String> reasons = recordReasons("mover");

    edit(
        "mover",
        s -> {
          s.setReleasePipelineKey("fast-track");
          s.setPhases(new java.util.ArrayList<>(List.of(phase("Canary", Started))));
        });
    FlagRelease ready = awaitReady("mover");

    assertThat(writesFor("flag-10").stream().map(this::describe))
        .containsExactly("DELETE", "create fast-track", "Started Canary");
    assertThat(simulator.calls().entries().stream().map(c -> c.method() + " " + c.path()))
        .as("the new pipeline is read before the release is deleted")
        .containsSubsequence(
            "GET /api/v2/projects/shop/release-pipelines/fast-track",
            "DELETE /api/v2/flags/shop/flag-10/release");
    reasons = caughtUp("mover", reasons);
    assertThat(reasons)
        .as("the status says what is about to happen before it happens")
        .contains(
            "MovingPipeline: moving the release of shop/flag-10 from pipeline 'standard' to"
                + " 'fast-track': deleting it there, then creating it on 'fast-track'");
    assertThat(reasons)
        .contains("CreatingRelease: creating the release of shop/flag-10 on pipeline 'fast-track'");
    assertThat(eventReasons("mover"))
        .containsSubsequence("ReleaseMoving", "ReleaseDeleted", "ReleaseCreated");
    assertThat(ready.getStatus().getOwnedPipelineKey()).isEqualTo("fast-track");
    assertThat(ready.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    assertThat(
            simulator.release(PROJECT, "flag-10").orElseThrow().path("releasePipelineKey").asText())
        .isEqualTo("fast-track");
  }

  /** Whether LaunchDarkly has the release's first phase complete. */
  private boolean firstPhaseComplete(String flag) {
    return simulator
        .release(PROJECT, flag)
        .orElseThrow()
        .path("phases")
        .get(0)
        .path("complete")
        .asBoolean();
  }

  private NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      untyped() {
    return client
        .genericKubernetesResources("flagops.io/v1alpha1", "FlagRelease")
        .inNamespace(NAMESPACE);
  }

  /**
   * Creates a FlagRelease as written, untyped: what this version's classes could not write (a later
   * version's fields and values), with the defaults the API server fills in and the mock does not.
   */
  private Resource<GenericKubernetesResource> createAsWritten(
      String name, String flagKey, Map<String, Object> phase, Map<String, Object> more) {
    Map<String, Object> spec = new LinkedHashMap<>(more);
    spec.putAll(
        Map.of(
            "projectKey",
            PROJECT,
            "flagKey",
            flagKey,
            "releasePipelineKey",
            "fast-track",
            "deletionPolicy",
            "Delete",
            "managementPolicy",
            "Manage",
            "phases",
            List.of(phase)));
    untyped()
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("flagops.io/v1alpha1")
                .withKind("FlagRelease")
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build())
        .create();
    return untyped().withName(name);
  }
}
