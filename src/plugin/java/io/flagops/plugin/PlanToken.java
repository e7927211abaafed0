package io.flagops.plugin;

import io.fabric8.kubernetes.api.model.Secret;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.config.TokenSecretScope;
import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.reconciler.support.AccessTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The token plan reads LaunchDarkly with, and where it came from (never the token): the file given
 * (the resource's own Secret is still checked as the operator checks it, where the kubeconfig may
 * read it), else the resource's own Secret (as the operator would use it), else {@code
 * LAUNCHDARKLY_ACCESS_TOKEN} in place of the operator's default token, which only it can read.
 */
record PlanToken(AccessToken token, String source) {
  static final String ENV = "LAUNCHDARKLY_ACCESS_TOKEN";

  static PlanToken resolve(FlagRelease resource, String tokenFile, Cluster cluster) {
    SecretKeyReference ref = resource.getSpec().getAccessTokenSecretRef();
    boolean ownSecret = ref != null && ref.getName() != null;
    if (tokenFile != null) {
      PlanToken fromFile = fromFile(tokenFile);
      if (!ownSecret) {
        return fromFile;
      }
      // the operator makes no call unless the resource's Secret holds a token it may use
      try {
        fromSecret(resource.getMetadata().getNamespace(), ref, cluster);
        return fromFile;
      } catch (Cluster.Forbidden e) {
        return new PlanToken(
            fromFile.token(),
            fromFile.source()
                + "; spec.accessTokenSecretRef not checked: "
                + e.getMessage().replaceFirst("^not allowed", "not allowed here"));
      }
    }
    if (ownSecret) {
      return fromSecret(resource.getMetadata().getNamespace(), ref, cluster);
    }
    String fromEnv = System.getenv(ENV);
    if (fromEnv == null || fromEnv.isBlank()) {
      throw new PluginError(
          "no LaunchDarkly token: flagrelease \""
              + resource.getMetadata().getName()
              + "\" uses the operator's default token, which only the operator reads; set "
              + ENV
              + " or --token-file to a token (a reader role is enough)");
    }
    return parse(fromEnv.strip(), ENV);
  }

  private static PlanToken fromFile(String tokenFile) {
    try {
      return parse(Files.readString(Path.of(tokenFile)).strip(), "--token-file " + tokenFile);
    } catch (IOException e) {
      // never the argument itself: a token given in place of a file name would be printed
      throw new PluginError(
          "--token-file: cannot read the file it names ("
              + (e instanceof NoSuchFileException ? "no such file" : "not readable")
              + "); it takes the path of a file holding the token, not the token");
    }
  }

  private static PlanToken fromSecret(String namespace, SecretKeyReference ref, Cluster cluster) {
    String key = ref.getKey() == null ? SecretKeyReference.DEFAULT_KEY : ref.getKey();
    String source = "Secret " + namespace + "/" + ref.getName() + " key '" + key + "'";
    Secret secret =
        cluster
            .secret(namespace, ref.getName())
            .orElseThrow(
                () ->
                    new SecretUnavailable(
                        "spec.accessTokenSecretRef: Secret \""
                            + ref.getName()
                            + "\" not found in namespace \""
                            + namespace
                            + "\""));
    Map<String, String> labels = secret.getMetadata().getLabels();
    if (labels == null || !"true".equals(labels.get(TokenSecretScope.LABEL))) {
      throw new SecretUnavailable(
          "spec.accessTokenSecretRef: Secret \""
              + ref.getName()
              + "\" in namespace \""
              + namespace
              + "\" is not labelled "
              + TokenSecretScope.LABEL
              + "=true: the operator sees only token Secrets with that label, so it would make no"
              + " call");
    }
    String value = AccessTokens.valueOf(secret, key);
    if (value == null || value.isBlank()) {
      throw new SecretUnavailable("spec.accessTokenSecretRef: " + source + " holds no token");
    }
    try {
      return parse(value.strip(), source);
    } catch (PluginError e) {
      throw new SecretUnavailable(e.getMessage());
    }
  }

  /** The resource's own token Secret cannot give a token: that holds the operator back too. */
  static final class SecretUnavailable extends PluginError {
    SecretUnavailable(String message) {
      super(message);
    }
  }

  private static PlanToken parse(String value, String source) {
    try {
      return new PlanToken(AccessToken.of(value), source);
    } catch (IllegalArgumentException e) {
      throw new PluginError(source + ": " + e.getMessage());
    }
  }
}
