package io.flagops.operator.reconciler.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Spreads intervals so that resources created together do not poll together. */
public final class Jitter {
  private Jitter() {}

  /** {@code wait} stretched by a random factor in [1, 1 + fraction]: never shorter. */
  public static Duration atLeast(Duration wait, double fraction) {
    if (fraction <= 0 || wait.isZero()) {
      return wait;
    }
    double factor = 1 + ThreadLocalRandom.current().nextDouble(0, fraction);
    return Duration.ofMillis(Math.round(wait.toMillis() * factor) + 1);
  }

  /** {@code interval} scaled by a random factor in [1 - fraction, 1 + fraction]. */
  public static Duration spread(Duration interval, double fraction) {
    if (fraction <= 0) {
      return interval;
    }
    double factor = 1 + ThreadLocalRandom.current().nextDouble(-fraction, fraction);
    return Duration.ofMillis(Math.max(1, Math.round(interval.toMillis() * factor)));
  }
}
