package io.flagops.operator.simulator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * LaunchDarkly-style fixed-window rate limits: one global budget and one per route, both reset at
 * the end of the window. Every request spends from both, also requests that end up refused.
 */
final class RateLimiter {
  static final int UNLIMITED = 100_000;
  static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

  /** The budget left after one request; {@code limited} when it went over either limit. */
  record Window(long globalRemaining, long routeRemaining, long resetMillis, boolean limited) {
    long retryAfterSeconds(long now) {
      return Math.max(1, (resetMillis - now + 999) / 1000);
    }
  }

  private int globalLimit = UNLIMITED;
  private int routeLimit = UNLIMITED;
  private long windowMillis = DEFAULT_WINDOW.toMillis();
  private long windowEnd = Long.MIN_VALUE;
  private int globalCount;
  private final Map<String, Integer> routeCounts = new HashMap<>();

  synchronized void configure(int globalPerWindow, int routePerWindow, Duration window) {
    if (globalPerWindow < 0 || routePerWindow < 0) {
      throw new IllegalArgumentException("rate limits must not be negative");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("the rate-limit window must be positive");
    }
    globalLimit = globalPerWindow;
    routeLimit = routePerWindow;
    windowMillis = window.toMillis();
    windowEnd = Long.MIN_VALUE;
  }

  synchronized void clear() {
    configure(UNLIMITED, UNLIMITED, DEFAULT_WINDOW);
  }

  synchronized Window spend(String route, long now) {
    if (now >= windowEnd) {
      windowEnd = now + windowMillis;
      globalCount = 0;
      routeCounts.clear();
    }
    globalCount++;
    int routeCount = routeCounts.merge(route, 1, Integer::sum);
    return new Window(
        Math.max(0, globalLimit - globalCount),
        Math.max(0, routeLimit - routeCount),
        windowEnd,
        globalCount > globalLimit || routeCount > routeLimit);
  }
}
