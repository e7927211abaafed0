package io.flagops.operator.embedded;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.LaunchDarklySimulator;
import io.flagops.operator.simulator.SimulatorSeed;
import io.flagops.operator.testing.TokenSecrets;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A Kubernetes API (the Fabric8 mock server, CRUD, with the CRD) and a LaunchDarkly simulator, for
 * tests that run embedded operators against them.
 */
final class Harness implements AutoCloseable {
  static final String TOKEN = "api-e2e-default-token-5f2c9a81";
  static final String NAMESPACE = "default";

  final KubernetesMockServer kubernetes;
  final HeldWatchDispatcher dispatcher;
  final KubernetesClient client;
  final LaunchDarklySimulator simulator;

  Harness(String seed) {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    dispatcher = new HeldWatchDispatcher(expectations); // expectations first, then CRUD
    kubernetes =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), expectations, dispatcher, false);
    kubernetes.init(InetAddress.getLoopbackAddress(), 0);
    LeaseAccess.grantedBy(kubernetes);
    client = kubernetes.createClient();
    try (InputStream crd = new FileInputStream("crds/flagreleases.flagops.io-v1.yml");
        InputStream seedFile = Harness.class.getResourceAsStream(seed)) {
      CustomResourceDefinition definition =
          client.apiextensions().v1().customResourceDefinitions().load(crd).item();
      client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
      simulator =
          LaunchDarklySimulator.start(
              0,
              SimulatorSeed.parse(
                  new String(seedFile.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new client for an operator (each operator closes nothing it did not open). */
  KubernetesClient newClient() {
    return kubernetes.createClient();
  }

  FlagRelease create(String name, FlagReleaseSpec spec) {
    FlagRelease release = new FlagRelease();
    release.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    release.setSpec(spec);
    return client.resource(release).create();
  }

  /** A FlagRelease of project "chaos" that attaches {@code flag} and asks its first phase. */
  FlagRelease createTwoStep(String flag, DesiredPhaseStatus firstPhase) {
    return create(flag, twoStep(flag, firstPhase));
  }

  /** The spec of {@link #createTwoStep}. */
  static FlagReleaseSpec twoStep(String flag, DesiredPhaseStatus firstPhase) {
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("chaos");
    spec.setFlagKey(flag);
    spec.setReleasePipelineKey("two-step");
    spec.setPhases(List.of(new PhaseSpec("One", firstPhase)));
    return spec;
  }

  /** Secret {@code name} labelled for the operator, its key "token" holding {@code token}. */
  void tokenSecret(String name, String token) {
    TokenSecrets.put(client, NAMESPACE, name, Map.of("token", token));
  }

  /** Waits until every one of these FlagReleases is Ready. */
  void awaitReady(List<String> names, Duration timeout) {
    awaitAll(names, timeout, r -> r.getStatus().getState() == ReleaseState.Ready);
  }

  /** Waits until every one of these FlagReleases has a status, and {@code test} holds of each. */
  void awaitAll(List<String> names, Duration timeout, Predicate<FlagRelease> test) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                names.stream().map(this::get).allMatch(r -> r.getStatus() != null && test.test(r)));
  }

  /**
   * Replaces a FlagRelease's spec, as {@code kubectl edit} would, again when the operator wrote its
   * status in between (409 Conflict).
   */
  FlagRelease editSpec(String name, FlagReleaseSpec spec) {
    AtomicReference<FlagRelease> edited = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(
            () -> {
              edited.set(
                  client
                      .resources(FlagRelease.class)
                      .inNamespace(NAMESPACE)
                      .withName(name)
                      .edit(
                          r -> {
                            r.setSpec(spec);
                            return r;
                          }));
              return true;
            });
    return edited.get();
  }

  /**
   * The next status write of FlagRelease {@code name} is refused, as an admission webhook would.
   */
  void refuseNextStatusWrite(String name) {
    kubernetes
        .expect()
        .patch()
        .withPath(
            "/apis/flagops.io/v1alpha1/namespaces/"
                + NAMESPACE
                + "/flagreleases/"
                + name
                + "/status")
        .andReturn(422, "refused by an admission webhook")
        .once();
  }

  FlagRelease get(String name) {
    return client.resources(FlagRelease.class).inNamespace(NAMESPACE).withName(name).get();
  }

  @Override
  public void close() {
    simulator.close();
    client.close();
    kubernetes.destroy();
  }
}
