package io.flagops.operator.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.launchdarkly.HttpLaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.reconciler.FlagReleaseReconciler;
import io.flagops.operator.reconciler.ReleaseDeletion;
import io.flagops.operator.reconciler.ReleaseSync;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.EventRecorder;
import io.flagops.operator.reconciler.support.PipelineCatalog;
import io.flagops.operator.reconciler.support.StatusWriter;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator without Quarkus: the same reconciler and collaborators, wired by hand and run by the
 * Java Operator SDK. For the benchmark and for tests that run several operators (leader election,
 * restarts) in one JVM.
 */
public final class EmbeddedOperator implements AutoCloseable {
  private final Operator operator;
  private final AtomicLong launchDarklyCalls;

  private EmbeddedOperator(Operator operator, AtomicLong launchDarklyCalls) {
    this.operator = operator;
    this.launchDarklyCalls = launchDarklyCalls;
  }

  /** How many answers this instance got from LaunchDarkly: who did the work, when several run. */
  public long launchDarklyCalls() {
    return launchDarklyCalls.get();
  }

  /**
   * Starts an operator; with a leader election configuration it reconciles only while it holds the
   * Lease.
   */
  public static EmbeddedOperator start(
      KubernetesClient kubernetes,
      EmbeddedSettings settings,
      LeaderElectionConfiguration election) {
    Clock clock = Clock.systemUTC();
    AtomicLong calls = new AtomicLong();
    ObjectMapper json = new ObjectMapper();
    var launchDarklyConfig = settings.launchDarkly();
    LaunchDarklyClient launchDarkly =
        new HttpLaunchDarklyClient(
            launchDarklyConfig.baseUrl(),
            launchDarklyConfig.connectTimeout(),
            launchDarklyConfig.readTimeout(),
            json,
            clock,
            (route, status, headers) -> calls.incrementAndGet());
    var config = settings.flagRelease();
    EventRecorder events = new EventRecorder(kubernetes, clock);
    AccessTokens tokens = new AccessTokens(kubernetes, launchDarklyConfig);
    FlagReleaseReconciler reconciler =
        new FlagReleaseReconciler(
            tokens,
            new ReleaseSync(launchDarkly, new PipelineCatalog(launchDarkly), events),
            new ReleaseDeletion(tokens, launchDarkly, events, config),
            new StatusWriter(kubernetes, json),
            events,
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
    operator.register(reconciler);
    operator.start();
    return new EmbeddedOperator(operator, calls);
  }

  /** Stops reconciling and gives up the Lease, as a pod being terminated would. */
  @Override
  public void close() {
    operator.stop();
  }
}
