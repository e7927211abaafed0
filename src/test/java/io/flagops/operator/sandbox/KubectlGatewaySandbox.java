package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * The sandbox of the gateway tests: a Fabric8 mock API server (CRUD) holding the FlagRelease CRD,
 * the gateway in front of it, a kubeconfig for it, and a way to run the real {@code kubectl}.
 */
final class KubectlGatewaySandbox implements AutoCloseable {
  static final Path CRD_FILE = Path.of("crds/flagreleases.flagops.io-v1.yml");
  static final String NAMESPACE = "default";
  private static final Duration KUBECTL_TIMEOUT = Duration.ofSeconds(40);
  // held so that the level sticks: the mock logs every request at INFO
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  /** What a kubectl run printed. */
  record Run(int exitCode, String out, String err) {
    Run succeeded() {
      assertThat(exitCode).as("kubectl failed: %s%s", out, err).isZero();
      return this;
    }
  }

  final KubernetesMockServer server;
  final KubernetesClient mockClient;
  final CustomResourceDefinition crd;
  final KubectlGateway gateway;
  final Path dir;
  final Path kubeconfig;

  private KubectlGatewaySandbox(Path dir) throws IOException {
    this.dir = dir;
    server = Sandbox.newCrudMockServer();
    server.init();
    mockClient = server.createClient();
    try (InputStream in = Files.newInputStream(CRD_FILE)) {
      crd = Sandbox.installCrd(mockClient, in);
    }
    mockClient
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    gateway = KubectlGateway.start(0, server.url("/"), List.of(crd));
    kubeconfig = gateway.writeKubeconfig(dir.resolve("kubeconfig"));
  }

  static KubectlGatewaySandbox start(Path dir) throws IOException {
    return new KubectlGatewaySandbox(dir);
  }

  /** Fails the test, with the reason, when there is no kubectl to drive. */
  static void assumeKubectl() {
    String reason = kubectlMissing();
    if (reason != null) {
      Assertions.fail(Kubectl.MISSING + " (" + reason + ")");
    }
  }

  /** Why kubectl cannot be run, or null when it can. */
  static String kubectlMissing() {
    String reason;
    try {
      Process process =
          new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      boolean done = process.waitFor(20, TimeUnit.SECONDS);
      reason = done && process.exitValue() == 0 ? null : "kubectl version --client failed";
    } catch (IOException e) {
      reason = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reason = "interrupted";
    }
    return reason;
  }

  /** Runs kubectl against the gateway and waits for it. */
  Run kubectl(String... args) throws IOException, InterruptedException {
    return kubectl(Map.of(), null, args);
  }

  Run kubectl(Map<String, String> env, String stdin, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process = start(env, out, err, args);
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    if (!process.waitFor(KUBECTL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not end");
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** Starts kubectl in the background; its output goes to the files. */
  Process start(Map<String, String> env, Path out, Path err, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add("kubectl");
    command.add("--kubeconfig=" + kubeconfig);
    command.add("--cache-dir=" + dir.resolve("cache"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("KUBECONFIG");
    builder.environment().put("HOME", dir.toString());
    builder.environment().putAll(env);
    builder.redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    return builder.start();
  }

  Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  /** A FlagRelease manifest with two phases. */
  static String manifest(String name, String flagKey) {
    return String.join(
        "\n",
        "apiVersion: flagops.io/v1alpha1",
        "kind: FlagRelease",
        "metadata:",
        "  name: " + name,
        "spec:",
        "  projectKey: shop",
        "  flagKey: " + flagKey,
        "  releasePipelineKey: standard",
        "  phases:",
        "    - name: Testing",
        "      status: Complete",
        "    - name: Production",
        "      status: Started",
        "");
  }

  /** Creates a FlagRelease directly in the mock, as the operator's client would. */
  FlagRelease create(String name, String flagKey, String... finalizers) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(NAMESPACE)
            .withFinalizers(finalizers)
            .build());
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("shop");
    spec.setFlagKey(flagKey);
    spec.setReleasePipelineKey("standard");
    spec.setPhases(
        new ArrayList<>(
            List.of(
                new PhaseSpec("Testing", DesiredPhaseStatus.Complete),
                new PhaseSpec("Production", DesiredPhaseStatus.Started))));
    resource.setSpec(spec);
    return mockClient
        .resources(FlagRelease.class)
        .inNamespace(NAMESPACE)
        .resource(resource)
        .create();
  }

  FlagRelease get(String name) {
    return mockClient.resources(FlagRelease.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** Writes a status through the mock, as the operator does. */
  void setStatus(String name, ReleaseState state, String currentPhase, String ready) {
    mockClient
        .resources(FlagRelease.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .editStatus(
            r -> {
              var status = new io.flagops.operator.api.v1alpha1.FlagReleaseStatus();
              status.setState(state);
              status.setCurrentPhase(currentPhase);
              status.setMessage(
                  "True".equals(ready) ? "in sync" : "waiting for phase " + currentPhase);
              status.setObservedGeneration(r.getMetadata().getGeneration());
              status.setConditions(
                  new ArrayList<>(
                      List.of(
                          new FlagReleaseCondition(
                              "Ready",
                              ready,
                              "True".equals(ready) ? "InSync" : "WaitingForPhase",
                              "test",
                              r.getMetadata().getGeneration(),
                              "2025-01-01T00:00:00Z"))));
              r.setStatus(status);
              return r;
            });
  }

  @Override
  public void close() {
    gateway.close();
    mockClient.close();
    server.destroy();
  }
}
