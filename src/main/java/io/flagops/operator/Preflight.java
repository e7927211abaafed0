package io.flagops.operator;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Checks made before the operator starts outside the sandbox, so that a missing token, an
 * unreachable cluster or a missing CRD is one clear sentence instead of a stack trace.
 */
final class Preflight {
  private Preflight() {}

  /** What stops the operator from working, or null. */
  static String problem() {
    if (requiresDefaultToken() && !hasDefaultToken()) {
      return "no LaunchDarkly access token. Set LAUNCHDARKLY_ACCESS_TOKEN or"
          + " LAUNCHDARKLY_ACCESS_TOKEN_FILE (and"
          + " LAUNCHDARKLY_BASE_URL for the EU or federal instance), or set"
          + " FLAGRELEASE_REQUIRE_DEFAULT_TOKEN=false when every FlagRelease names its own Secret"
          + " in spec.accessTokenSecretRef.";
    }
    if (!inCluster() && !hasKubeconfig()) {
      return "no cluster to run against: no kubeconfig (KUBECONFIG or ~/.kube/config) and not"
          + " inside a cluster. Run `make run` for the embedded sandbox instead.";
    }
    Config config =
        new ConfigBuilder()
            .withConnectionTimeout(5_000)
            .withRequestTimeout(5_000)
            .withRequestRetryBackoffLimit(0)
            .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      try {
        client.getKubernetesVersion();
      } catch (KubernetesClientException e) {
        return "cannot reach the Kubernetes API at "
            + config.getMasterUrl()
            + " (from your kubeconfig or the in-cluster service account): "
            + rootCause(e);
      }
      try {
        client.resources(FlagRelease.class).list(new ListOptionsBuilder().withLimit(1L).build());
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return "the FlagRelease CRD is not installed in this cluster: kubectl apply -f crds/";
        }
        // 403 and others: the operator's own RBAC may differ; let it start and report
      }
    }
    return null;
  }

  private static boolean inCluster() {
    return System.getenv("KUBERNETES_SERVICE_HOST") != null;
  }

  private static boolean hasKubeconfig() {
    String paths = System.getenv("KUBECONFIG");
    if (paths == null || paths.isBlank()) {
      return Files.exists(Path.of(System.getProperty("user.home"), ".kube", "config"));
    }
    return Arrays.stream(paths.split(File.pathSeparator)).anyMatch(p -> Files.exists(Path.of(p)));
  }

  private static String rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  private static boolean requiresDefaultToken() {
    String value =
        setting("flagrelease.require-default-token", "FLAGRELEASE_REQUIRE_DEFAULT_TOKEN");
    return value == null || Boolean.parseBoolean(value);
  }

  private static boolean hasDefaultToken() {
    String token = setting("launchdarkly.access-token", "LAUNCHDARKLY_ACCESS_TOKEN");
    String file = setting("launchdarkly.access-token-file", "LAUNCHDARKLY_ACCESS_TOKEN_FILE");
    return (token != null && !token.isBlank()) || (file != null && !file.isBlank());
  }

  /** A setting as Quarkus would read it before it starts: system property, then environment. */
  private static String setting(String property, String environment) {
    String value = System.getProperty(property);
    return value != null ? value : System.getenv(environment);
  }
}
