package io.flagops.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How often FlagReleases are polled and retried. Properties under {@code flagrelease.}. */
@ConfigMapping(prefix = "flagrelease")
public interface FlagReleaseConfig {

  /**
   * Refuse to start without a default LaunchDarkly token (checked before start-up, see {@code
   * Preflight}); false when every FlagRelease names its own Secret.
   */
  @WithDefault("true")
  boolean requireDefaultToken();

  Polling polling();

  Retry retry();

  LeaderElection leaderElection();

  Budget budget();

  CircuitBreaker circuitBreaker();

  /** Who may use the operator's default token, for which LaunchDarkly projects. */
  DefaultToken defaultToken();

  /** Where FlagReleases may name a token Secret of their own. */
  TokenSecrets tokenSecrets();

  /** What a FlagRelease waiting for another's flag is told. */
  Claims claims();

  interface DefaultToken {
    /**
     * {@code NAMESPACE=PROJECT[,PROJECT...]} entries separated by {@code ;}, {@code *} for any;
     * empty: no namespace may use the default token. See {@link DefaultTokenGrants}.
     */
    Optional<String> grants();

    /** The grants, read (a setting that cannot be read is refused before start: Preflight). */
    default DefaultTokenGrants parsedGrants() {
      return DefaultTokenGrants.parse(grants().orElse(""));
    }
  }

  interface TokenSecrets {
    /** Empty: none; {@code *}: every watched namespace; else a comma-separated list. */
    Optional<String> namespaces();

    /** The namespaces, read (a setting that cannot be read is refused before start: Preflight). */
    default TokenSecretScope scope() {
      return TokenSecretScope.parse(namespaces().orElse(""));
    }
  }

  interface Claims {
    /**
     * Name the FlagRelease that holds a flag even when it is in another namespace; off by default,
     * so one tenant does not learn another's resource names.
     */
    @WithDefault("false")
    boolean nameOtherNamespaces();
  }

  /** One budget of LaunchDarkly calls for the whole process, shared by every FlagRelease. */
  interface Budget {
    /** Sustained calls per second. */
    @WithDefault("5")
    double requestsPerSecond();

    /** Calls allowed at once after a quiet spell. */
    @WithDefault("10")
    int burst();
  }

  /** Stops calling LaunchDarkly while it keeps failing. */
  interface CircuitBreaker {
    /**
     * Percentage of the latest {@link #windowSize()} calls that got no usable answer (server
     * errors, timeouts, dropped connections) at which the breaker opens.
     */
    @WithDefault("75")
    int failureRate();

    /** How many of the latest calls the failure rate is taken over. */
    @WithDefault("20")
    int windowSize();

    /** How long calls stay off before one probe is let through. */
    @WithDefault("30s")
    Duration openFor();
  }

  /** Only the holder of the Lease reconciles; the others wait to take over. */
  interface LeaderElection {
    @WithDefault("false")
    boolean enabled();

    @WithDefault("flagrelease-operator")
    String leaseName();

    /** The pod's namespace (downward API); else the client's namespace. */
    Optional<String> leaseNamespace();

    /** The pod's name (downward API); else a generated one. */
    Optional<String> identity();
  }

  /** LaunchDarkly sends no events, so every FlagRelease is read again on a schedule. */
  interface Polling {
    /** Between polls of a release that matches its spec (or waits for a person). */
    @WithDefault("5m")
    Duration settled();

    /** Between polls while LaunchDarkly itself must finish a phase (e.g. a guarded rollout). */
    @WithDefault("15s")
    Duration progressing();

    /** Between attempts while the access token is missing or refused (401). */
    @WithDefault("2m")
    Duration unauthorized();

    /** Each interval is stretched or shrunk by up to this fraction, so polls spread out. */
    @WithDefault("0.2")
    double jitter();
  }

  /** Backoff after LaunchDarkly errors (5xx, timeouts, dropped connections). */
  interface Retry {
    @WithDefault("2s")
    Duration initialInterval();

    @WithDefault("5m")
    Duration maxInterval();

    @WithDefault("2.0")
    double multiplier();

    /**
     * A FlagRelease whose passes have failed this long (server errors, timeouts, conflicts, garbled
     * answers) with none getting through is Stalled, and still tried again with backoff: what keeps
     * failing one resource (a flag LaunchDarkly fails, a proxy) needs a person.
     */
    @WithDefault("1h")
    Duration stalledAfter();
  }
}
