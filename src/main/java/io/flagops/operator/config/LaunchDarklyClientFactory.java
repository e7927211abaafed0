package io.flagops.operator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flagops.operator.launchdarkly.HttpLaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyGuard;
import io.flagops.operator.launchdarkly.LaunchDarklyMetrics;
import io.flagops.operator.launchdarkly.RequestBudget;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/** Builds the client the reconciler uses: HTTP, every call through the budget and the breaker. */
public final class LaunchDarklyClientFactory {
  private LaunchDarklyClientFactory() {}

  /**
   * How long a token's 401 answers the other passes with it: less than the shortest jittered
   * interval at which a refused FlagRelease looks again, so that each one's own next look asks
   * LaunchDarkly, while many FlagReleases on one token ask about once per interval between them.
   */
  static Duration refusalKept(FlagReleaseConfig.Polling polling) {
    double shortest = polling.unauthorized().toMillis() * (1 - polling.jitter());
    return Duration.ofMillis((long) (shortest * 0.9));
  }

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
            refusalKept(config.polling()),
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
