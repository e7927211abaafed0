package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.reconciler.support.DefinitionDeletion;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deleting a FlagRelease, with each deletion policy and when LaunchDarkly is out of reach. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class FlagReleaseDeletionIT extends OperatorTestBase {
  @KubernetesTestServer KubernetesServer server;

  @Test
  void deletePolicyDeletesTheRelease() {
    create("doomed", spec("flag-11", "fast-track", phase("Canary", Started)));
    assertThat(awaitReady("doomed").getStatus().getReleaseOrigin())
        .isEqualTo(ReleaseOrigin.Created);

    releases().withName("doomed").delete();

    await().atMost(TIMEOUT).until(() -> get("doomed") == null);
    assertThat(simulator.release(PROJECT, "flag-11")).isEmpty();
    assertThat(countFor("flag-11", CallLog.DELETE_RELEASE)).isEqualTo(1);
    assertThat(eventReasons("doomed")).contains("ReleaseDeleted");
  }

  /**
   * What the operator asks of the Kubernetes API through a resource's life (its status, its
   * finalizer, its events) needs no verb beyond those the chart and kustomize grant: no update of a
   * FlagRelease or its status (JSON patches), no patch of an event (each is created).
   */
  @Test
  void theOperatorPatchesFlagReleasesAndCreatesEventsOnly() throws InterruptedException {
    create("verbs", spec("flag-12", "fast-track", phase("Canary", Started)));
    awaitReady("verbs");
    releases().withName("verbs").delete();
    await().atMost(TIMEOUT).until(() -> get("verbs") == null);

    List<String> asked = new ArrayList<>();
    for (RecordedRequest request = server.getKubernetesMockServer().takeRequest(1, SECONDS);
        request != null;
        request = server.getKubernetesMockServer().takeRequest(1, SECONDS)) {
      String path = request.getPath().replaceAll("\\?.*", "");
      // FlagReleases and events (the CRD is a test's to put: the operator only reads it)
      if (path.startsWith("/apis/flagops.io/")
          || path.matches("/api/v1/namespaces/[^/]+/events(/.*)?")) {
        asked.add(request.getMethod() + " " + path);
      }
    }
    assertThat(asked)
        .isNotEmpty()
        .anyMatch(call -> call.startsWith("PATCH") && call.endsWith("/verbs/status"))
        .noneMatch(call -> call.startsWith("PUT"))
        .noneMatch(call -> call.startsWith("PATCH") && call.contains("/events"));
  }

  /**
   * LaunchDarkly failing the DELETE again and again: each try waits longer than the last, as the
   * passes of a resource do (exponential backoff with jitter), not every few seconds for ever.
   */
  @Test
  void aDeletionLaunchDarklyKeepsFailingBacksOff() {
    create("flaky-going", spec("flag-11", "fast-track", phase("Canary", Started)));
    awaitReady("flaky-going");
    for (int i = 0; i < 5; i++) {
      simulator.faults().failNextOn(CallLog.DELETE_RELEASE, 503);
    }

    releases().withName("flaky-going").delete();
    await().atMost(TIMEOUT).until(() -> get("flaky-going") == null);

    List<Instant> deletes =
        simulator.calls().entries().stream()
            .filter(call -> call.route().equals(CallLog.DELETE_RELEASE))
            .map(CallLog.Call::at)
            .toList();
    assertThat(deletes).hasSize(6);
    Duration first = Duration.between(deletes.get(0), deletes.get(1));
    Duration last = Duration.between(deletes.get(4), deletes.get(5));
    assertThat(last).as("the gaps: " + deletes).isGreaterThan(first.multipliedBy(2));
    assertThat(simulator.release(PROJECT, "flag-11")).isEmpty();
  }

  /**
   * Deleting the CRD (an uninstall by {@code kubectl delete -k}, an Argo CD Application deleted
   * with its resources) deletes every FlagRelease: never a request to delete their releases.
   * Kubernetes marks the CRD for deletion first, as the mock does here for a CRD with a finalizer.
   */
  @Test
  void aCrdBeingDeletedTakesItsFlagReleasesButLeavesTheirReleases() throws IOException {
    create("uninstalled", spec("flag-84", "fast-track", phase("Canary", Started)));
    create("uninstalled-suspended", spec("flag-85", "fast-track", phase("Canary", Started)));
    awaitReady("uninstalled");
    awaitReady("uninstalled-suspended");
    edit("uninstalled-suspended", s -> s.setSuspend(true));
    // deleted before the CRD: its deletion waits for a person (suspended) until the CRD goes too
    releases().withName("uninstalled-suspended").delete();
    awaitCondition("uninstalled-suspended", ConditionTypes.STALLED, "True", "DeletionBlocked");
    var definition =
        client.apiextensions().v1().customResourceDefinitions().withName(DefinitionDeletion.CRD);
    try {
      definition.edit(
          crd -> {
            crd.getMetadata().getFinalizers().add("customresourcecleanup.apiextensions.k8s.io");
            return crd;
          });
      definition.delete();
      assertThat(definition.get().getMetadata().getDeletionTimestamp()).isNotNull();

      releases().withName("uninstalled").delete();

      await().atMost(TIMEOUT).until(() -> get("uninstalled") == null);
      assertThat(simulator.release(PROJECT, "flag-84")).isPresent();
      assertThat(countFor("flag-84", CallLog.DELETE_RELEASE)).isZero();
      // its deletion is looked at again, though no event comes: else it would hold the CRD's
      await().atMost(TIMEOUT).until(() -> get("uninstalled-suspended") == null);
      assertThat(simulator.release(PROJECT, "flag-85")).isPresent();
      assertThat(eventsFor("uninstalled"))
          .anyMatch(
              e ->
                  e.getReason().equals("ReleaseOrphaned")
                      && e.getMessage()
                          .startsWith(
                              "Left the release of shop/flag-84 in LaunchDarkly: the"
                                  + " CustomResourceDefinition flagreleases.flagops.io is being"
                                  + " deleted"));
    } finally {
      definition.edit(
          crd -> {
            crd.getMetadata().getFinalizers().clear();
            return crd;
          });
      await().atMost(TIMEOUT).until(() -> definition.get() == null);
      prepareCluster(); // the next tests' CRD
    }
  }

  @Test
  void anAdoptedReleaseIsLeftInPlaceWhenTheResourceGoes() {
    simulator.ui().createRelease(PROJECT, "flag-15", "fast-track");
    create("adopter", spec("flag-15", "fast-track", phase("Canary", Started)));
    assertThat(awaitReady("adopter").getStatus().getReleaseOrigin())
        .isEqualTo(ReleaseOrigin.Adopted);

    releases().withName("adopter").delete();

    await().atMost(TIMEOUT).until(() -> get("adopter") == null);
    assertThat(simulator.release(PROJECT, "flag-15")).isPresent();
    assertThat(countFor("flag-15", CallLog.DELETE_RELEASE)).isZero();
    assertThat(eventsFor("adopter"))
        .anyMatch(
            e ->
                e.getReason().equals("ReleaseLeft")
                    && e.getMessage()
                        .equals(
                            "Left the release of shop/flag-15 on pipeline 'fast-track' in"
                                + " LaunchDarkly: this FlagRelease adopted it rather than created"
                                + " it (deletionPolicy DeleteEvenIfAdopted deletes adopted"
                                + " releases too)"));
  }

  @Test
  void deleteEvenIfAdoptedDeletesAnAdoptedRelease() {
    simulator.ui().createRelease(PROJECT, "flag-16", "fast-track");
    FlagReleaseSpec spec = spec("flag-16", "fast-track", phase("Canary", Started));
    spec.setDeletionPolicy(DeletionPolicy.DeleteEvenIfAdopted);
    create("taker", spec);
    awaitReady("taker");

    releases().withName("taker").delete();

    await().atMost(TIMEOUT).until(() -> get("taker") == null);
    assertThat(simulator.release(PROJECT, "flag-16")).isEmpty();
  }

  @Test
  void aReleaseWhoseCreateAnswerWasLostStillCountsAsCreated() {
    simulator.faults().loseAnswerOfNext(CallLog.CREATE_RELEASE);
    create("unanswered", spec("flag-17", "fast-track", phase("Canary", Started)));
    FlagRelease ready = awaitReady("unanswered");

    assertThat(ready.getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    assertThat(countFor("flag-17", CallLog.CREATE_RELEASE)).as("created once").isEqualTo(1);
    assertThat(eventReasons("unanswered")).doesNotContain("ReleaseAdopted");
    assertThat(ready.getStatus().getHistory())
        .as("the history says who made the release and started its phase")
        .extracting(c -> c.getPhase() + " " + c.getFrom() + " -> " + c.getTo() + " " + c.getBy())
        .containsExactly(
            "null null -> fast-track Operator", "Canary NotStarted -> Started Operator");

    releases().withName("unanswered").delete();
    await().atMost(TIMEOUT).until(() -> get("unanswered") == null);
    assertThat(simulator.release(PROJECT, "flag-17")).isEmpty();
  }

  @Test
  void orphanPolicyKeepsTheRelease() {
    FlagReleaseSpec spec = spec("flag-12", "fast-track", phase("Canary", Started));
    spec.setDeletionPolicy(DeletionPolicy.Orphan);
    create("kept", spec);
    awaitReady("kept");

    releases().withName("kept").delete();

    await().atMost(TIMEOUT).until(() -> get("kept") == null);
    assertThat(simulator.release(PROJECT, "flag-12")).isPresent();
    assertThat(countFor("flag-12", CallLog.DELETE_RELEASE)).isZero();
  }

  @Test
  void aReleaseAlreadyGoneDoesNotBlockDeletion() {
    create("gone", spec("flag-13", "fast-track", phase("Canary", Started)));
    awaitReady("gone");
    long createsBefore = countFor("flag-13", CallLog.CREATE_RELEASE);

    simulator.ui().deleteRelease(PROJECT, "flag-13");
    releases().withName("gone").delete();

    await().atMost(TIMEOUT).until(() -> get("gone") == null);
    assertThat(simulator.release(PROJECT, "flag-13")).isEmpty();
    if (countFor("flag-13", CallLog.CREATE_RELEASE) == createsBefore) {
      // no poll recreated it in between: deletion found nothing to delete
      assertThat(countFor("flag-13", CallLog.DELETE_RELEASE)).isZero();
    }
  }

  /**
   * A person deletes the release between the deletion's read and its DELETE (answered 404): the
   * deletion finishes, and does not say the operator deleted it.
   */
  @Test
  void aReleaseDeletedJustBeforeTheDeleteIsNotSaidAsTheOperatorsDeletion() {
    create("gone-meanwhile", spec("flag-14", "fast-track", phase("Canary", Started)));
    awaitReady("gone-meanwhile");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.DELETE_RELEASE, () -> simulator.ui().deleteRelease(PROJECT, "flag-14"));

    releases().withName("gone-meanwhile").delete();
    await().atMost(TIMEOUT).until(() -> get("gone-meanwhile") == null);

    assertThat(eventsFor("gone-meanwhile"))
        .extracting(e -> e.getReason() + ": " + e.getMessage())
        .contains(
            "ReleaseDeleted: The release of shop/flag-14 was already gone: deleted before the"
                + " operator's delete")
        .noneMatch(e -> e.startsWith("DeletionBlocked") || e.startsWith("DeletionRetrying"));
    assertThat(countFor("flag-14", CallLog.DELETE_RELEASE)).isEqualTo(1);
  }

  @Test
  void anAdoptedReleaseIsLeftWithoutWaitingForATokenWhenTheSecretWentFirst() {
    // as when a namespace is deleted: its Secrets can go before its FlagReleases
    tokenSecret("ld-token-adopter", SimulatorResource.SECRET_TOKEN);
    simulator.ui().createRelease(PROJECT, "flag-18", "fast-track");
    FlagReleaseSpec spec =
        specThrough("ld-token-adopter", "flag-18", "fast-track", phase("Canary", Started));
    create("adopter-without-token", spec);
    assertThat(awaitReady("adopter-without-token").getStatus().getReleaseOrigin())
        .isEqualTo(ReleaseOrigin.Adopted);

    client.secrets().inNamespace(NAMESPACE).withName("ld-token-adopter").delete();
    awaitTokenSecretMissing("adopter-without-token");
    releases().withName("adopter-without-token").delete();

    await().atMost(TIMEOUT).until(() -> get("adopter-without-token") == null);
    assertThat(simulator.release(PROJECT, "flag-18")).isPresent();
    assertThat(eventReasons("adopter-without-token")).contains("ReleaseLeft");
  }

  /**
   * A release created through one token Secret, the spec then pointed at another that does not
   * exist yet: the release counts as adopted (the new token may reach another account), so Delete
   * leaves it, and needs no token for that.
   */
  @Test
  void deleteLeavesAReleaseCreatedThroughAnotherTokenSourceWithoutWaitingForAToken() {
    tokenSecret("first-source", SimulatorResource.SECRET_TOKEN);
    FlagReleaseSpec spec =
        specThrough("first-source", "flag-76", "fast-track", phase("Canary", Started));
    create("re-pointed", spec);
    awaitReady("re-pointed");
    edit("re-pointed", s -> s.setAccessTokenSecretRef(new SecretKeyReference("not-yet", "token")));
    awaitTokenSecretMissing("re-pointed");

    releases().withName("re-pointed").delete();
    await().atMost(TIMEOUT).until(() -> get("re-pointed") == null);

    assertThat(simulator.release(PROJECT, "flag-76")).isPresent();
    assertThat(countFor("flag-76", CallLog.DELETE_RELEASE)).isZero();
    assertThat(eventReasons("re-pointed")).contains("ReleaseAdopted", "ReleaseLeft");
  }

  @Test
  void switchingToOrphanLetsAStuckDeletionFinish() {
    tokenSecret("ld-token-stuck", SimulatorResource.SECRET_TOKEN);
    FlagReleaseSpec spec =
        specThrough("ld-token-stuck", "flag-14", "fast-track", phase("Canary", Started));
    create("stuck", spec);
    awaitReady("stuck");

    client.secrets().inNamespace(NAMESPACE).withName("ld-token-stuck").delete();
    // the operator has seen the Secret go: else the deletion may still use the token it read
    awaitTokenSecretMissing("stuck");
    releases().withName("stuck").delete();

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get("stuck").getStatus().getState() == ReleaseState.Deleting
                    && get("stuck").getStatus().getMessage().contains("deletionPolicy to Orphan"));
    FlagRelease stuck = get("stuck");
    assertThat(stuck.getStatus().getMessage()).contains("Secret 'ld-token-stuck' not found");
    assertThat(condition(stuck, ConditionTypes.STALLED).getStatus())
        .as("a person must act: tools show it as such")
        .isEqualTo("True");
    assertThat(condition(stuck, ConditionTypes.STALLED).getReason()).isEqualTo("DeletionBlocked");
    assertThat(condition(stuck, ConditionTypes.RECONCILING).getStatus()).isEqualTo("False");

    edit("stuck", s -> s.setDeletionPolicy(DeletionPolicy.Orphan));
    await().atMost(TIMEOUT).until(() -> get("stuck") == null);
    assertThat(simulator.release(PROJECT, "flag-14")).isPresent();
  }

  /**
   * deletionPolicy set to Orphan while the deletion reads the release: the DELETE that the pass
   * planned with Delete is not sent, although LaunchDarkly answers at once and the operator's watch
   * may not have brought the edit yet (the resource is read again before the DELETE).
   */
  @Test
  void anOrphanSetDuringTheDeletionsReadKeepsTheRelease() {
    create("orphaned-late", spec("flag-131", "fast-track", phase("Canary", Started)));
    awaitReady("orphaned-late");
    beforeTheDeletionsRead(
        "orphaned-late",
        () -> edit("orphaned-late", s -> s.setDeletionPolicy(DeletionPolicy.Orphan)));

    releases().withName("orphaned-late").delete();

    await().atMost(TIMEOUT).until(() -> get("orphaned-late") == null);
    assertThat(countFor("flag-131", CallLog.DELETE_RELEASE)).isZero();
    assertThat(simulator.release(PROJECT, "flag-131")).isPresent();
    assertThat(eventReasons("orphaned-late")).contains("ReleaseOrphaned");
  }

  /**
   * The FlagRelease cannot be read again from the Kubernetes API just before the DELETE: nothing is
   * deleted then, the deletion says why and is retried, and the release goes at the next try.
   */
  @Test
  void aFailedReadOfTheFlagReleaseBeforeTheDeleteDeletesNothingThenAndIsRetried() {
    create("unconfirmed", spec("flag-132", "fast-track", phase("Canary", Started)));
    awaitReady("unconfirmed");
    // the operator's next read of this FlagRelease, just after LaunchDarkly answers
    beforeTheDeletionsRead(
        "unconfirmed",
        () ->
            server
                .expect()
                .get()
                .withPath(flagReleasePath("unconfirmed"))
                .andReturn(500, "etcd unavailable")
                .once());

    releases().withName("unconfirmed").delete();

    // awaited on LaunchDarkly, not with reads of the FlagRelease that would take the failure
    await().atMost(TIMEOUT).until(() -> simulator.release(PROJECT, "flag-132").isEmpty());
    assertThat(countFor("flag-132", CallLog.DELETE_RELEASE)).isEqualTo(1);
    assertThat(eventsFor("unconfirmed"))
        .anyMatch(
            e ->
                e.getReason().equals("DeletionRetrying")
                    && e.getMessage()
                        .startsWith(
                            "deletion waits: the FlagRelease could not be read again from the"
                                + " Kubernetes API before deleting the release (")
                    && e.getMessage().contains("so nothing was deleted"));
    await().atMost(TIMEOUT).until(() -> get("unconfirmed") == null);
  }

  /**
   * A deletion blocked because the token Secret was gone goes on once the Secret is made again: its
   * first call failing briefly is said (Deleting), no longer that a person must make the Secret,
   * which they did.
   */
  @Test
  void aDeletionBlockedByAMissingSecretSaysTheFailureOnceTheSecretIsMade() {
    tokenSecret("ld-token-back", SimulatorResource.SECRET_TOKEN);
    create(
        "back", specThrough("ld-token-back", "flag-124", "fast-track", phase("Canary", Started)));
    awaitReady("back");
    client.secrets().inNamespace(NAMESPACE).withName("ld-token-back").delete();
    awaitTokenSecretMissing("back");
    releases().withName("back").delete();
    awaitCondition("back", ConditionTypes.STALLED, "True", "DeletionBlocked");

    List<String> reasons = recordReasons("back");
    simulator.faults().failNextOn(CallLog.GET_RELEASE, 503);
    tokenSecret("ld-token-back", SimulatorResource.SECRET_TOKEN);

    await()
        .atMost(TIMEOUT)
        .until(
            () -> reasons.stream().anyMatch(r -> r.startsWith("Deleting: ") && r.contains("503")));
    await().atMost(TIMEOUT).until(() -> get("back") == null);
    assertThat(simulator.release(PROJECT, "flag-124")).isEmpty();
  }

  /**
   * A deletion blocked by a token LaunchDarkly refuses stays Stalled through brief LaunchDarkly
   * failures between refusals (a 503, a 429 that gives a wait), however long it has stood: flipping
   * to Deleting and back would reset the stall's time and resolve its alert, as if the deletion had
   * got going.
   */
  @Test
  void aDeletionBlockedByARefusedTokenStaysStalledThroughABriefFailure() {
    tokenSecret("ld-token-refused", SimulatorResource.SECRET_TOKEN);
    create(
        "refused-out",
        specThrough("ld-token-refused", "flag-114", "fast-track", phase("Canary", Started)));
    awaitReady("refused-out");
    tokenSecret("ld-token-refused", "api-wrong-token-0c0ffee0"); // rotated to a refused token
    awaitCondition("refused-out", ConditionTypes.STALLED, "True", "Unauthorized");
    releases().withName("refused-out").delete();
    FlagRelease blocked =
        awaitCondition("refused-out", ConditionTypes.STALLED, "True", "DeletionBlocked");

    assertStallStaysThroughA503("flag-114", blocked);
    assertStallStaysThrough(
        "flag-114",
        blocked,
        429,
        () -> simulator.faults().rateLimitNextOn(CallLog.GET_RELEASE, Duration.ofSeconds(1)));
    assertStallStaysThroughA503("flag-114", blocked); // longer than the settled interval after
    edit("refused-out", s -> s.setDeletionPolicy(DeletionPolicy.Orphan));
    await().atMost(TIMEOUT).until(() -> get("refused-out") == null);
  }

  /**
   * A deletion or management policy this version does not know (a later one's, kept by the newer
   * CRD after a rollback) is not guessed at: the release stays, nothing is called, the resource
   * says why, and values the operator knows let the deletion finish.
   */
  @Test
  void policiesTheOperatorDoesNotKnowTouchNothingUntilAPersonSetsKnownOnes() {
    create("later-policy", spec("flag-100", "fast-track", phase("Canary", Started)));
    awaitReady("later-policy");
    var generic =
        client
            .genericKubernetesResources("flagops.io/v1alpha1", "FlagRelease")
            .inNamespace(NAMESPACE)
            .withName("later-policy");
    generic.patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"managementPolicy\":\"ObserveLater\"}}");
    awaitCondition("later-policy", ConditionTypes.STALLED, "True", "InvalidSpec");
    simulator.calls().clear(); // from here on, every pass stops before a call

    releases().withName("later-policy").delete();

    FlagRelease held =
        awaitCondition("later-policy", ConditionTypes.STALLED, "True", "DeletionBlocked");
    assertThat(held.getStatus().getMessage())
        .startsWith(
            "deletion waits: spec.managementPolicy: 'ObserveLater' is not a value this operator"
                + " knows (Manage or Observe)");

    generic.patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"managementPolicy\":\"Manage\",\"deletionPolicy\":\"DeleteAfterRollout\"}}");
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(get("later-policy").getStatus().getMessage())
                    .startsWith(
                        "deletion waits: spec.deletionPolicy: 'DeleteAfterRollout' is not a value"
                            + " this operator knows (Delete, DeleteEvenIfAdopted or Orphan)"));
    assertThat(callsFor("flag-100")).isEmpty();
    assertThat(simulator.release(PROJECT, "flag-100")).isPresent();
    assertThat(generic.get().get("spec").toString()).contains("deletionPolicy=DeleteAfterRollout");

    generic.patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"deletionPolicy\":\"Delete\"}}");
    await().atMost(TIMEOUT).until(() -> get("later-policy") == null);
    assertThat(simulator.release(PROJECT, "flag-100")).isEmpty();
    assertThat(countFor("flag-100", CallLog.DELETE_RELEASE)).isEqualTo(1);
  }

  /**
   * Makes {@code change} just before LaunchDarkly answers the read of the release that FlagRelease
   * {@code name}'s deletion makes: the polls' reads before the deletion pass it on.
   */
  private void beforeTheDeletionsRead(String name, Runnable change) {
    Runnable[] hook = new Runnable[1];
    hook[0] =
        () -> {
          FlagRelease now = get(name);
          if (now != null && now.isMarkedForDeletion()) {
            change.run();
          } else {
            simulator.faults().changeBeforeNext(CallLog.GET_RELEASE, hook[0]);
          }
        };
    simulator.faults().changeBeforeNext(CallLog.GET_RELEASE, hook[0]);
  }
}
