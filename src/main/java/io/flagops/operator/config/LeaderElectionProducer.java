package io.flagops.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * Leader election through a Kubernetes Lease, so that of several replicas only one reconciles. Off
 * unless {@code flagrelease.leader-election.enabled}; the Helm chart turns it on.
 */
public class LeaderElectionProducer {

  /** Null (no leader election) when disabled: the operator SDK then reconciles right away. */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(FlagReleaseConfig config) {
    FlagReleaseConfig.LeaderElection election = config.leaderElection();
    if (!election.enabled()) {
      return null;
    }
    LeaderElectionConfigurationBuilder builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName());
    election.leaseNamespace().filter(ns -> !ns.isBlank()).ifPresent(builder::withLeaseNamespace);
    election.identity().filter(id -> !id.isBlank()).ifPresent(builder::withIdentity);
    return builder.build();
  }
}
