package io.flagops.operator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flagops.operator.launchdarkly.HttpLaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.quarkus.arc.DefaultBean;
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
  LaunchDarklyClient launchDarklyClient(LaunchDarklyConfig config, ObjectMapper json, Clock clock) {
    return new HttpLaunchDarklyClient(
        config.baseUrl(),
        config.connectTimeout(),
        config.readTimeout(),
        json,
        clock,
        HttpLaunchDarklyClient.ResponseListener.NONE);
  }
}
