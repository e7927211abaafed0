package io.flagops.operator.packaged;

import static io.flagops.operator.packaged.OperatorJar.assertCannotStart;
import static io.flagops.operator.packaged.OperatorJar.freePort;
import static io.flagops.operator.packaged.OperatorJar.writeKubeconfig;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A team's namespace deleted while the install still lists it (its Role went with it, so every list
 * there is refused): the packaged operator does not start, since one owner per flag needs every
 * watched namespace's FlagReleases, and says in one line which setting lists which namespace and
 * what to do, instead of the SDK's stack trace.
 */
class UnlistableNamespaceIT {
  @TempDir Path dir;

  private KubernetesMockServer cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.destroy();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "FLAGRELEASE_WATCH_NAMESPACES, FlagReleases",
    "FLAGRELEASE_TOKEN_SECRETS_NAMESPACES, token Secrets"
  })
  void aListedNamespaceTheOperatorCannotReadIsNamed(String setting, String what)
      throws IOException {
    cluster =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new Forbidden("team-b"), false);
    cluster.init(InetAddress.getLoopbackAddress(), 0);
    try (KubernetesClient client = cluster.createClient();
        InputStream crd = Sandbox.class.getResourceAsStream(Sandbox.CRD_RESOURCE)) {
      Sandbox.installCrd(client, crd);
    }
    Map<String, String> env = new HashMap<>();
    env.put("LAUNCHDARKLY_ACCESS_TOKEN", "api-dummy-token");
    env.put(setting, "team-a,team-b");
    env.put("KUBECONFIG", writeKubeconfig(dir.resolve("kubeconfig"), cluster.url("/")).toString());
    env.put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));

    String line = assertCannotStart(OperatorJar.start(dir, env).awaitExit());

    assertThat(line)
        .contains(
            setting + " lists namespace 'team-b', where the operator cannot list " + what,
            "(HTTP 403)",
            "Remove it from the setting");
  }

  /** The mock API, refusing every request in one namespace as RBAC does there. */
  private static final class Forbidden extends KubernetesCrudDispatcher {
    private final String prefix;

    Forbidden(String namespace) {
      this.prefix = "/namespaces/" + namespace + "/";
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (request.getPath().contains(prefix)) {
        return new MockResponse()
            .setResponseCode(403)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"reason\":\"Forbidden\",\"code\":403,\"message\":\"forbidden\"}");
      }
      return super.dispatch(request);
    }
  }
}
