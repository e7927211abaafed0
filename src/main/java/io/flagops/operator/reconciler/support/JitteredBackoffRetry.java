package io.flagops.operator.reconciler.support;

import io.flagops.operator.config.FlagReleaseConfig;
import io.javaoperatorsdk.operator.processing.retry.Retry;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import io.smallrye.config.SmallRyeConfig;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * JOSDK's retry for what the reconciler does not handle itself (a failed Kubernetes write, say):
 * the same jittered backoff as {@link Backoff}, and it never gives up.
 */
public class JitteredBackoffRetry implements Retry {
  private volatile Backoff backoff;

  /** As the controller annotation names it: settings from the Quarkus config mapping. */
  public JitteredBackoffRetry() {}

  /** With settings given, for an operator wired without Quarkus. */
  public JitteredBackoffRetry(FlagReleaseConfig.Retry retry) {
    this.backoff = new Backoff(retry);
  }

  @Override
  public RetryExecution initExecution() {
    return new Execution();
  }

  // read on first use: the SDK creates this class before the configuration is up
  private Backoff backoff() {
    if (backoff == null) {
      backoff =
          new Backoff(
              ConfigProvider.getConfig()
                  .unwrap(SmallRyeConfig.class)
                  .getConfigMapping(FlagReleaseConfig.class)
                  .retry());
    }
    return backoff;
  }

  private final class Execution implements RetryExecution {
    private int attempts;

    @Override
    public Optional<Long> nextDelay() {
      attempts++;
      return Optional.of(backoff().delayAfter(attempts));
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
