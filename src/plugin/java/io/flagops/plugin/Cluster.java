package io.flagops.plugin;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Kubernetes API as the kubeconfig reaches it, with its failures turned into one line. */
final class Cluster implements AutoCloseable {
  static final String CRD = "flagreleases.flagops.io";

  private final KubernetesClient client;
  private final String namespace;

  private Cluster(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  static Cluster connect(ClusterOptions options) {
    if (options.kubeconfig != null) {
      // as kubectl: a file that is not there is an error, never another cluster (the pod's own)
      if (!Files.isRegularFile(Path.of(options.kubeconfig))) {
        throw new PluginError("--kubeconfig: no such file: " + options.kubeconfig);
      }
      System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, options.kubeconfig);
    }
    Config config;
    try {
      config = Config.autoConfigure(options.context);
    } catch (RuntimeException e) {
      throw unreadableKubeconfig(options, e);
    }
    if (options.context != null
        && (config.getCurrentContext() == null
            || !options.context.equals(config.getCurrentContext().getName()))) {
      throw new PluginError("context \"" + options.context + "\" is not in the kubeconfig");
    }
    // one try, quickly: a person or a CI job is waiting for the answer
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout(15_000);
    String namespace =
        options.namespace != null
            ? options.namespace
            : config.getNamespace() != null ? config.getNamespace() : "default";
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(new JdkHttpClientFactory())
            .build();
    return new Cluster(client, namespace);
  }

  /**
   * Names the file and where in it the parser stopped, not the parser's message: that quotes the
   * line, and a kubeconfig's lines hold tokens and client keys.
   */
  private static PluginError unreadableKubeconfig(ClusterOptions options, RuntimeException e) {
    String file =
        options.kubeconfig != null
            ? options.kubeconfig
            : Optional.ofNullable(System.getenv("KUBECONFIG")).orElse("~/.kube/config");
    Matcher at = POSITION.matcher(Messages.oneLine(e));
    String where = at.find() ? " at line " + at.group(1) + ", column " + at.group(2) : "";
    return new PluginError(
        "cannot read the kubeconfig " + file + where + " (not valid YAML, or not a kubeconfig)");
  }

  private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");

  String namespace() {
    return namespace;
  }

  /** The FlagRelease, or a one-line error: not found, no CRD, no access, no API. */
  FlagRelease get(String namespace, String name) {
    return find(namespace, name)
        .orElseThrow(
            () ->
                new PluginError(
                    "flagrelease \"" + name + "\" not found in namespace \"" + namespace + "\""));
  }

  Optional<FlagRelease> find(String namespace, String name) {
    FlagRelease found =
        call(
            "get flagrelease " + name + " in namespace \"" + namespace + "\"",
            () -> resource(namespace, name).get());
    if (found == null) {
      requireCrd();
    }
    return Optional.ofNullable(found);
  }

  Resource<FlagRelease> resource(String namespace, String name) {
    return client.resources(FlagRelease.class).inNamespace(namespace).withName(name);
  }

  Optional<Secret> secret(String namespace, String name) {
    return Optional.ofNullable(
        call(
            "get secret " + name + " in namespace \"" + namespace + "\"",
            () -> client.secrets().inNamespace(namespace).withName(name).get()));
  }

  /** Without the CRD the API answers 404 as for a missing resource: discovery tells them apart. */
  private void requireCrd() {
    if (!call("discover the FlagRelease API", () -> client.supports(FlagRelease.class))) {
      throw new PluginError(
          "the FlagRelease CRD ("
              + CRD
              + ") is not installed in the cluster at "
              + client.getMasterUrl()
              + ": install the operator first");
    }
  }

  <T> T call(String doing, java.util.function.Supplier<T> request) {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw explain(e, doing);
    }
  }

  PluginError explain(KubernetesClientException e, String doing) {
    String api = "the Kubernetes API at " + client.getMasterUrl();
    if (e.getCode() <= 0) { // no HTTP answer at all
      return new PluginError("cannot reach " + api + " (" + Messages.oneLine(e) + ")");
    }
    return switch (e.getCode()) {
      case HttpURLConnection.HTTP_UNAUTHORIZED ->
          new PluginError(api + " did not accept the kubeconfig's credentials (401)");
      case HttpURLConnection.HTTP_FORBIDDEN -> new Forbidden("not allowed to " + doing + " (403)");
      default ->
          new PluginError(
              "cannot "
                  + doing
                  + ": "
                  + api
                  + " answered "
                  + e.getCode()
                  + (e.getStatus() == null || e.getStatus().getMessage() == null
                      ? ""
                      : " (" + e.getStatus().getMessage() + ")"));
    };
  }

  /** The kubeconfig's user may not make the request (403). */
  static final class Forbidden extends PluginError {
    Forbidden(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
