package io.flagops.operator;

import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.config.DefaultTokenGrants;
import io.flagops.operator.config.SettingNames;
import io.flagops.operator.config.TokenSecretScope;
import io.flagops.operator.reconciler.support.DefinitionDeletion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks made before the operator starts outside the sandbox, so that a missing token, a setting it
 * cannot work with, a broken kubeconfig, an unreachable cluster, a missing CRD or a taken port is
 * one clear sentence instead of a stack trace (or a fault every FlagRelease shows later). Nothing
 * here may throw: every failure becomes the sentence.
 */
final class Preflight {
  private static final String WATCH_NAMESPACES = "FLAGRELEASE_WATCH_NAMESPACES";
  private static final String LABEL_SELECTOR = "FLAGRELEASE_LABEL_SELECTOR";
  private static final Pattern YAML_POSITION = Pattern.compile("line (\\d+), column (\\d+)");

  private Preflight() {}

  /** What stops the operator from working, or null. */
  static String problem() {
    String ranges = SettingRanges.problem(); // first: the token check reads one of them
    if (ranges != null) {
      return ranges;
    }
    if (requiresDefaultToken() && !hasDefaultToken()) {
      return "no LaunchDarkly access token. Set LAUNCHDARKLY_ACCESS_TOKEN or"
          + " LAUNCHDARKLY_ACCESS_TOKEN_FILE (and"
          + " LAUNCHDARKLY_BASE_URL for the EU or federal instance), or set"
          + " FLAGRELEASE_REQUIRE_DEFAULT_TOKEN=false when every FlagRelease names its own Secret"
          + " in spec.accessTokenSecretRef.";
    }
    String access = accessProblem();
    if (access != null) {
      return access;
    }
    String cluster = clusterProblem();
    return cluster != null ? cluster : httpPortProblem();
  }

  /**
   * Grants, Secret namespaces and watched namespaces that cannot be read: a typo must not start a
   * wider operator, and a token pasted there must not reach a log or a status.
   */
  private static String accessProblem() {
    try {
      DefaultTokenGrants.parse(
          Settings.value("flagrelease.default-token.grants", DefaultTokenGrants.SETTING));
      TokenSecretScope.parse(
          Settings.value("flagrelease.token-secrets.namespaces", TokenSecretScope.SETTING));
    } catch (IllegalArgumentException e) {
      return e.getMessage() + ".";
    }
    String problem = SettingNames.listProblem(WATCH_NAMESPACES, watchedNamespaces());
    if (problem == null) {
      problem = SettingNames.tokenProblem(LABEL_SELECTOR, labelSelector());
    }
    return problem == null ? null : problem + ".";
  }

  private static String labelSelector() {
    return Settings.value("quarkus.operator-sdk.controllers.flagrelease.selector", LABEL_SELECTOR);
  }

  /**
   * The namespaces {@code FLAGRELEASE_WATCH_NAMESPACES} lists; none when it is unset (every
   * namespace) or the SDK's own word for the current one.
   */
  private static List<String> watchedNamespaces() {
    String watched = System.getenv(WATCH_NAMESPACES);
    return watched == null || watched.startsWith("JOSDK_")
        ? List.of()
        : SettingNames.split(watched);
  }

  private static String clusterProblem() {
    List<Path> kubeconfigs = kubeconfigs();
    if (!inCluster() && kubeconfigs.isEmpty()) {
      return "no cluster to run against: no kubeconfig (KUBECONFIG or ~/.kube/config) and not"
          + " inside a cluster. Run `make run` for the embedded sandbox instead.";
    }
    for (Path kubeconfig : kubeconfigs) {
      String problem = kubeconfigProblem(kubeconfig);
      if (problem != null) {
        return problem;
      }
    }
    String anonymous = kubeconfigs.isEmpty() ? unmountedServiceAccountToken() : null;
    if (anonymous != null) {
      return anonymous;
    }
    Config config;
    try {
      config =
          new ConfigBuilder()
              .withConnectionTimeout(5_000)
              .withRequestTimeout(5_000)
              .withRequestRetryBackoffLimit(0)
              .build();
    } catch (RuntimeException e) {
      return "cannot use your kubeconfig ("
          + join(kubeconfigs)
          + "): "
          + CannotStart.cause(e)
          + "; check it with `kubectl config view`.";
    }
    if (config.getCurrentContext() == null
        && !kubeconfigs.isEmpty()
        && !inCluster()
        && (Config.DEFAULT_MASTER_URL + "/").equals(config.getMasterUrl())) {
      return "your kubeconfig ("
          + join(kubeconfigs)
          + ") names no current context: choose one with `kubectl config use-context <name>`.";
    }
    KubernetesClient client;
    try {
      client = new KubernetesClientBuilder().withConfig(config).build();
    } catch (RuntimeException e) {
      return "cannot use the credentials of " + source(config) + ": " + CannotStart.cause(e) + ".";
    }
    try (client) {
      return apiProblem(client, config);
    }
  }

