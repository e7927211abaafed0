package io.flagops.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * Leader election through a Kubernetes Lease, so that of several replicas only one reconciles. Off
 * unless {@code flagrelease.leader-election.enabled}; the Helm chart turns it on. A leader that
 * loses its Lease exits ({@link LostLease}).
 */
public class LeaderElectionProducer {

  /** Null (no leader election) when disabled: the operator SDK then reconciles right away. */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(
      FlagReleaseConfig config, LostLease lostLease, Leadership leadership) {
    FlagReleaseConfig.LeaderElection election = config.leaderElection();
    if (!election.enabled()) {
      return null;
    }
    // the SDK's own exit on a lost Lease is off: it exits on the leader elector's thread, which
    // deadlocks with the shutdown hook (and its builder leaves it off, the replica then reconciling
    // beside the new leader); LostLease exits instead
    return new LeaderElectionConfiguration(
        election.leaseName(),
        election.leaseNamespace().filter(ns -> !ns.isBlank()).orElse(null),
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        election.identity().filter(id -> !id.isBlank()).orElse(null),
        new LeaderCallbacks(
            leadership::leads, () -> lostLease.onStopLeading(election.leaseName()), leader -> {}),
        false);
  }
}
