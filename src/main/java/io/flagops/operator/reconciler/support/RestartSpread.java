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

  /** Taken once: the settled interval is fixed for the process. */
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
    Duration window = budgetTime;
    if (window == null) {
      // a double beyond Long.MAX_VALUE casts to Long.MAX_VALUE: "longer than any interval"
      Duration needed =
          Duration.ofMillis(
              (long) (resources.getAsLong() * 1000.0 / Math.max(requestsPerSecond, 0.001)));
      Duration capped = needed.compareTo(settled) > 0 ? settled : needed;
      window = capped.compareTo(MIN) < 0 ? MIN : capped;
      budgetTime = window;
    }
    return window;
  }
}