  private static String apiProblem(KubernetesClient client, Config config) {
    try {
      client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401) {
        return "the Kubernetes API at "
            + config.getMasterUrl()
            + " refused the credentials of "
            + source(config)
            + " (401 Unauthorized): log in to the cluster again.";
      }
      if (e.getCode() > 0) {
        return "the Kubernetes API at "
            + config.getMasterUrl()
            + " answered HTTP "
            + e.getCode()
            + " to GET /version: "
            + CannotStart.cause(e);
      }
      return "cannot reach the Kubernetes API at "
          + config.getMasterUrl()
          + " ("
          + source(config)
          + "): "
          + CannotStart.cause(e)
          + "; start the cluster or switch to another context with `kubectl config"
          + " use-context`.";
    }
    try {
      // API discovery, which every authenticated user may read
      if (!client.supports(FlagRelease.class)) {
        return "the FlagRelease CRD is not installed in the cluster at "
            + config.getMasterUrl()
            + ": install it with `kubectl apply -f crds/`.";
      }
    } catch (KubernetesClientException e) {
      // discovery refused: the operator's own RBAC may differ; let it start and report
    }
    String stale = staleCrdProblem(client, config);
    if (stale != null) {
      return stale;
    }
    String selector = selectorProblem(client);
    return selector != null ? selector : unlistableNamespaceProblem(client);
  }

  /**
   * A label selector the API server cannot parse: the SDK would stop at start with a stack trace.
   * Asked of the API server, which alone knows its grammar, with the list the operator will make.
   */
  private static String selectorProblem(KubernetesClient client) {
    String selector = labelSelector();
    if (selector == null || selector.isBlank()) {
      return null;
    }
    List<String> namespaces = watchedNamespaces();
    ListOptions one = new ListOptionsBuilder().withLimit(1L).withLabelSelector(selector).build();
    try {
      if (namespaces.isEmpty()) {
        client.resources(FlagRelease.class).inAnyNamespace().list(one);
      } else {
        client.resources(FlagRelease.class).inNamespace(namespaces.get(0)).list(one);
      }
      return null;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 400) {
        return null; // not the selector's fault: what the next checks and the SDK report
      }
      return LABEL_SELECTOR
          + " is not a label selector the Kubernetes API accepts ("
          + (e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : "HTTP 400")
          + "): write it as kubectl's --selector takes it, such as flagops.io/shard=a (Helm:"
          + " labelSelector).";
    }
  }

  /**
   * A namespace the settings list where the operator cannot list what it watches there: deleted
   * while still listed (its Role went with it), or never granted. The SDK would stop at start with
   * a stack trace; it does not start past it, since one owner per flag needs every watched
   * namespace's FlagReleases.
   */
  private static String unlistableNamespaceProblem(KubernetesClient client) {
    ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
    List<String> watched = watchedNamespaces();
    if (watched.isEmpty()) {
      String refused =
          refused(() -> client.resources(FlagRelease.class).inAnyNamespace().list(one));
      if (refused != null) {
        return "every namespace is watched ("
            + WATCH_NAMESPACES
            + " is empty), and the operator cannot list FlagReleases across the cluster ("
            + refused
            + "): grant it get, list and watch on flagreleases in a ClusterRole (the Helm chart"
            + " and the kustomize base do), or list the namespaces it may watch (Helm:"
            + " watchNamespaces).";
      }
      String unreadable = refused(() -> readOne(client, "default"));
      if (unreadable != null) {
        return "every namespace is watched ("
            + WATCH_NAMESPACES
            + " is empty), and the operator cannot get a FlagRelease ("
            + unreadable
            + "), which it reads before each write to LaunchDarkly: grant it get, list and watch"
            + " on flagreleases in a ClusterRole (the Helm chart and the kustomize base do).";
      }
    }
    for (String namespace : watched) {
      String refused =
          refused(() -> client.resources(FlagRelease.class).inNamespace(namespace).list(one));
      if (refused != null) {
        return unlistable(WATCH_NAMESPACES, namespace, "list FlagReleases", refused);
      }
      // read before each write to LaunchDarkly, so that a lagging watch cannot hide an edit
      String unreadable = refused(() -> readOne(client, namespace));
      if (unreadable != null) {
        return unlistable(WATCH_NAMESPACES, namespace, "get FlagReleases", unreadable);
      }
    }
    TokenSecretScope scope =
        TokenSecretScope.parse(
            Settings.value("flagrelease.token-secrets.namespaces", TokenSecretScope.SETTING));
    if (scope.everyWatched() && watched.isEmpty()) {
      // "*" with every namespace watched: one list across the cluster, which no Role grants
      String refused =
          refused(
              () ->
                  client
                      .secrets()
                      .inAnyNamespace()
                      .withLabel(TokenSecretScope.LABEL, "true")
                      .list(one));
      return refused == null
          ? null
          : TokenSecretScope.SETTING
              + " is * while every namespace is watched, and the operator cannot list token"
              + " Secrets across the cluster ("
              + refused
              + "): grant it get, list and watch on Secrets in a ClusterRole (the Helm chart"
              + " does), or list the namespaces instead.";
    }
    List<String> secretNamespaces =
        scope.everyWatched() ? watched : List.copyOf(scope.namespaces());
    String listing =
        scope.everyWatched()
            ? TokenSecretScope.SETTING + " is * and " + WATCH_NAMESPACES
            : TokenSecretScope.SETTING;
    for (String namespace : secretNamespaces) {
      String refused =
          refused(
              () ->
                  client
                      .secrets()
                      .inNamespace(namespace)
                      .withLabel(TokenSecretScope.LABEL, "true")
                      .list(one));
      if (refused != null) {
        return unlistable(listing, namespace, "list token Secrets", refused);
      }
    }
    return null;
  }

  /**
   * Why the API server refused {@code list} ("HTTP 403"); null when it did not, or failed for a
   * reason of its own (a 5xx, a 429, a timeout): no setting's fault, so not named as one.
   */
  private static String refused(Runnable list) {
    try {
      list.run();
      return null;
    } catch (KubernetesClientException e) {
      int code = e.getCode();
      return code == 401 || code == 403 || code == 404 ? "HTTP " + code : null;
    }
  }

  /** A FlagRelease read by name, as before a write (null when there is none: not refused). */
  private static void readOne(KubernetesClient client, String namespace) {
    client
        .resources(FlagRelease.class)
        .inNamespace(namespace)
        .withName("flagrelease-operator-preflight")
        .get();
  }

  /**
   * @param what the verb refused and its object: "list token Secrets"
   */
  private static String unlistable(String setting, String namespace, String what, String why) {
    return setting
        + " lists namespace '"
        + namespace
        + "', where the operator cannot "
        + what
        + " ("
        + why
        + "): deleted while still listed, or not granted. Remove it from the setting (Helm:"
        + " watchNamespaces, tokenSecrets.namespaces) or grant the operator's Role there.";
  }

  /** An installed CRD older than this operator, whose schema would drop what it records. */
  private static String staleCrdProblem(KubernetesClient client, Config config) {
    CustomResourceDefinition crd;
    try {
      crd =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(DefinitionDeletion.CRD)
              .get();
    } catch (KubernetesClientException e) {
      // not granted (the chart and kustomize grant it): start, but say what goes unchecked
      System.err.println(
          "flagrelease-operator: cannot read the CustomResourceDefinition "
              + DefinitionDeletion.CRD
              + " (HTTP "
              + e.getCode()
              + "), so whether it is older than this operator is not checked: grant the operator"
              + " get on it");
      return null;
    }
    List<String> missing = crd == null ? List.of() : CrdSchemaCheck.missingFields(crd);
    if (missing.isEmpty()) {
      return null;
    }
    return "the FlagRelease CRD in the cluster at "
        + config.getMasterUrl()
        + " is older than this operator: its schema lacks "
        + String.join(", ", missing.subList(0, Math.min(5, missing.size())))
        + (missing.size() > 5 ? " and " + (missing.size() - 5) + " more" : "")
        + ", which the API server would drop from what the operator records. Apply this"
        + " version's CRD first (Helm never upgrades a chart's crds/): `kubectl apply"
        + " --server-side --force-conflicts -f crds/`, or `helm show crds <chart> | kubectl apply"
        + " --server-side --force-conflicts -f -`.";
  }

  private static String httpPortProblem() {
    HttpPort port;
    try {
      port = HttpPort.configured();
    } catch (IllegalArgumentException e) {
      return e.getMessage() + ".";
    }
    if (!port.isFree()) {
      return "port "
          + port.number()
          + " (the operator's /q/metrics and /q/health) is already in use by another process:"
          + " stop it or set "
          + HttpPort.ENVIRONMENT
          + " to a free port.";
    }
    return null;
  }

  /**
   * In a pod with no service account token mounted (automountServiceAccountToken false), the client
   * goes as an anonymous user: the API server answers /version, then refuses every list, which
   * would read as missing RBAC or a deleted namespace. Null when a token is there or set otherwise.
   */
  private static String unmountedServiceAccountToken() {
    String tokenFile =
        Settings.value(
            Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY,
            "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN");
    Path token =
        Path.of(tokenFile == null ? Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH : tokenFile);
    if (!inCluster() || Files.isReadable(token) || credentialsSetOtherwise()) {
      return null;
    }
    return "no Kubernetes credentials: the pod has no service account token at "
        + token
        + " (automountServiceAccountToken is false), so the API server would take the operator"
        + " for an anonymous user and refuse what it watches. Mount the token (Helm:"
        + " automountServiceAccountToken: true; kustomize: automountServiceAccountToken in the"
        + " Deployment's pod spec).";
  }

  /** Credentials given to the Kubernetes client by a setting rather than a kubeconfig. */
  private static boolean credentialsSetOtherwise() {
    return Stream.of(
            Settings.value(Config.KUBERNETES_OAUTH_TOKEN_SYSTEM_PROPERTY, "KUBERNETES_AUTH_TOKEN"),
            Settings.value(
                Config.KUBERNETES_CLIENT_CERTIFICATE_FILE_SYSTEM_PROPERTY,
                "KUBERNETES_CERTS_CLIENT_FILE"),
            Settings.value(
                Config.KUBERNETES_CLIENT_CERTIFICATE_DATA_SYSTEM_PROPERTY,
                "KUBERNETES_CERTS_CLIENT_DATA"),
            Settings.value(
                Config.KUBERNETES_AUTH_BASIC_USERNAME_SYSTEM_PROPERTY,
                "KUBERNETES_AUTH_BASIC_USERNAME"),
            Settings.value("quarkus.kubernetes-client.token", "QUARKUS_KUBERNETES_CLIENT_TOKEN"),
            Settings.value(
                "quarkus.kubernetes-client.client-cert-file",
                "QUARKUS_KUBERNETES_CLIENT_CLIENT_CERT_FILE"),
            Settings.value(
                "quarkus.kubernetes-client.client-cert-data",
                "QUARKUS_KUBERNETES_CLIENT_CLIENT_CERT_DATA"),
            Settings.value(
                "quarkus.kubernetes-client.username", "QUARKUS_KUBERNETES_CLIENT_USERNAME"))
        .anyMatch(value -> value != null && !value.isBlank());
  }

  /** The kubeconfig files the Kubernetes client reads (KUBECONFIG, else ~/.kube/config). */
  private static List<Path> kubeconfigs() {
    return Config.getKubeconfigFilenames().stream()
        .filter(name -> name != null && !name.isBlank())
        .map(Path::of)
        .filter(Files::isRegularFile)
        .toList();
  }

  /** Parses the file as the client will, to name the file and the place that is wrong. */
  private static String kubeconfigProblem(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return "cannot read your kubeconfig " + file + ": " + CannotStart.cause(e) + ".";
    }
    try {
      new KubernetesSerialization().unmarshal(text, io.fabric8.kubernetes.api.model.Config.class);
      return null;
    } catch (RuntimeException e) {
      String position = "";
      Matcher at = YAML_POSITION.matcher(String.valueOf(e.getMessage()));
      if (at.find()) {
        position = " (line " + at.group(1) + ", column " + at.group(2) + ")";
      }
      return "your kubeconfig "
          + file
          + " is not a valid kubeconfig: "
          + CannotStart.cause(e)
          + position
          + "; fix it or point KUBECONFIG at another file.";
    }
  }

  /** Where the client's settings came from, to name in a message. */
  private static String source(Config config) {
    if (config.getCurrentContext() != null && config.getFile() != null) {
      return "context '" + config.getCurrentContext().getName() + "' of " + config.getFile();
    }
    if (config.getFile() != null) {
      return "your kubeconfig " + config.getFile();
    }
    return inCluster() ? "the in-cluster service account" : "your kubeconfig";
  }

  private static String join(List<Path> files) {
    return files.isEmpty()
        ? "none"
        : files.stream().map(Path::toString).collect(Collectors.joining(", "));
  }

  private static boolean inCluster() {
    return System.getenv("KUBERNETES_SERVICE_HOST") != null;
  }

  private static boolean requiresDefaultToken() {
    String value =
        Settings.value("flagrelease.require-default-token", "FLAGRELEASE_REQUIRE_DEFAULT_TOKEN");
    return value == null || SettingRanges.isTrue(value);
  }

  private static boolean hasDefaultToken() {
    String token = Settings.value("launchdarkly.access-token", "LAUNCHDARKLY_ACCESS_TOKEN");
    String file =
        Settings.value("launchdarkly.access-token-file", "LAUNCHDARKLY_ACCESS_TOKEN_FILE");
    return (token != null && !token.isBlank()) || (file != null && !file.isBlank());
  }
}
