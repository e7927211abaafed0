package io.flagops.operator.reconciler.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Spreads intervals so that resources created together do not poll together. */
public final class Jitter {
  private Jitter() {}

  /** {@code interval} scaled by a random factor in [1 - fraction, 1 + fraction]. */
  public static Duration spread(Duration interval, double fraction) {
    if (fraction <= 0) {
      return interval;
    }
    double factor = 1 + ThreadLocalRandom.current().nextDouble(-fraction, fraction);
    return Duration.ofMillis(Math.max(1, Math.round(interval.toMillis() * factor)));
  }
}
