package io.flagops.operator;

import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.config.Leadership;
import io.flagops.operator.config.LostLease;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Starts the operator when the application starts and stops it on shutdown. The operator SDK
 * extension leaves this to applications that have their own main class, as this one does.
 */
@ApplicationScoped
public class OperatorLifecycle {
  private final Operator operator;
  private final LostLease lostLease;
  private final Leadership leadership;
  private final boolean electionEnabled;

  public OperatorLifecycle(
      Operator operator, LostLease lostLease, Leadership leadership, FlagReleaseConfig config) {
    this.operator = operator;
    this.lostLease = lostLease;
    this.leadership = leadership;
    this.electionEnabled = config.leaderElection().enabled();
  }

  void onStart(@Observes StartupEvent event) {
    if (!operator.getRuntimeInfo().isStarted()) {
      operator.start();
    }
    leadership.started(electionEnabled);
  }

  void onStop(@Observes ShutdownEvent event) {
    lostLease.stopping();
    if (operator.getRuntimeInfo().isStarted()) {
      operator.stop();
    }
  }
}
