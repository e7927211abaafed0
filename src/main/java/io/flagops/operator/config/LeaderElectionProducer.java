package io.flagops.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
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
    // the SDK's own exit on a lost Lease stays off (its builder always leaves it off): it exits on
    // the leader elector's thread, which deadlocks with the shutdown hook; LostLease exits instead
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName())
        .withLeaseNamespace(election.leaseNamespace().filter(ns -> !ns.isBlank()).orElse(null))
        .withIdentity(election.identity().filter(id -> !id.isBlank()).orElse(null))
        .withLeaderCallbacks(
            new LeaderCallbacks(
                leadership::leads,
                () -> lostLease.onStopLeading(election.leaseName()),
                leader -> {}))
        .build();
  }
}
