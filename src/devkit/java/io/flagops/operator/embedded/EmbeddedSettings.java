package io.flagops.operator.embedded;

import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.config.LaunchDarklyConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The operator's settings for an operator started without Quarkus: the same config mappings, read
 * from a map of the same properties, so every default is the one the mapping declares.
 */
public final class EmbeddedSettings {
  private final Map<String, String> properties;

  private EmbeddedSettings(Map<String, String> properties) {
    this.properties = Map.copyOf(properties);
  }

  /**
   * Test-friendly settings: fast polls and retries, so behaviour over several polls takes seconds.
   */
  public static EmbeddedSettings fast(String launchDarklyBaseUrl, String defaultToken) {
    Map<String, String> properties = new HashMap<>();
    properties.put("launchdarkly.base-url", launchDarklyBaseUrl);
    if (defaultToken != null) {
      properties.put("launchdarkly.access-token", defaultToken);
    }
    properties.put("flagrelease.polling.settled", "1s");
    properties.put("flagrelease.polling.progressing", "300ms");
    properties.put("flagrelease.polling.unauthorized", "1s");
    properties.put("flagrelease.polling.jitter", "0.1");
    properties.put("flagrelease.budget.requests-per-second", "1000");
    properties.put("flagrelease.budget.burst", "100");
    properties.put("flagrelease.retry.initial-interval", "200ms");
    properties.put("flagrelease.retry.max-interval", "2s");
    properties.put("flagrelease.circuit-breaker.open-for", "2s");
    properties.put("flagrelease.default-token.grants", "*=*");
    properties.put("flagrelease.token-secrets.namespaces", "*");
    properties.put(RECONCILE_THREADS, "10");
    return new EmbeddedSettings(properties);
  }

  /** The same settings with one property changed (a Quarkus property name). */
  public EmbeddedSettings with(String property, String value) {
    Map<String, String> changed = new HashMap<>(properties);
    changed.put(property, value);
    return new EmbeddedSettings(changed);
  }

  public EmbeddedSettings withPolls(Duration settled, Duration progressing) {
    return with("flagrelease.polling.settled", settled.toMillis() + "ms")
        .with("flagrelease.polling.progressing", progressing.toMillis() + "ms");
  }

  public EmbeddedSettings withReconcileThreads(int threads) {
    return with(RECONCILE_THREADS, Integer.toString(threads));
  }

  public EmbeddedSettings withBudget(double perSecond, int burstSize) {
    return with("flagrelease.budget.requests-per-second", Double.toString(perSecond))
        .with("flagrelease.budget.burst", Integer.toString(burstSize));
  }

  /** The retry and circuit-breaker timings of a real deployment: the mapping's defaults. */
  public EmbeddedSettings withProductionFaultHandling() {
    Map<String, String> changed = new HashMap<>(properties);
    changed.remove("flagrelease.retry.initial-interval");
    changed.remove("flagrelease.retry.max-interval");
    changed.remove("flagrelease.circuit-breaker.open-for");
    return new EmbeddedSettings(changed);
  }

  int reconcileThreads() {
    return Integer.parseInt(properties.get(RECONCILE_THREADS));
  }

  LaunchDarklyConfig launchDarkly() {
    return config().getConfigMapping(LaunchDarklyConfig.class);
  }

  FlagReleaseConfig flagRelease() {
    return config().getConfigMapping(FlagReleaseConfig.class);
  }

  private static final String RECONCILE_THREADS =
      "quarkus.operator-sdk.concurrent-reconciliation-threads";

  private SmallRyeConfig config() {
    return new SmallRyeConfigBuilder()
        .withMapping(FlagReleaseConfig.class)
        .withMapping(LaunchDarklyConfig.class)
        // durations as the operator's users write them: 30s, 5m
        .withConverter(Duration.class, 200, new DurationConverter())
        .withSources(new PropertiesConfigSource(properties, "embedded settings", 100))
        .build();
  }
}
