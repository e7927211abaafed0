package io.flagops.operator.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether this replica is the one that reconciles, as the {@code flagrelease_leader} gauge: 1 once
 * it holds the Lease (or has started, with leader election off), else 0. The operator-down alert
 * fires when no replica says 1: none runs, none is scraped, or none holds the Lease.
 */
@ApplicationScoped
public class Leadership {
  private final AtomicBoolean leading = new AtomicBoolean();
  private final MeterRegistry registry;
  private final Gauge gauge;

  public Leadership(MeterRegistry registry) {
    this.registry = registry;
    this.gauge =
        Gauge.builder("flagrelease.leader", leading, l -> l.get() ? 1 : 0)
            .description(
                "1 on the replica that reconciles (it holds the Lease, or leader election is off)")
            .register(registry);
  }

  /** The operator has started; without leader election it reconciles from now on. */
  public void started(boolean electionEnabled) {
    if (!electionEnabled) {
      leads();
    }
  }

  /** This replica took the Lease. */
  public void leads() {
    leading.set(true);
  }

  /** A registry outlives this bean in tests: leave no gauge bound to a stopped operator. */
  @PreDestroy
  void unregister() {
    registry.remove(gauge);
  }
}
