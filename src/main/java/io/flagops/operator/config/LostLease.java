package io.flagops.operator.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Ends the process when this replica stops leading while it runs (it could not renew the Lease in
 * time, and another replica may hold it now), as Kubernetes controllers do: its pod restarts as a
 * follower instead of reconciling beside the new leader, at once: no pass in flight goes on. Not
 * when the operator itself is stopping: it stops leading then too.
 */
@ApplicationScoped
public class LostLease {
  private static final Logger LOG = Logger.getLogger(LostLease.class);

  private final AtomicBoolean stopping = new AtomicBoolean();

  /** The operator is shutting down: stopping to lead is part of it. */
  public void stopping() {
    stopping.set(true);
  }

  void onStopLeading(String leaseName) {
    if (stopping.get()) {
      return;
    }
    LOG.errorf(
        "Lost the Lease '%s' (not renewed in time; another replica may hold it now): exiting with"
            + " code 1 so that the pod restarts as a follower",
        leaseName);
    // halt, not exit: a graceful stop lets passes in flight finish (up to the termination
    // timeout), which here would write to LaunchDarkly beside the new leader
    System.out.flush();
    System.err.flush();
    Runtime.getRuntime().halt(1);
  }
}
