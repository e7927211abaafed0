package io.flagops.operator.packaged;

import static io.flagops.operator.packaged.OperatorJar.assertCannotStart;
import static io.flagops.operator.packaged.OperatorJar.freePort;
import static io.flagops.operator.packaged.OperatorJar.writeKubeconfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.flagops.operator.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A setting the Kubernetes API refuses when the operator starts: a team's namespace deleted while
 * the install still lists it (its Role went with it, so every list there is refused), a Role that
 * lets it list FlagReleases but not get one (as it does before each write), Secrets of every
 * namespace without a ClusterRole, a label selector it cannot parse. The packaged operator does not
 * start (one owner per flag needs every watched namespace's FlagReleases) and says in one line
 * which setting is at fault and what to do, instead of the SDK's stack trace.
 */
class SettingTheClusterRefusesIT {
  @TempDir Path dir;

  private KubernetesMockServer cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.destroy();
    }
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "FLAGRELEASE_WATCH_NAMESPACES | team-a,team-b | /namespaces/team-b/ | 403"
            + " | FLAGRELEASE_WATCH_NAMESPACES lists namespace 'team-b', where the operator cannot"
            + " list FlagReleases (HTTP 403)",
        "FLAGRELEASE_WATCH_NAMESPACES | team-a | /namespaces/team-a/flagreleases/ | 403"
            + " | FLAGRELEASE_WATCH_NAMESPACES lists namespace 'team-a', where the operator cannot"
            + " get FlagReleases (HTTP 403)",
        "FLAGRELEASE_WATCH_NAMESPACES | '' | /namespaces/default/flagreleases/ | 403"
            + " | every namespace is watched (FLAGRELEASE_WATCH_NAMESPACES is empty), and the"
            + " operator cannot get a FlagRelease (HTTP 403), which it reads before each write",
        "FLAGRELEASE_WATCH_NAMESPACES | '' | /apis/flagops.io/v1alpha1/flagreleases? | 403"
            + " | every namespace is watched (FLAGRELEASE_WATCH_NAMESPACES is empty), and the"
            + " operator cannot list FlagReleases across the cluster (HTTP 403)",
        "FLAGRELEASE_TOKEN_SECRETS_NAMESPACES | team-a,team-b | /namespaces/team-b/ | 403"
            + " | FLAGRELEASE_TOKEN_SECRETS_NAMESPACES lists namespace 'team-b', where the operator"
            + " cannot list token Secrets (HTTP 403)",
        "FLAGRELEASE_TOKEN_SECRETS_NAMESPACES | * | /api/v1/secrets? | 403"
            + " | FLAGRELEASE_TOKEN_SECRETS_NAMESPACES is * while every namespace is watched, and"
            + " the operator cannot list token Secrets across the cluster (HTTP 403)",
        "FLAGRELEASE_LABEL_SELECTOR | flagops.io/shard in (a | labelSelector= | 400"
            + " | FLAGRELEASE_LABEL_SELECTOR is not a label selector the Kubernetes API accepts"
            + " (unable to parse requirement"
      })
  void isNamedWithWhatToDo(String setting, String value, String refusedPath, int code, String says)
      throws IOException {
    Map<String, String> env = operatorFacing(new Refusing(refusedPath, code), setting, value);

    String line = assertCannotStart(OperatorJar.start(dir, env).awaitExit());

    assertThat(line).contains(says);
  }

  /**
   * A list that fails for the API server's own reason (a 503 while it restarts) is no setting's
   * fault: the operator is not stopped naming one, and starts watching the namespace once the API
   * server answers again.
   */
  @Test
  void aBriefApiServerFailureIsNotTakenForARefusedSetting() throws IOException {
    Refusing once = new Refusing("/namespaces/team-b/flagreleases", 503, 1);
    Map<String, String> env = operatorFacing(once, "FLAGRELEASE_WATCH_NAMESPACES", "team-a,team-b");

    try (OperatorJar operator = OperatorJar.start(dir, env)) {
      await()
          .atMost(OperatorJar.START)
          .failFast("the operator ended; stderr " + operator.stderr(), () -> !operator.isAlive())
          .until(() -> once.refusals() == 1 && once.watches("/namespaces/team-b/flagreleases"));
      assertThat(operator.stderr()).noneMatch(line -> line.contains(OperatorJar.CANNOT_START));
    }
  }

  /** Starts the mock API with the CRD installed; the operator's environment, with the setting. */
  private Map<String, String> operatorFacing(Refusing dispatcher, String setting, String value)
      throws IOException {
    cluster =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    cluster.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = cluster.createClient();
        InputStream crd = Sandbox.class.getResourceAsStream(Sandbox.CRD_RESOURCE)) {
      Sandbox.installCrd(client, crd);
    }
    Map<String, String> env = new HashMap<>();
    env.put("LAUNCHDARKLY_ACCESS_TOKEN", "api-dummy-token");
    env.put(setting, value);
    env.put("KUBECONFIG", writeKubeconfig(dir.resolve("kubeconfig"), cluster.url("/")).toString());
    env.put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
    return env;
  }

  /**
   * The mock API, refusing what a real API server would: 403 (RBAC) or 400 (a selector it cannot
   * parse) to every request whose path and query contain {@code refusedPath}.
   */
  private static final class Refusing extends KubernetesCrudDispatcher {
    private final String refusedPath;
    private final int code;
    private final int times;
    private final AtomicInteger refused = new AtomicInteger();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    Refusing(String refusedPath, int code) {
      this(refusedPath, code, Integer.MAX_VALUE);
    }

    /** Refuses only the first {@code times} such requests. */
    Refusing(String refusedPath, int code, int times) {
      this.refusedPath = refusedPath;
      this.code = code;
      this.times = times;
    }

    int refusals() {
      return refused.get();
    }

    /** Whether a watch was opened on a path containing {@code path}. */
    boolean watches(String path) {
      return paths.stream().anyMatch(p -> p.contains(path) && p.contains("watch=true"));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      paths.add(request.getPath());
      if (request.getPath().contains(refusedPath)
          && refused.getAndUpdate(n -> n < times ? n + 1 : n) < times) {
        String message =
            code == 400 ? "unable to parse requirement: found '(', expected: ')'" : "forbidden";
        return new MockResponse()
            .setResponseCode(code)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"message\":\""
                    + message
                    + "\",\"code\":"
                    + code
                    + "}");
      }
      return super.dispatch(request);
    }
  }
}
