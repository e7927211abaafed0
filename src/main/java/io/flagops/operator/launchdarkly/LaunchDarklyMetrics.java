package io.flagops.operator.launchdarkly;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;

/**
 * What the operator's LaunchDarkly traffic looks like, for Prometheus: calls by route and status,
 * rate-limit pauses, time spent waiting for the request budget, and the breaker's state.
 */
public final class LaunchDarklyMetrics {
  private final MeterRegistry registry;
  private final Timer budgetWaits;
  private Gauge breakerGauge;
  private Gauge rateGauge;

  public LaunchDarklyMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.budgetWaits =
        Timer.builder("flagrelease.launchdarkly.budget.wait")
            .description(
                "How long reconciles were put off until their turn in the process-wide request"
                    + " budget")
            .register(registry);
    // a rejected token's first answer must count: increase() takes a new series' first sample
    // as its start, so the FlagReleaseTokenRejected alert needs these to exist at 0 before
    for (HttpLaunchDarklyClient.Route route : HttpLaunchDarklyClient.Route.values()) {
      calls(route.name(), "401");
      calls(route.name(), "403");
    }
  }

  /** An answer came: count it by route and HTTP status. */
  public void answered(String route, int status) {
    calls(route, Integer.toString(status)).increment();
  }

  /** No answer came (timeout, dropped connection). */
  public void unanswered(String route) {
    calls(route, "none").increment();
  }

  /**
   * LaunchDarkly answered 429: the callers of its account are paused {@code added} longer (the time
   * a pause already under way covered is not counted again, so the sum stays wall-clock time).
   */
  public void rateLimited(Duration added) {
    Counter.builder("flagrelease.launchdarkly.ratelimit.pauses")
        .description(
            "429 answers that paused their account's calls until the rate-limit window reset")
        .register(registry)
        .increment();
    Timer.builder("flagrelease.launchdarkly.ratelimit.pause")
        .description(
            "How long 429 answers paused the calls of their account, overlaps counted once")
        .register(registry)
        .record(added);
  }

  public void waitedForBudget(Duration waited) {
    budgetWaits.record(waited);
  }

  /** Publishes the breaker's state: 0 closed, 1 open, 2 half-open. */
  public void watch(CircuitBreaker breaker) {
    breakerGauge =
        Gauge.builder(
                "flagrelease.launchdarkly.circuit.state",
                breaker,
                b ->
                    switch (b.getState()) {
                      case OPEN, FORCED_OPEN -> 1;
                      case HALF_OPEN -> 2;
                      default -> 0;
                    })
            .description("LaunchDarkly circuit breaker: 0 closed, 1 open, 2 half-open")
            .register(registry);
  }

  /** Publishes the rate the request budget allows now: lower than configured after 429s. */
  public void watch(RequestBudget budget) {
    rateGauge =
        Gauge.builder(
                "flagrelease.launchdarkly.budget.rate",
                budget,
                RequestBudget::currentRequestsPerSecond)
            .description(
                "LaunchDarkly calls per second the request budget allows now (it halves after a"
                    + " 429 and climbs back)")
            .register(registry);
  }

  /** Leaves no gauge bound to a client that is gone (a registry can outlive it in tests). */
  public void stopWatching() {
    if (breakerGauge != null) {
      registry.remove(breakerGauge);
    }
    if (rateGauge != null) {
      registry.remove(rateGauge);
    }
  }

  private Counter calls(String route, String status) {
    return Counter.builder("flagrelease.launchdarkly.requests")
        .description("Calls to the LaunchDarkly API by route and HTTP status")
        .tag("route", route)
        .tag("status", status)
        .register(registry);
  }

  /**
   * Listens to every answer of {@link HttpLaunchDarklyClient}: counts it, tells the budget what is
   * left of LaunchDarkly's window, and holds back the calls of the account that got a 429.
   */
  public HttpLaunchDarklyClient.ResponseListener listener(RequestBudget budget, Clock clock) {
    return (route, account, status, headers) -> {
      answered(route, status);
      RateLimitHeaders.window(headers, clock)
          .ifPresent(window -> budget.observe(window.remaining(), window.untilReset()));
      if (status == 429) {
        rateLimited(budget.pauseFor(account, RateLimitHeaders.retryAfter(headers, clock)));
      }
    };
  }
}
