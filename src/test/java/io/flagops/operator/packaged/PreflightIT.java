package io.flagops.operator.packaged;

import static io.flagops.operator.packaged.OperatorJar.assertCannotStart;
import static io.flagops.operator.packaged.OperatorJar.freePort;
import static io.flagops.operator.packaged.OperatorJar.writeKubeconfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flagops.operator.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code java -jar quarkus-run.jar} outside the sandbox, with what a newcomer gets wrong: each is
 * one line on stderr, exit code 2, no stack trace and no log noise.
 */
class PreflightIT {
  @TempDir Path dir;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  @Test
  void malformedKubeconfigNamesTheFileAndThePlace() throws IOException {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "this: is: not: yaml: [\n");

    String line = assertCannotStart(run(Map.of("KUBECONFIG", kubeconfig.toString())));

    assertThat(line).contains(kubeconfig.toString(), "line 1, column 9", "KUBECONFIG");
  }

  @Test
  void unreachableApiServerNamesTheServerAndTheContext() {
    int closed = freePort();
    Path kubeconfig = writeKubeconfig(dir.resolve("kubeconfig"), "https://127.0.0.1:" + closed);

    String line = assertCannotStart(run(Map.of("KUBECONFIG", kubeconfig.toString())));

    assertThat(line)
        .contains("cannot reach the Kubernetes API at https://127.0.0.1:" + closed)
        .contains("context 'test' of " + kubeconfig);
  }

  @Test
  void missingCrdSaysHowToInstallIt() {
    KubernetesMockServer cluster = cluster(false);

    String line = assertCannotStart(run(Map.of("KUBECONFIG", kubeconfigFor(cluster))));

    assertThat(line).contains("FlagRelease CRD is not installed", "kubectl apply -f crds/");
  }

  /**
   * The chart upgraded without its CRD (Helm never upgrades crds/): the operator would record its
   * safety markers into fields the API server drops, so it does not start, and says what to apply.
   */
  @Test
  void anOlderCrdIsNamedByWhatItLacks() throws IOException {
    KubernetesMockServer cluster = cluster(false);
    try (KubernetesClient client = cluster.createClient();
        InputStream in = Sandbox.class.getResourceAsStream(Sandbox.CRD_RESOURCE)) {
      CustomResourceDefinition older =
          client.apiextensions().v1().customResourceDefinitions().load(in).item();
      older
          .getSpec()
          .getVersions()
          .get(0)
          .getSchema()
          .getOpenAPIV3Schema()
          .getProperties()
          .get("status")
          .getProperties()
          .remove("completedPipelineKey");
      client.apiextensions().v1().customResourceDefinitions().resource(older).create();
    }

    String line = assertCannotStart(run(Map.of("KUBECONFIG", kubeconfigFor(cluster))));

    assertThat(line)
        .contains(
            "FlagRelease CRD in the cluster at",
            "is older than this operator: its schema lacks status.completedPipelineKey,",
            "`kubectl apply --server-side --force-conflicts -f crds/`");
  }

  @Test
  void httpPortInUseNamesThePortAndTheSetting() throws IOException {
    KubernetesMockServer cluster = cluster(true);
    ServerSocket taken = new ServerSocket(0);
    resources.add(taken);
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", kubeconfigFor(cluster));
    env.put("QUARKUS_HTTP_PORT", String.valueOf(taken.getLocalPort()));

    String line = assertCannotStart(run(env));

    assertThat(line).contains("port " + taken.getLocalPort(), "QUARKUS_HTTP_PORT");
  }

  /** Also when the token is required in another word the config library reads as true. */
  @ParameterizedTest
  @ValueSource(strings = {"", "yes", "ON"})
  void missingTokenNamesTheVariables(String required) {
    Map<String, String> env =
        required.isEmpty() ? Map.of() : Map.of("FLAGRELEASE_REQUIRE_DEFAULT_TOKEN", required);
    String line = assertCannotStart(jar(env).awaitExit());

    assertThat(line).contains("LAUNCHDARKLY_ACCESS_TOKEN");
  }

  /**
   * A setting the operator cannot work with (set in a kustomize overlay or by hand, where no chart
   * schema checks it) stops it before start, named: it would otherwise poll or retry in a loop, or
   * fail every reconcile with a library's message. The value is never repeated.
   */
  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "FLAGRELEASE_POLLING_SETTLED | -1m | a duration above zero",
        "FLAGRELEASE_POLLING_JITTER | 20.5 | a fraction from 0 to 1",
        "FLAGRELEASE_RETRY_MULTIPLIER | 0.5 | at least 1",
        "FLAGRELEASE_BUDGET_REQUESTS_PER_SECOND | 0 | above zero",
        "FLAGRELEASE_CIRCUIT_BREAKER_FAILURE_RATE | 101 | a percentage from 1 to 100",
        "LAUNCHDARKLY_READ_TIMEOUT | PT-5M | a duration above zero",
        // read as false and logged by the config library: two replicas would both write
        "FLAGRELEASE_LEADER_ELECTION_ENABLED | ture | true or false",
        "FLAGRELEASE_REQUIRE_DEFAULT_TOKEN | yess | true or false",
        "FLAGRELEASE_CLAIMS_NAME_OTHER_NAMESPACES | api-0b6c1f2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
            + " | true or false",
        "LAUNCHDARKLY_BASE_URL | ld.eu.example.org | needs https:// and a host",
        "LAUNCHDARKLY_BASE_URL | http://ld-proxy.example.com | unencrypted",
        "LAUNCHDARKLY_BASE_URL | api-0b6c1f-pasted-token | needs https:// and a host",
        // a token is a valid namespace name and project key: refused without repeating it
        "FLAGRELEASE_DEFAULT_TOKEN_GRANTS | api-0b6c1f-pasted-token | has no",
        "FLAGRELEASE_DEFAULT_TOKEN_GRANTS | team-a=api-0b6c1f2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
            + " | looks like a LaunchDarkly access token",
        "FLAGRELEASE_TOKEN_SECRETS_NAMESPACES | api-0b6c1f2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
            + " | looks like a LaunchDarkly access token",
        "FLAGRELEASE_WATCH_NAMESPACES | shop,api-0b6c1f2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
            + " | entry 2 (entries are separated by ,) looks like a LaunchDarkly access token",
        "FLAGRELEASE_LABEL_SELECTOR | api-0b6c1f2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
            + " | looks like a LaunchDarkly access token"
      })
  void aSettingTheOperatorCannotWorkWithIsNamed(String variable, String value, String says) {
    String line = assertCannotStart(run(Map.of(variable, value)));

    assertThat(line).contains(variable + " ", says).doesNotContain(value);
  }

  /**
   * A pod whose service account token is not mounted: the API server would answer /version to an
   * anonymous user and refuse every list, read as missing RBAC. Named as the setting it is.
   */
  @Test
  void aPodWithoutItsServiceAccountTokenIsNamed() {
    Path unmounted = dir.resolve("serviceaccount").resolve("token");
    String line =
        assertCannotStart(
            run(
                Map.of(
                    "KUBERNETES_SERVICE_HOST", "127.0.0.1",
                    "KUBERNETES_SERVICE_PORT", String.valueOf(freePort()),
                    "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", unmounted.toString())));

    assertThat(line)
        .contains(
            "no Kubernetes credentials", unmounted.toString(), "automountServiceAccountToken");
  }

  @Test
  void plainHttpToThisMachineIsAccepted() {
    String line = assertCannotStart(run(Map.of("LAUNCHDARKLY_BASE_URL", "http://127.0.0.1:8089")));

    assertThat(line).as("the next check's").contains("no kubeconfig");
  }

  @Test
  void noKubeconfigPointsAtTheSandbox() {
    String line = assertCannotStart(run(Map.of()));

    assertThat(line).contains("no kubeconfig", "make run");
  }

  /** The same checks let a working setup through, and the operator uses the user's kubeconfig. */
  @Test
  void startsAgainstTheClusterOfTheKubeconfig() throws InterruptedException {
    KubernetesMockServer cluster = cluster(true);
    int port = freePort();
    Map<String, String> env = new HashMap<>();
    env.put("LAUNCHDARKLY_ACCESS_TOKEN", "api-dummy-token");
    env.put("KUBECONFIG", kubeconfigFor(cluster));
    env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    OperatorJar operator = jar(env);

    HttpClient http = HttpClient.newHttpClient();
    URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
    await()
        .atMost(OperatorJar.START)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .failFast("the operator ended; stderr " + operator.stderr(), () -> !operator.isAlive())
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(ready).build(),
                            HttpResponse.BodyHandlers.ofString())
                        .statusCode()
                    == 200);
    assertThat(watchedPaths(cluster))
        .as("the operator (not only the checks) uses the kubeconfig's cluster")
        .anyMatch(path -> path.contains("/flagreleases") && path.contains("watch=true"));
    assertThat(operator.stderr()).noneMatch(line -> line.contains("Exception"));
  }

  private static List<String> watchedPaths(KubernetesMockServer cluster)
      throws InterruptedException {
    List<String> paths = new ArrayList<>();
    for (var request = cluster.takeRequest(1, TimeUnit.SECONDS);
        request != null;
        request = cluster.takeRequest(1, TimeUnit.SECONDS)) {
      paths.add(request.getPath());
    }
    return paths;
  }

  /** Runs with a token and a free HTTP port, so only the case under test can fail. */
  private OperatorJar.Result run(Map<String, String> env) {
    Map<String, String> full = new HashMap<>();
    full.put("LAUNCHDARKLY_ACCESS_TOKEN", "api-dummy-token");
    full.put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
    full.putAll(env);
    return jar(full).awaitExit();
  }

  private OperatorJar jar(Map<String, String> env) {
    OperatorJar operator = OperatorJar.start(dir, env);
    resources.add(operator);
    return operator;
  }

  /** A Kubernetes API (the Fabric8 mock server), with or without the FlagRelease CRD. */
  private KubernetesMockServer cluster(boolean withCrd) {
    KubernetesMockServer server = Sandbox.newCrudMockServer();
    server.init(InetAddress.getLoopbackAddress(), 0);
    resources.add(server::destroy);
    if (withCrd) {
      try (KubernetesClient client = server.createClient();
          InputStream crd = Sandbox.class.getResourceAsStream(Sandbox.CRD_RESOURCE)) {
        Sandbox.installCrd(client, crd);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return server;
  }

  private String kubeconfigFor(KubernetesMockServer cluster) {
    return writeKubeconfig(dir.resolve("kubeconfig"), cluster.url("/")).toString();
  }
}
