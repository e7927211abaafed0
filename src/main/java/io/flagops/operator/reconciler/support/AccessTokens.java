package io.flagops.operator.reconciler.support;

import io.fabric8.kubernetes.api.model.Secret;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.launchdarkly.AccessToken;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Finds the token a FlagRelease uses: its own Secret (same namespace only, read from the watched
 * Secrets) or the operator's default token.
 */
@ApplicationScoped
public class AccessTokens {
  private final DefaultToken defaultToken;

  public AccessTokens(DefaultToken defaultToken) {
    this.defaultToken = defaultToken;
  }

  /**
   * The token, or {@link Unavailable} with a message that names what to fix.
   *
   * @param context gives the Secret that {@code spec.accessTokenSecretRef} names, if it exists
   */
  public Resolved resolve(FlagRelease resource, Context<FlagRelease> context) {
    SecretKeyReference ref = resource.getSpec().getAccessTokenSecretRef();
    if (ref == null) {
      return defaultToken
          .value()
          .map(token -> new Resolved(parse(token, defaultToken.source()), defaultToken.version()))
          .orElseThrow(
              () ->
                  new Unavailable(
                      "spec.accessTokenSecretRef is not set and the operator has no default"
                          + " token ("
                          + defaultToken.source()
                          + ")"));
    }
    if (ref.getName() == null || ref.getName().isBlank()) {
      throw new Unavailable("spec.accessTokenSecretRef.name is required");
    }
    String namespace = resource.getMetadata().getNamespace();
    String key = ref.getKey() == null ? SecretKeyReference.DEFAULT_KEY : ref.getKey();
    Secret secret = context.getSecondaryResource(Secret.class).orElse(null);
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
    AccessToken token =
        parse(value, "spec.accessTokenSecretRef: Secret '" + ref.getName() + "' key '" + key + "'");
    return new Resolved(
        token, "secret/" + ref.getName() + "@" + secret.getMetadata().getResourceVersion());
  }

  /**
   * A token and which version of its source it came from (never the token itself), so that a
   * refused write is tried again once the token changes.
   */
  public record Resolved(AccessToken token, String version) {}

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
