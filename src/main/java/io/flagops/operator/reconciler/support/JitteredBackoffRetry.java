package io.flagops.operator.reconciler.support;

import io.javaoperatorsdk.operator.processing.retry.Retry;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Exponential backoff with full jitter that never gives up: LaunchDarkly outages end, and a
 * FlagRelease must converge when they do. Settings come from {@code flagrelease.retry.*}.
 */
public class JitteredBackoffRetry implements Retry {
  private final long initialMillis;
  private final long maxMillis;
  private final double multiplier;

  public JitteredBackoffRetry() {
    Config config = ConfigProvider.getConfig();
    this.initialMillis =
        config
            .getOptionalValue("flagrelease.retry.initial-interval", Duration.class)
            .orElse(Duration.ofSeconds(2))
            .toMillis();
    this.maxMillis =
        config
            .getOptionalValue("flagrelease.retry.max-interval", Duration.class)
            .orElse(Duration.ofMinutes(5))
            .toMillis();
    this.multiplier =
        config.getOptionalValue("flagrelease.retry.multiplier", Double.class).orElse(2.0);
  }

  JitteredBackoffRetry(Duration initial, Duration max, double multiplier) {
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.multiplier = multiplier;
  }

  @Override
  public RetryExecution initExecution() {
    return new Execution();
  }

  /** The delay after failed attempt {@code attempt}: between half and all of the step. */
  long delayAfter(int attempt) {
    double step = initialMillis * Math.pow(multiplier, Math.max(0, attempt - 1));
    long half = (long) Math.min(step, maxMillis) / 2;
    return half + ThreadLocalRandom.current().nextLong(half + 1);
  }

  private final class Execution implements RetryExecution {
    private int attempts;

    @Override
    public Optional<Long> nextDelay() {
      attempts++;
      return Optional.of(delayAfter(attempts));
    }

    @Override
    public int getAttemptCount() {
      return attempts;
    }

    @Override
    public boolean isLastAttempt() {
      return false;
    }
  }
}
