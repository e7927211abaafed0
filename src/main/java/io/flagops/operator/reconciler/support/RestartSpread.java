package io.flagops.operator.reconciler.support;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long the first looks after a start are spread over: the time the request budget takes to read
 * every resource once, at least a second and at most the settled interval. Spread wider, the
 * operator would idle under its budget while Ready resources wait to be checked; narrower, reads
 * would only queue for the budget. The count is taken once per start, when the cache is full.
 */
final class RestartSpread {
  private static final Duration MIN = Duration.ofSeconds(1);

  private final LongSupplier resources;
  private final double requestsPerSecond;
  private volatile Duration budgetTime;

  RestartSpread(LongSupplier resources, double requestsPerSecond) {
    this.resources = resources;
    this.requestsPerSecond = requestsPerSecond;
  }

  /** Spread every resource's first look over the settled interval, as before a budget was known. */
  static RestartSpread overSettledInterval() {
    return new RestartSpread(() -> Long.MAX_VALUE, 1);
  }

  Duration window(Duration settled) {
    Duration time = budgetTime;
    if (time == null) {
      double seconds = resources.getAsLong() / Math.max(requestsPerSecond, 0.001);
      time = seconds >= settled.toSeconds() ? settled : Duration.ofMillis((long) (seconds * 1000));
      budgetTime = time;
    }
    return time.compareTo(MIN) < 0 ? MIN : time.compareTo(settled) > 0 ? settled : time;
  }
}
