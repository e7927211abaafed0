package io.flagops.operator.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.config.LaunchDarklyClientFactory;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.reconciler.FlagClaims;
import io.flagops.operator.reconciler.FlagReleaseReconciler;
import io.flagops.operator.reconciler.ReleaseDeletion;
import io.flagops.operator.reconciler.ReleaseSync;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.DefaultToken;
import io.flagops.operator.reconciler.support.DefinitionDeletion;
import io.flagops.operator.reconciler.support.EventRecorder;
import io.flagops.operator.reconciler.support.FlagReleaseWatches;
import io.flagops.operator.reconciler.support.JitteredBackoffRetry;
import io.flagops.operator.reconciler.support.PipelineCatalog;
import io.flagops.operator.reconciler.support.ReconcileMetrics;
import io.flagops.operator.reconciler.support.StatusWriter;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;

/**
 * The operator without Quarkus: the same reconciler and collaborators, wired by hand and run by the
 * Java Operator SDK. For the benchmark and for tests that run several operators (leader election,
 * restarts) in one JVM.
 */
public final class EmbeddedOperator implements AutoCloseable {
  private final Operator operator;
  private final MeterRegistry registry;

  private EmbeddedOperator(Operator operator, MeterRegistry registry) {
    this.operator = operator;
    this.registry = registry;
  }

  /** How many answers this instance got from LaunchDarkly: who did the work, when several run. */
  public long launchDarklyCalls() {
    return (long)
        registry.find("flagrelease.launchdarkly.requests").counters().stream()
            .mapToDouble(c -> c.count())
            .sum();
  }

  /** This instance's metrics, as Prometheus would scrape them from the deployed operator. */
  public MeterRegistry metrics() {
    return registry;
  }

  /**
   * Starts an operator; with a leader election configuration it reconciles only while it holds the
   * Lease.
   */
  public static EmbeddedOperator start(
      KubernetesClient kubernetes,
      EmbeddedSettings settings,
      LeaderElectionConfiguration election) {
    return start(kubernetes, settings, election, null);
  }

  /**
   * Starts an operator that reconciles only FlagReleases matching {@code labelSelector} (null:
   * all), as one shard of several deployments would.
   */
  public static EmbeddedOperator start(
      KubernetesClient kubernetes,
      EmbeddedSettings settings,
      LeaderElectionConfiguration election,
      String labelSelector) {
    Clock clock = Clock.systemUTC();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ObjectMapper json = new ObjectMapper();
    var launchDarklyConfig = settings.launchDarkly();
    var config = settings.flagRelease();
    LaunchDarklyClient launchDarkly =
        LaunchDarklyClientFactory.create(launchDarklyConfig, config, json, clock, registry);
    EventRecorder events = new EventRecorder(kubernetes, clock);
    FlagReleaseWatches watches = new FlagReleaseWatches(config);
    AccessTokens tokens =
        new AccessTokens(new DefaultToken(launchDarklyConfig, watches), watches, config);
    FlagReleaseReconciler reconciler =
        new FlagReleaseReconciler(
            tokens,
            watches,
            new FlagClaims(watches, tokens, config),
            new ReleaseSync(launchDarkly, new PipelineCatalog(), events, clock),
            new ReleaseDeletion(
                tokens, launchDarkly, events, new DefinitionDeletion(kubernetes), config),
            new StatusWriter(kubernetes, json),
            events,
            new ReconcileMetrics(registry),
            config,
            clock);
    Operator operator =
        new Operator(
            overrider -> {
              overrider
                  .withKubernetesClient(kubernetes)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(false)
                  .withConcurrentReconciliationThreads(settings.reconcileThreads());
              if (election != null) {
                overrider.withLeaderElectionConfiguration(election);
              }
            });
    operator.register(
        reconciler,
        controller -> {
          controller.withRetry(new JitteredBackoffRetry(config.retry()));
          if (labelSelector != null) {
            controller.withLabelSelector(labelSelector);
          }
        });
    operator.start();
    return new EmbeddedOperator(operator, registry);
  }

  /** Stops reconciling and gives up the Lease, as a pod being terminated would. */
  @Override
  public void close() {
    operator.stop();
  }
}
