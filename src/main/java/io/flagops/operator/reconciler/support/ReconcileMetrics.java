package io.flagops.operator.reconciler.support;

import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many FlagReleases are in each state, how many wait for a person (Stalled), and how long
 * reconciles take, for Prometheus.
 */
@ApplicationScoped
public class ReconcileMetrics {
  private final MeterRegistry registry;
  private final Map<String, Reported> states = new ConcurrentHashMap<>();
  private final List<Gauge> gauges = new ArrayList<>();

  public ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (ReleaseState state : ReleaseState.values()) {
      gauges.add(
          Gauge.builder("flagrelease.resources", states, s -> count(s, state))
              .description("FlagReleases by the state their status shows")
              .tag("state", state.name())
              .register(registry));
    }
    // apart from the states: a blocked deletion is Stalled while its state stays Deleting
    gauges.add(
        Gauge.builder("flagrelease.resources.stalled", states, ReconcileMetrics::stalled)
            .description("FlagReleases whose Stalled condition is True: a person must act")
            .register(registry));
  }

  /** A registry outlives this bean in tests: leave no gauge bound to a stopped operator. */
  @PreDestroy
  void unregister() {
    gauges.forEach(registry::remove);
  }

  /** The state a resource (by uid) was just reported in, and whether it is stalled. */
  public void stateOf(String uid, ReleaseState state, boolean stalled) {
    states.put(uid, new Reported(state, stalled));
  }

  /** The resource is gone. */
  public void forget(String uid) {
    states.remove(uid);
  }

  public void reconciled(Duration took, String result) {
    Timer.builder("flagrelease.reconcile.duration")
        .description("Time one reconcile of a FlagRelease took, LaunchDarkly calls included")
        .tag("result", result)
        .register(registry)
        .record(took);
  }

  private static double count(Map<String, Reported> states, ReleaseState state) {
    return states.values().stream().filter(r -> r.state() == state).count();
  }

  private static double stalled(Map<String, Reported> states) {
    return states.values().stream().filter(Reported::stalled).count();
  }

  private record Reported(ReleaseState state, boolean stalled) {}
}
