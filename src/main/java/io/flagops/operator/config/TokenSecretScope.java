package io.flagops.operator.config;

import java.util.List;
import java.util.Set;

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
    List<String> names = SettingNames.split(text);
    String problem = SettingNames.listProblem(SETTING, names);
    if (problem != null) {
      throw new IllegalArgumentException(problem + "; write * or a comma-separated list");
    }
    return new TokenSecretScope(false, Set.copyOf(names));
  }

  public boolean allows(String namespace) {
    return everyWatched || namespaces.contains(namespace);
  }

  public boolean isEmpty() {
    return !everyWatched && namespaces.isEmpty();
  }
}
