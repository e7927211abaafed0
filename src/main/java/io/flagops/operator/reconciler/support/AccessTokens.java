package io.flagops.operator.reconciler.support;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.config.LaunchDarklyConfig;
import io.flagops.operator.launchdarkly.AccessToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Finds the token a FlagRelease uses: its own Secret (same namespace only) or the default. */
@ApplicationScoped
public class AccessTokens {
  private final KubernetesClient kubernetes;
  private final LaunchDarklyConfig config;

  public AccessTokens(KubernetesClient kubernetes, LaunchDarklyConfig config) {
    this.kubernetes = kubernetes;
    this.config = config;
  }

  /** The token, or {@link Unavailable} with a message that names what to fix. */
  public AccessToken resolve(FlagRelease resource) {
    SecretKeyReference ref = resource.getSpec().getAccessTokenSecretRef();
    if (ref == null) {
      return config
          .accessToken()
          .filter(token -> !token.isBlank())
          .map(token -> parse(token, "LAUNCHDARKLY_ACCESS_TOKEN"))
          .orElseThrow(
              () ->
                  new Unavailable(
                      "spec.accessTokenSecretRef is not set and the operator has no default"
                          + " token (LAUNCHDARKLY_ACCESS_TOKEN)"));
    }
    if (ref.getName() == null || ref.getName().isBlank()) {
      throw new Unavailable("spec.accessTokenSecretRef.name is required");
    }
    String namespace = resource.getMetadata().getNamespace();
    String key = ref.getKey() == null ? SecretKeyReference.DEFAULT_KEY : ref.getKey();
    Secret secret = kubernetes.secrets().inNamespace(namespace).withName(ref.getName()).get();
    if (secret == null) {
      throw new Unavailable(
          "spec.accessTokenSecretRef: Secret '"
              + ref.getName()
              + "' not found in namespace '"
              + namespace
              + "'");
    }
    String value = valueOf(secret, key);
    if (value == null || value.isBlank()) {
      throw new Unavailable(
          "spec.accessTokenSecretRef: Secret '"
              + ref.getName()
              + "' has no value at key '"
              + key
              + "'");
    }
    return parse(
        value, "spec.accessTokenSecretRef: Secret '" + ref.getName() + "' key '" + key + "'");
  }

  private static AccessToken parse(String value, String source) {
    try {
      return AccessToken.of(value);
    } catch (IllegalArgumentException e) {
      throw new Unavailable(source + ": " + e.getMessage());
    }
  }

  private static String valueOf(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      try {
        return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException notBase64) {
        return null;
      }
    }
    Map<String, String> stringData = secret.getStringData();
    return stringData == null ? null : stringData.get(key);
  }

  /** No usable token: a person must create or fix the Secret, or configure a default. */
  public static final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
      super(message, null, false, false);
    }
  }
}
