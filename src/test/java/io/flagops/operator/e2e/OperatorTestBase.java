package io.flagops.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.flagops.operator.api.v1alpha1.AudienceSpec;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseGuardianSpec;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.reconciler.status.Conditions;
import io.flagops.operator.simulator.CallLog;
import io.flagops.operator.simulator.LaunchDarklySimulator;
import io.flagops.operator.testing.TokenSecrets;
import jakarta.inject.Inject;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared steps of the end-to-end tests: the operator runs against the Fabric8 mock API server
 * (CRUD) and the LaunchDarkly simulator. Each test uses its own flags, and removes its resources.
 */
public abstract class OperatorTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  protected static final String NAMESPACE = "e2e";
  protected static final String PROJECT = "shop";
  protected static final Duration TIMEOUT = Duration.ofSeconds(20);

  @Inject protected KubernetesClient client;

  @InjectSimulator protected LaunchDarklySimulator simulator;

  private final List<Watch> watches = new ArrayList<>();

  @BeforeEach
  void prepareCluster() throws IOException {
    try (InputStream crd = new FileInputStream("crds/flagreleases.flagops.io-v1.yml")) {
      CustomResourceDefinition definition =
          client.apiextensions().v1().customResourceDefinitions().load(crd).item();
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(definition)
          .createOr(r -> r.update());
    }
    if (client.namespaces().withName(NAMESPACE).get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
    }
  }

  /** Deletes every FlagRelease without touching LaunchDarkly, then forgets LaunchDarkly's state. */
  @AfterEach
  void removeResources() {
    removeAllIn(NAMESPACE);
    simulator.reset();
  }

  /** Orphans and deletes every FlagRelease in a namespace, retrying edits the operator raced. */
  protected void removeAllIn(String namespace) {
    var inNamespace = client.resources(FlagRelease.class).inNamespace(namespace);
    for (FlagRelease resource : inNamespace.list().getItems()) {
      Resource<FlagRelease> handle = inNamespace.withName(resource.getMetadata().getName());
      await()
          .atMost(TIMEOUT)
          .ignoreExceptionsMatching(
              e -> e instanceof KubernetesClientException k && k.getCode() == 409)
          .until(
              () -> {
                handle.edit(
                    r -> {
                      r.getSpec().setDeletionPolicy(DeletionPolicy.Orphan);
                      r.getSpec().setSuspend(false);
                      return r;
                    });
                return true;
              });
      handle.delete();
    }
    await().atMost(TIMEOUT).until(() -> inNamespace.list().getItems().isEmpty());
  }

  protected NonNamespaceOperation<
          FlagRelease, KubernetesResourceList<FlagRelease>, Resource<FlagRelease>>
      releases() {
    return client.resources(FlagRelease.class).inNamespace(NAMESPACE);
  }

  protected static FlagReleaseSpec spec(String flagKey, String pipelineKey, PhaseSpec... phases) {
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey(PROJECT);
    spec.setFlagKey(flagKey);
    spec.setReleasePipelineKey(pipelineKey);
    spec.setPhases(new ArrayList<>(List.of(phases)));
    return spec;
  }

  protected static PhaseSpec phase(String name, DesiredPhaseStatus status) {
    return new PhaseSpec(name, status);
  }

  /**
   * Every phase of pipeline {@code standard} asked Complete: Testing and Staging, then Production,
   * whose guarded rollout LaunchDarkly monitors for an hour (scaled by the simulator's window
   * scale).
   */
  protected static FlagReleaseSpec everyPhaseOfStandard(String flagKey) {
    DesiredPhaseStatus complete = DesiredPhaseStatus.Complete;
    return spec(
        flagKey,
        "standard",
        phase("Testing", complete),
        phase("Staging", complete),
        phase("Production", complete));
  }

  /**
   * Stalls {@code name} on a spec typo (an empty releaseVariationId: a stall that reads nothing),
   * deletes the flag's release in LaunchDarkly once {@code deleteAfter} has passed, mends the typo,
   * and checks the release is made again, not taken for one LaunchDarkly completed.
   */
  protected void assertMadeAgainAfterATypoStallAndADeletion(
      String name, String flagKey, Instant deleteAfter) {
    edit(name, s -> s.setReleaseVariationId(""));
    awaitCondition(name, ConditionTypes.STALLED, "True", "InvalidSpec");
    await().atMost(TIMEOUT).until(() -> Instant.now().isAfter(deleteAfter));

    simulator.ui().deleteRelease(PROJECT, flagKey);
    edit(name, s -> s.setReleaseVariationId(null));

    await().atMost(TIMEOUT).until(() -> countFor(flagKey, CallLog.CREATE_RELEASE) == 2);
    assertThat(get(name).getStatus().getCompletedPipelineKey()).isNull();
  }

  /** A phase whose one audience the spec guards with a rollout of 10 % for {@code window}. */
  protected static PhaseSpec guardedPhase(
      String name, DesiredPhaseStatus status, String audience, String window) {
    PhaseSpec phase = phase(name, status);
    phase.getAudiences().add(new AudienceSpec(audience, new ReleaseGuardianSpec(window, 10)));
    return phase;
  }

  /** A spec whose LaunchDarkly token is the key "token" of Secret {@code secret}. */
  protected static FlagReleaseSpec specThrough(
      String secret, String flagKey, String pipelineKey, PhaseSpec... phases) {
    FlagReleaseSpec spec = spec(flagKey, pipelineKey, phases);
    spec.setAccessTokenSecretRef(new SecretKeyReference(secret, "token"));
    return spec;
  }

  /** Waits until the resource says its token Secret is not found (the operator saw it go). */
  protected void awaitTokenSecretMissing(String name) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                get(name).getStatus() != null
                    && get(name).getStatus().getMessage().contains("not found"));
  }

  protected FlagRelease create(String name, FlagReleaseSpec spec) {
    return createIn(NAMESPACE, name, spec);
  }

  protected FlagRelease createIn(String namespace, String name, FlagReleaseSpec spec) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    resource.setSpec(spec);
    return client.resources(FlagRelease.class).inNamespace(namespace).resource(resource).create();
  }

  protected FlagRelease get(String name) {
    return releases().withName(name).get();
  }

  protected FlagRelease edit(String name, Consumer<FlagReleaseSpec> change) {
    return releases()
        .withName(name)
        .edit(
            r -> {
              change.accept(r.getSpec());
              return r;
            });
  }

  /** Waits until Ready is True for the current generation, and returns the resource. */
  protected FlagRelease awaitReady(String name) {
    return awaitCondition(name, ConditionTypes.READY, "True", null);
  }

  /**
   * Waits until the condition has that status (and reason, if given) for the current generation.
   */
  protected FlagRelease awaitCondition(String name, String type, String status, String reason) {
    return awaitConditionIn(NAMESPACE, name, type, status, reason);
  }

  /** {@link #awaitCondition} for a FlagRelease of another namespace. */
  protected FlagRelease awaitConditionIn(
      String namespace, String name, String type, String status, String reason) {
    var releases = client.resources(FlagRelease.class).inNamespace(namespace);
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              FlagRelease resource = releases.withName(name).get();
              if (resource == null || resource.getStatus() == null) {
                return false;
              }
              FlagReleaseCondition condition =
                  Conditions.find(resource.getStatus().getConditions(), type);
              return condition != null
                  && status.equals(condition.getStatus())
                  && (reason == null || reason.equals(condition.getReason()))
                  && resource
                      .getMetadata()
                      .getGeneration()
                      .equals(resource.getStatus().getObservedGeneration());
            });
    return releases.withName(name).get();
  }

  /**
   * Records every state a FlagRelease's status goes through, as "reason: message" of its Ready
   * condition, while the test runs: to show what was announced or that something never happened.
   */
  protected List<String> recordReasons(String name) {
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    watches.add(
        releases()
            .withName(name)
            .watch(
                new Watcher<FlagRelease>() {
                  @Override
                  public void eventReceived(Action action, FlagRelease resource) {
                    if (resource.getStatus() != null) {
                      String entry = reasonEntry(resource);
                      if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(entry)) {
                        seen.add(entry);
                      }
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                }));
    return seen;
  }

  /**
   * What {@link #recordReasons} recorded, once it has seen the status the API server has now: its
   * watch may lag behind a read of the resource.
   */
  protected List<String> caughtUp(String name, List<String> recorded) {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                !recorded.isEmpty()
                    && recorded.get(recorded.size() - 1).equals(reasonEntry(get(name))));
    return List.copyOf(recorded);
  }

  private static String reasonEntry(FlagRelease resource) {
    FlagReleaseCondition ready = condition(resource, ConditionTypes.READY);
    FlagReleaseCondition stalled = condition(resource, ConditionTypes.STALLED);
    return ready.getReason()
        + (stalled != null && "True".equals(stalled.getStatus()) ? " (stalled)" : "")
        + ": "
        + ready.getMessage();
  }

  @AfterEach
  void closeWatches() {
    watches.forEach(Watch::close);
    watches.clear();
  }

  /** The flag's release as LaunchDarkly may answer it: audiences without their configuration. */
  protected String withoutConfiguration(String flagKey) {
    var release = (ObjectNode) simulator.release(PROJECT, flagKey).orElseThrow();
    release
        .get("phases")
        .forEach(p -> p.get("_audiences").forEach(a -> ((ObjectNode) a).remove("configuration")));
    return release.toString();
  }

  /** Someone deletes the flag's release in LaunchDarkly and makes another on the pipeline. */
  protected void remakeRelease(String flagKey, String pipelineKey) {
    simulator.ui().deleteRelease(PROJECT, flagKey);
    simulator.ui().createRelease(PROJECT, flagKey, pipelineKey);
  }

  /** A token Secret as a team would make one: labelled for the operator to see it. */
  protected void tokenSecret(String name, String token) {
    tokenSecret(name, Map.of("token", token));
  }

  /** A labelled token Secret with the given keys. */
  protected void tokenSecret(String name, Map<String, String> tokens) {
    TokenSecrets.put(client, NAMESPACE, name, tokens);
  }

  /**
   * Serves one 503 to the next read of the flag's release and checks that {@code stalled} stays as
   * it was through it and the reads after: same reason, never lifted in between.
   */
  protected void assertStallStaysThroughA503(String flagKey, FlagRelease stalled) {
    assertStallStaysThrough(
        flagKey, stalled, 503, () -> simulator.faults().failNextOn(CallLog.GET_RELEASE, 503));
  }

  /** The same, through the failure {@code fault} makes the next read answer with {@code status}. */
  protected void assertStallStaysThrough(
      String flagKey, FlagRelease stalled, int status, Runnable fault) {
    FlagReleaseCondition before = condition(stalled, ConditionTypes.STALLED);
    long failures = simulator.calls().count(CallLog.GET_RELEASE, status);
    fault.run();
    long reads = countFor(flagKey, CallLog.GET_RELEASE);
    await().atMost(TIMEOUT).until(() -> countFor(flagKey, CallLog.GET_RELEASE) >= reads + 3);

    assertThat(simulator.calls().count(CallLog.GET_RELEASE, status)).isGreaterThan(failures);
    FlagReleaseCondition after =
        condition(get(stalled.getMetadata().getName()), ConditionTypes.STALLED);
    assertThat(after.getReason()).isEqualTo(before.getReason());
    assertThat(after.getLastTransitionTime())
        .as("never lifted in between")
        .isEqualTo(before.getLastTransitionTime());
  }

  protected static FlagReleaseCondition condition(FlagRelease resource, String type) {
    return Conditions.find(resource.getStatus().getConditions(), type);
  }

  /** Calls the simulator received for one flag, optionally only for one route. */
  protected List<CallLog.Call> callsFor(String flagKey) {
    String marker = "/" + flagKey + "/";
    return simulator.calls().entries().stream().filter(c -> c.path().contains(marker)).toList();
  }

  /** Where the Kubernetes API serves FlagRelease {@code name}: for a mock-server expectation. */
  protected static String flagReleasePath(String name) {
    return "/apis/flagops.io/v1alpha1/namespaces/" + NAMESPACE + "/flagreleases/" + name;
  }

  protected long countFor(String flagKey, String route) {
    return callsFor(flagKey).stream().filter(c -> c.route().equals(route)).count();
  }

  protected List<CallLog.Call> writesFor(String flagKey) {
    return callsFor(flagKey).stream().filter(CallLog.Call::isWrite).toList();
  }

  protected List<Event> eventsFor(String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  protected List<String> eventReasons(String name) {
    return eventsFor(name).stream().map(Event::getReason).toList();
  }

  /** A write as "create <pipeline>", "<status> <phase name>", "PATCH" or "DELETE". */
  protected String describe(CallLog.Call call) {
    if (call.route().equals(CallLog.CREATE_RELEASE)) {
      return "create " + field(call.requestBody(), "releasePipelineKey");
    }
    if (call.route().equals(CallLog.UPDATE_PHASE)) {
      String phaseId = call.path().substring(call.path().lastIndexOf('/') + 1);
      return field(call.requestBody(), "status") + " " + phaseNames().get(phaseId);
    }
    return call.method();
  }

  /** Phase ID to name, from the project's pipelines as LaunchDarkly lists them. */
  private java.util.Map<String, String> phaseNames() {
    try {
      var request =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create(
                      simulator.baseUrl() + "/api/v2/projects/" + PROJECT + "/release-pipelines"))
              .header("Authorization", SimulatorResource.DEFAULT_TOKEN)
              .header("LD-API-Version", "beta")
              .build();
      String body =
          java.net.http.HttpClient.newHttpClient()
              .send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      java.util.Map<String, String> names = new java.util.HashMap<>();
      for (JsonNode pipeline : JSON.readTree(body).path("items")) {
        for (JsonNode phase : pipeline.path("phases")) {
          names.put(phase.path("id").asText(), phase.path("name").asText());
        }
      }
      return names;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot list pipelines", e);
    }
  }

  protected static String field(String json, String name) {
    try {
      return JSON.readTree(json).path(name).asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
