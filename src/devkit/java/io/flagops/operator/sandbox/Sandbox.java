package io.flagops.operator.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.flagops.operator.simulator.LaunchDarklySimulator;
import io.flagops.operator.simulator.SimulatorSeed;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the operator needs around it, in this JVM: a Kubernetes API (the Fabric8 mock server
 * in CRUD mode, with the FlagRelease CRD installed), a gateway in front of it that real {@code
 * kubectl} can talk to, and the LaunchDarkly simulator seeded for {@code examples/}.
 */
public final class Sandbox implements AutoCloseable {
  /** The operator's default LaunchDarkly token in the sandbox; the simulator accepts it. */
  public static final String DEFAULT_TOKEN = "api-sandbox-default-token";

  /** The seed's second token, another account to the operator (examples/token-from-secret.yaml). */
  public static final String TEAM_TOKEN = "api-sandbox-team-token";

  /** The FlagRelease CRD on the classpath. */
  public static final String CRD_RESOURCE = "/crds/flagreleases.flagops.io-v1.yml";

  private static final String SEED_RESOURCE = "/sandbox/seed.yaml";

  /** Guarded phases of the examples (30 min, 1 h) last a few seconds here. */
  static final double MONITORING_WINDOW_SCALE = 0.002;

  private final KubernetesMockServer kubernetes;
  private final KubectlGateway gateway;
  private final LaunchDarklySimulator launchDarkly;
  private final Path kubeconfig;

  private Sandbox(
      KubernetesMockServer kubernetes,
      KubectlGateway gateway,
      LaunchDarklySimulator launchDarkly,
      Path kubeconfig) {
    this.kubernetes = kubernetes;
    this.gateway = gateway;
    this.launchDarkly = launchDarkly;
    this.kubeconfig = kubeconfig;
  }

  /**
   * Starts the three servers on free loopback ports and writes a kubeconfig for kubectl.
   *
   * @param workDir where the kubeconfig goes (created if needed)
   */
  public static Sandbox start(Path workDir) {
    KubernetesMockServer kubernetes = newCrudMockServer();
    kubernetes.init(InetAddress.getLoopbackAddress(), 0);
    KubectlGateway gateway = null;
    LaunchDarklySimulator launchDarkly = null;
    try {
      CustomResourceDefinition crd = prepareKubernetes(kubernetes);
      gateway = KubectlGateway.start(0, kubernetes.url("/"), List.of(crd));
      launchDarkly = LaunchDarklySimulator.start(0, SimulatorSeed.parse(resource(SEED_RESOURCE)));
      launchDarkly.setMonitoringWindowScale(MONITORING_WINDOW_SCALE);
      prepareLaunchDarkly(launchDarkly);
      Files.createDirectories(workDir);
      Path kubeconfig = gateway.writeKubeconfig(workDir.resolve("kubeconfig"));
      return new Sandbox(kubernetes, gateway, launchDarkly, kubeconfig);
    } catch (IOException | RuntimeException e) {
      // what started is stopped, so that a failed start leaves no server (nor thread) behind
      new Sandbox(kubernetes, gateway, launchDarkly, null).close();
      throw e instanceof IOException io
          ? new UncheckedIOException("cannot create " + workDir, io)
          : (RuntimeException) e;
    }
  }

  /**
   * A Fabric8 mock Kubernetes API in CRUD mode, its lookups by name indexed ({@link
   * IndexedCrudDispatcher}), not started: the caller picks the address with {@code init(...)}.
   */
  public static KubernetesMockServer newCrudMockServer() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new IndexedCrudDispatcher(), false);
  }

  /**
   * Loads a CustomResourceDefinition from {@code crdYaml} (not closed here) and creates it through
   * {@code client}.
   *
   * @return the definition as loaded
   */
  public static CustomResourceDefinition installCrd(KubernetesClient client, InputStream crdYaml) {
    CustomResourceDefinition crd =
        client.apiextensions().v1().customResourceDefinitions().load(crdYaml).item();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    return crd;
  }

  /**
   * The operator's settings that point it at the sandbox's LaunchDarkly. The sandbox's Kubernetes
   * API is {@link #apiServerUrl()}.
   */
  public Map<String, String> launchDarklyConfig() {
    return Map.of(
        "launchdarkly.base-url",
        launchDarkly.baseUrl(),
        "launchdarkly.access-token",
        DEFAULT_TOKEN);
  }

  /**
   * Where the operator reaches Kubernetes: through the gateway, like kubectl, so that both see the
   * same API (merge patches that replace lists, deletions that answer with the object).
   */
  public String apiServerUrl() {
    return gateway.url();
  }

  /** The mock behind the gateway: a test writes there what a newer CRD lets through. */
  KubernetesMockServer kubernetesBehindTheGateway() {
    return kubernetes;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public LaunchDarklySimulator launchDarkly() {
    return launchDarkly;
  }

  @Override
  public void close() {
    if (gateway != null) {
      gateway.close();
    }
    if (launchDarkly != null) {
      launchDarkly.close();
    }
    kubernetes.destroy();
  }

  /** Installs the CRD and creates the namespace "default"; returns the CRD. */
  private static CustomResourceDefinition prepareKubernetes(KubernetesMockServer kubernetes) {
    try (KubernetesClient client = kubernetes.createClient();
        InputStream in = Sandbox.class.getResourceAsStream(CRD_RESOURCE)) {
      CustomResourceDefinition crd = installCrd(client, in);
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build())
          .create();
      return crd;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CRD from the classpath", e);
    }
  }

  /** A release someone made by hand in LaunchDarkly, for examples/observe.yaml to find. */
  private static void prepareLaunchDarkly(LaunchDarklySimulator launchDarkly) {
    launchDarkly.ui().createRelease("demo-shop", "dark-mode", "standard");
    launchDarkly.ui().startPhase("demo-shop", "dark-mode", "Testing");
    launchDarkly.ui().completePhase("demo-shop", "dark-mode", "Testing");
  }

  private static String resource(String name) {
    try (InputStream in = Sandbox.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
  }
}
