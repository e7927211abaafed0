package io.flagops.operator.reconciler.support;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fabric8.kubernetes.api.model.Secret;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.config.DefaultTokenGrants;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.config.TokenSecretScope;
import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.reconciler.plan.Reasons;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Finds the token a FlagRelease may use: its own Secret (same namespace only, where the admin lets
 * FlagReleases name one, labelled for the operator to see), or the operator's default token, only
 * for the namespaces and projects the admin granted it to.
 */
@ApplicationScoped
public class AccessTokens {
  private static final Logger LOG = Logger.getLogger(AccessTokens.class);
  private static final String SECRET = "secret/";
  private static final String DEFAULT_SOURCE = "default";

  /** Tokens in use, parsed; far more than any cluster's Secrets hold, rotated ones age out. */
  private static final Cache<String, AccessToken> PARSED =
      Caffeine.newBuilder().maximumSize(1_000).expireAfterAccess(Duration.ofHours(1)).build();

  private final DefaultToken defaultToken;
  private final FlagReleaseWatches watches;
  private final DefaultTokenGrants grants;
  private final TokenSecretScope secretScope;

  @Inject
  public AccessTokens(
      DefaultToken defaultToken, FlagReleaseWatches watches, FlagReleaseConfig config) {
    this(
        defaultToken, watches, config.defaultToken().parsedGrants(), config.tokenSecrets().scope());
  }

  public AccessTokens(
      DefaultToken defaultToken,
      FlagReleaseWatches watches,
      DefaultTokenGrants grants,
      TokenSecretScope secretScope) {
    this.defaultToken = defaultToken;
    this.watches = watches;
    this.grants = grants;
    this.secretScope = secretScope;
    describe();
  }

  /** Says once, at start, who may use which token: an admin reads it in the operator's log. */
  private void describe() {
    if (defaultToken.value().isEmpty()) {
      LOG.warnf(
          "No default LaunchDarkly token (%s): FlagReleases without spec.accessTokenSecretRef"
              + " report AccessTokenUnavailable until it is set",
          defaultToken.source());
    } else if (grants.grantsNothing()) {
      LOG.warnf(
          "The default LaunchDarkly token is granted to no namespace (%s is empty): FlagReleases"
              + " without spec.accessTokenSecretRef report DefaultTokenNotGranted",
          DefaultTokenGrants.SETTING);
    } else {
      LOG.infof("The default LaunchDarkly token is granted to: %s", grants);
    }
    LOG.infof(
        "Token Secrets are read in %s, when labelled %s=true",
        secretScope.isEmpty()
            ? "no namespace"
            : secretScope.everyWatched()
                ? "every watched namespace"
                : "namespaces " + String.join(", ", secretScope.namespaces()),
        TokenSecretScope.LABEL);
  }

  /** The token, or {@link Unavailable} with a reason and a message that names what to fix. */
  public Resolved resolve(FlagRelease resource) {
    SecretKeyReference ref = resource.getSpec().getAccessTokenSecretRef();
    return ref == null ? defaultTokenFor(resource) : fromSecret(resource, ref);
  }

  /**
   * Which LaunchDarkly account the resource's calls go to, as far as the operator can tell: the
   * fingerprint of its token. Empty when it has no usable token (it then makes no call).
   */
  public Optional<String> accountOf(FlagRelease resource) {
    return resolved(resource).map(resolved -> resolved.token().fingerprint());
  }

  /** The resource's token and its version; empty when it has no usable token. */
  public Optional<Resolved> resolved(FlagRelease resource) {
    try {
      return Optional.of(resolve(resource));
    } catch (Unavailable e) {
      return Optional.empty();
    }
  }

  /**
   * A token and its version: its source and its {@link AccessToken#tag() tag} (never the token), so
   * that a refused write is tried again once the token changes, and not when its Secret or file is
   * only written again (a label added, a new pod's volume).
   */
  public record Resolved(AccessToken token, String version) {}

  /**
   * Whether two token versions come from the same source: the same key of the same Secret, or the
   * default token. A rotation keeps the source; pointing the resource at another Secret or key, or
   * at none, changes it.
   */
  public static boolean sameSource(String version, String other) {
    String one = sourceOf(version);
    String two = sourceOf(other);
    // a version written before the key was part of it (secret/<name>) names any key of the Secret
    return one.equals(two) || keyOf(one, two) || keyOf(two, one);
  }

  /**
   * Whether two token versions name the same token: the same source at the same version (so that a
   * status written before the key was part of the version re-arms no refused write).
   */
  public static boolean sameVersion(String version, String other) {
    return Objects.equals(version, other)
        || (version != null
            && other != null
            && sameSource(version, other)
            && tagOf(version).equals(tagOf(other)));
  }

  /**
   * Whether two versions are of the same token, from whatever Secret, key or default it came: the
   * tag is a digest of the token alone, so the same tag is the same token, and the same account.
   */
  public static boolean sameToken(String version, String other) {
    if (version == null || other == null) {
      return false;
    }
    String tag = tagOf(version);
    // only a digest tells the token (an earlier version wrote a file's modification time)
    return tag.matches("[0-9a-f]{12}") && tag.equals(tagOf(other));
  }

  private static String tagOf(String version) {
    int at = version.indexOf('@');
    return at < 0 ? "" : version.substring(at + 1);
  }

  /** Whether {@code keyed} is {@code secret/<name>/<key>} of the keyless {@code secret/<name>}. */
  private static boolean keyOf(String keyed, String keyless) {
    return keyless.startsWith(SECRET)
        && keyless.indexOf('/', SECRET.length()) < 0
        && keyed.startsWith(keyless + "/");
  }

