package io.flagops.operator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flagops.operator.launchdarkly.HttpLaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyGuard;
import io.flagops.operator.launchdarkly.LaunchDarklyMetrics;
import io.flagops.operator.launchdarkly.RequestBudget;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** Builds the client the reconciler uses: HTTP, every call through the budget and the breaker. */
public final class LaunchDarklyClientFactory {
  private LaunchDarklyClientFactory() {}

  public static LaunchDarklyClient create(
      LaunchDarklyConfig launchDarkly,
      FlagReleaseConfig config,
      ObjectMapper json,
      Clock clock,
      MeterRegistry registry) {
    LaunchDarklyMetrics metrics = new LaunchDarklyMetrics(registry);
    FlagReleaseConfig.Budget budgetConfig = config.budget();
    FlagReleaseConfig.CircuitBreaker breakerConfig = config.circuitBreaker();
    RequestBudget budget =
        new RequestBudget(budgetConfig.requestsPerSecond(), budgetConfig.burst());
    LaunchDarklyGuard guard =
        new LaunchDarklyGuard(
            budget,
            breakerConfig.failureRate(),
            breakerConfig.windowSize(),
            breakerConfig.openFor(),
            // a refused token's FlagReleases are looked at again at this interval anyway
            config.polling().unauthorized(),
            metrics);
    return new HttpLaunchDarklyClient(
        launchDarkly.baseUrl(),
        launchDarkly.connectTimeout(),
        launchDarkly.readTimeout(),
        json,
        clock,
        metrics.listener(budget, clock),
        OperatorVersion.userAgent(),
        guard);
  }
}
