package io.flagops.operator.embedded;

import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.config.LaunchDarklyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator's settings as plain values, for an operator started without Quarkus.
 *
 * @param retryInitial first backoff after a LaunchDarkly error, doubled after each one in a row
 * @param retryMax the longest backoff
 * @param breakerOpenFor how long calls stay off once the circuit breaker opens
 */
public record EmbeddedSettings(
    String launchDarklyBaseUrl,
    String defaultToken,
    Duration settledPoll,
    Duration progressingPoll,
    Duration unauthorizedPoll,
    double jitter,
    int reconcileThreads,
    double requestsPerSecond,
    int burst,
    Duration retryInitial,
    Duration retryMax,
    Duration breakerOpenFor) {

  /**
   * Test-friendly defaults: fast polls and retries, so behaviour over several polls takes seconds.
   */
  public static EmbeddedSettings fast(String launchDarklyBaseUrl, String defaultToken) {
    return new EmbeddedSettings(
        launchDarklyBaseUrl,
        defaultToken,
        Duration.ofSeconds(1),
        Duration.ofMillis(300),
        Duration.ofSeconds(1),
        0.1,
        10,
        1000,
        100,
        Duration.ofMillis(200),
        Duration.ofSeconds(2),
        Duration.ofSeconds(2));
  }

  public EmbeddedSettings withPolls(Duration settled, Duration progressing) {
    return new EmbeddedSettings(
        launchDarklyBaseUrl,
        defaultToken,
        settled,
        progressing,
        unauthorizedPoll,
        jitter,
        reconcileThreads,
        requestsPerSecond,
        burst,
        retryInitial,
        retryMax,
        breakerOpenFor);
  }

  public EmbeddedSettings withReconcileThreads(int threads) {
    return new EmbeddedSettings(
        launchDarklyBaseUrl,
        defaultToken,
        settledPoll,
        progressingPoll,
        unauthorizedPoll,
        jitter,
        threads,
        requestsPerSecond,
        burst,
        retryInitial,
        retryMax,
        breakerOpenFor);
  }

  public EmbeddedSettings withBudget(double perSecond, int burstSize) {
    return new EmbeddedSettings(
        launchDarklyBaseUrl,
        defaultToken,
        settledPoll,
        progressingPoll,
        unauthorizedPoll,
        jitter,
        reconcileThreads,
        perSecond,
        burstSize,
        retryInitial,
        retryMax,
        breakerOpenFor);
  }

  /** The production retry and circuit-breaker timings (the operator's defaults). */
  public EmbeddedSettings withProductionFaultHandling() {
    return new EmbeddedSettings(
        launchDarklyBaseUrl,
        defaultToken,
        settledPoll,
        progressingPoll,
        unauthorizedPoll,
        jitter,
        reconcileThreads,
        requestsPerSecond,
        burst,
        Duration.ofSeconds(2),
        Duration.ofMinutes(5),
        Duration.ofSeconds(30));
  }

  LaunchDarklyConfig launchDarkly() {
    return new LaunchDarklyConfig() {
      @Override
      public String baseUrl() {
        return launchDarklyBaseUrl;
      }

      @Override
      public Optional<String> accessToken() {
        return Optional.ofNullable(defaultToken);
      }

      @Override
      public Optional<Path> accessTokenFile() {
        return Optional.empty();
      }

      @Override
      public Duration connectTimeout() {
        return Duration.ofSeconds(5);
      }

      @Override
      public Duration readTimeout() {
        return Duration.ofSeconds(30);
      }
    };
  }

  FlagReleaseConfig flagRelease() {
    FlagReleaseConfig.Polling polling =
        new FlagReleaseConfig.Polling() {
          @Override
          public Duration settled() {
            return settledPoll;
          }

          @Override
          public Duration progressing() {
            return progressingPoll;
          }

          @Override
          public Duration unauthorized() {
            return unauthorizedPoll;
          }

          @Override
          public double jitter() {
            return jitter;
          }
        };
    return new FlagReleaseConfig() {
      @Override
      public boolean requireDefaultToken() {
        return false;
      }

      @Override
      public Polling polling() {
        return polling;
      }

      @Override
      public Retry retry() {
        return new Retry() {
          @Override
          public Duration initialInterval() {
            return retryInitial;
          }

          @Override
          public Duration maxInterval() {
            return retryMax;
          }

          @Override
          public double multiplier() {
            return 2.0;
          }
        };
      }

      @Override
      public LeaderElection leaderElection() {
        throw new UnsupportedOperationException("leader election is set on EmbeddedOperator");
      }

      @Override
      public Budget budget() {
        return new Budget() {
          @Override
          public double requestsPerSecond() {
            return requestsPerSecond;
          }

          @Override
          public int burst() {
            return burst;
          }
        };
      }

      @Override
      public CircuitBreaker circuitBreaker() {
        return new CircuitBreaker() {
          @Override
          public int failureRate() {
            return 75;
          }

          @Override
          public int windowSize() {
            return 20;
          }

          @Override
          public Duration openFor() {
            return breakerOpenFor;
          }
        };
      }
    };
  }
}