  /**
   * {@code secret/<name>/<key>}, or {@code default} for the default token (its file and its
   * variable are one source: moving it from one to the other is not a change of account): a version
   * without what rotates.
   */
  private static String sourceOf(String version) {
    if (!isSecretSource(version)) {
      return DEFAULT_SOURCE;
    }
    int at = version.indexOf('@');
    return at < 0 ? version : version.substring(0, at);
  }

  private Resolved defaultTokenFor(FlagRelease resource) {
    String namespace = resource.getMetadata().getNamespace();
    String project = resource.getSpec().getProjectKey();
    if (!grants.allows(namespace, project)) {
      throw new Unavailable(Reasons.DEFAULT_TOKEN_NOT_GRANTED, notGranted(namespace, project));
    }
    return defaultToken
        .value()
        .map(token -> parse(token, defaultToken.source()))
        .map(token -> new Resolved(token, defaultToken.origin() + "@" + token.tag()))
        .orElseThrow(
            () ->
                new Unavailable(
                    Reasons.TOKEN_UNAVAILABLE,
                    "spec.accessTokenSecretRef is not set and the operator has no default"
                        + " token ("
                        + defaultToken.source()
                        + ")"));
  }

  private String notGranted(String namespace, String project) {
    String granted =
        grants.projectsFor(namespace).isEmpty()
            ? "it grants this namespace no project"
            : "it grants this namespace projects "
                + String.join(", ", grants.projectsFor(namespace));
    return "namespace '"
        + namespace
        + "' may not use the operator's default LaunchDarkly token for project '"
        + project
        + "' ("
        + granted
        + "): set spec.accessTokenSecretRef to a token Secret of this namespace, or ask the"
        + " cluster admin to grant it ("
        + DefaultTokenGrants.SETTING
        + ", the chart's token.grants)";
  }

  private Resolved fromSecret(FlagRelease resource, SecretKeyReference ref) {
    String namespace = resource.getMetadata().getNamespace();
    if (ref.getName() == null || ref.getName().isBlank()) {
      throw new Unavailable(
          Reasons.TOKEN_UNAVAILABLE, "spec.accessTokenSecretRef.name is required");
    }
    if (!secretScope.allows(namespace)) {
      throw new Unavailable(
          Reasons.TOKEN_UNAVAILABLE,
          "spec.accessTokenSecretRef: the operator reads no token Secrets in namespace '"
              + namespace
              + "'; the cluster admin lists the namespaces where FlagReleases may name their own"
              + " Secret ("
              + TokenSecretScope.SETTING
              + ", the chart's tokenSecrets.namespaces)");
    }
    String key = ref.getKey() == null ? SecretKeyReference.DEFAULT_KEY : ref.getKey();
    Secret secret = watches.tokenSecret(resource).orElse(null);
    if (secret == null) {
      throw new Unavailable(
          Reasons.TOKEN_UNAVAILABLE,
          "spec.accessTokenSecretRef: Secret '"
              + ref.getName()
              + "' not found in namespace '"
              + namespace
              + "', or not labelled "
              + TokenSecretScope.LABEL
              + "=true (the operator sees only token Secrets with that label)");
    }
    String value = valueOf(secret, key);
    if (value == null || value.isBlank()) {
      throw new Unavailable(
          Reasons.TOKEN_UNAVAILABLE,
          "spec.accessTokenSecretRef: Secret '"
              + ref.getName()
              + "' has no value at key '"
              + key
              + "'");
    }
    AccessToken token =
        parse(value, "spec.accessTokenSecretRef: Secret '" + ref.getName() + "' key '" + key + "'");
    return new Resolved(token, secretSource(ref.getName(), key) + "@" + token.tag());
  }

  /** The source of a token read from a Secret's key, as a token version names it. */
  public static String secretSource(String secretName, String key) {
    return SECRET + secretName + "/" + key;
  }

  /**
   * The source of the token the spec names, as a token version names it (without what rotates): its
   * Secret and key, else the default token, whose file or variable {@code recorded} (a version the
   * status recorded) tells when it was the default token too.
   */
  public static String sourceNamedBy(FlagReleaseSpec spec, String recorded) {
    SecretKeyReference ref = spec.getAccessTokenSecretRef();
    if (ref != null && ref.getName() != null) {
      return secretSource(
          ref.getName(), ref.getKey() == null ? SecretKeyReference.DEFAULT_KEY : ref.getKey());
    }
    return recorded != null && !isSecretSource(recorded) ? recorded : "file";
  }

  /** Whether a token version names a Secret (else the default token: a file or a variable). */
  public static boolean isSecretSource(String version) {
    return version.startsWith(SECRET);
  }

  private static AccessToken parse(String value, String source) {
    try {
      // one instance per token: its digests (SHA-256) are then computed once, not per pass
      return PARSED.get(value, AccessToken::of);
    } catch (IllegalArgumentException e) {
      throw new Unavailable(Reasons.TOKEN_UNAVAILABLE, source + ": " + e.getMessage());
    }
  }

  /**
   * The value at {@code key} of a token Secret ({@code data}, else {@code stringData}), or null.
   */
  public static String valueOf(Secret secret, String key) {
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

  /** No usable token: a person must create or fix the Secret, grant the token, or configure one. */
  public static final class Unavailable extends RuntimeException {
    private final String reason;

    public Unavailable(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }

    /** The condition reason, for tools. */
    public String reason() {
      return reason;
    }
  }
}
