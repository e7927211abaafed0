package io.flagops.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach LaunchDarkly. Set through {@code LAUNCHDARKLY_BASE_URL}, {@code
 * LAUNCHDARKLY_ACCESS_TOKEN} and friends.
 */
@ConfigMapping(prefix = "launchdarkly")
public interface LaunchDarklyConfig {

  /** LaunchDarkly's commercial instance; the kubectl plugin uses it too. */
  String DEFAULT_BASE_URL = "https://app.launchdarkly.com";

  /** Commercial, EU and federal instances have different base URLs. */
  @WithDefault(DEFAULT_BASE_URL)
  String baseUrl();

  /** The token used by FlagReleases without {@code spec.accessTokenSecretRef}. */
  Optional<String> accessToken();

  /**
   * A file holding the default token (a mounted Secret); read again when it changes, so a rotated
   * token is used without a restart. Wins over {@code access-token}.
   */
  Optional<Path> accessTokenFile();

  @WithDefault("5s")
  Duration connectTimeout();

  @WithDefault("30s")
  Duration readTimeout();
}
