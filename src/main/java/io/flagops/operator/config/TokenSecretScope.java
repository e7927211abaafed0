package io.flagops.operator.config;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The namespaces in which FlagReleases may name a token Secret of their own, and so where the
 * operator reads Secrets (only those labelled {@link #LABEL}): {@code
 * FLAGRELEASE_TOKEN_SECRETS_NAMESPACES}, empty for none, {@code *} for every namespace the operator
 * watches, or a comma-separated list.
 */
public record TokenSecretScope(boolean everyWatched, Set<String> namespaces) {
  public static final String SETTING = "FLAGRELEASE_TOKEN_SECRETS_NAMESPACES";

  /** The label a Secret must carry for the operator to see it. */
  public static final String LABEL = "flagops.io/launchdarkly-token";

  public static final TokenSecretScope NONE = new TokenSecretScope(false, Set.of());
  public static final TokenSecretScope EVERY_WATCHED = new TokenSecretScope(true, Set.of());

  public static TokenSecretScope parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    if (text.strip().equals("*")) {
      return EVERY_WATCHED;
    }
    Set<String> names =
        Arrays.stream(text.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    for (String name : names) {
      if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
        throw new IllegalArgumentException(
            SETTING
                + ": '"
                + name
                + "' is not a namespace name (write * or a comma-separated list)");
      }
    }
    return new TokenSecretScope(false, names);
  }

  public boolean allows(String namespace) {
    return everyWatched || namespaces.contains(namespace);
  }

  public boolean isEmpty() {
    return !everyWatched && namespaces.isEmpty();
  }
}
