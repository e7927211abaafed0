package io.flagops.operator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the LaunchDarkly client and the clock from typed configuration. */
public class Producers {

  @Produces
  @Singleton
  @DefaultBean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  @DefaultBean
  LaunchDarklyClient launchDarklyClient(
      LaunchDarklyConfig launchDarkly,
      FlagReleaseConfig config,
      ObjectMapper json,
      Clock clock,
      MeterRegistry registry) {
    return LaunchDarklyClientFactory.create(launchDarkly, config, json, clock, registry);
  }

  void close(@Disposes LaunchDarklyClient client) throws Exception {
    if (client instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
