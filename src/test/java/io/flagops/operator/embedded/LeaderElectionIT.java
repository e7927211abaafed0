package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.CallLog;
import io.flagops.operator.simulator.LaunchDarklySimulator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas, one Lease: only the leader reconciles, and the other takes over when it stops. */
class LeaderElectionIT {

  private Harness harness;
  private KubernetesClient client;
  private LaunchDarklySimulator simulator;
  private EmbeddedOperator first;
  private EmbeddedOperator second;

  @BeforeEach
  void start() {
    harness = new Harness("/simulator/e2e-seed.yaml");
    client = harness.client;
    simulator = harness.simulator;
    simulator.setMonitoringWindowScale(0.0005); // the seed's 1 h guarded window lasts 1.8 s
  }

  @AfterEach
  void stop() {
    for (EmbeddedOperator operator : new EmbeddedOperator[] {first, second}) {
      if (operator != null) {
        operator.close();
      }
    }
    harness.close();
  }

  @Test
  void onlyTheLeaderReconcilesAndTheOtherTakesOverWithoutDuplicateWrites() {
    EmbeddedSettings settings = EmbeddedSettings.fast(simulator.baseUrl(), Harness.TOKEN);
    first = EmbeddedOperator.start(harness.newClient(), settings, election("replica-a"));
    await().atMost(Duration.ofSeconds(10)).until(() -> leaseHolder() != null);
    second = EmbeddedOperator.start(harness.newClient(), settings, election("replica-b"));

    // work that takes a while: each release waits for LaunchDarkly to finish a guarded canary
    List<String> flags =
        IntStream.rangeClosed(1, 6).mapToObj(i -> String.format("flag-%02d", i)).toList();
    flags.forEach(this::createGuardedRelease);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> simulator.calls().count(CallLog.UPDATE_PHASE) >= 3);

    EmbeddedOperator leader = "replica-a".equals(leaseHolder()) ? first : second;
    EmbeddedOperator follower = leader == first ? second : first;
    assertThat(follower.launchDarklyCalls()).as("the follower does not reconcile").isZero();
    assertThat(leader.launchDarklyCalls()).isPositive();

    leader.close(); // as a pod being stopped mid-work
    await().atMost(Duration.ofSeconds(40)).until(() -> flags.stream().allMatch(this::ready));

    assertThat(follower.launchDarklyCalls()).as("the follower took over").isPositive();
    assertThat(simulator.calls().entries()).noneMatch(call -> call.status() == 400);
    Map<String, Long> writes =
        simulator.calls().writes().stream()
            .collect(
                Collectors.groupingBy(
                    c -> c.path() + " " + c.requestBody(), Collectors.counting()));
    assertThat(writes)
        .as("no write was made twice")
        .allSatisfy((write, count) -> assertThat(count).isOne());
    assertThat(simulator.calls().count(CallLog.CREATE_RELEASE)).isEqualTo(flags.size());
  }

  private void createGuardedRelease(String flag) {
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("shop");
    spec.setFlagKey(flag);
    spec.setReleasePipelineKey("guarded-first");
    spec.setPhases(
        List.of(
            new PhaseSpec("Canary", DesiredPhaseStatus.Started),
            new PhaseSpec("Everyone", DesiredPhaseStatus.Started)));
    harness.create(flag, spec);
  }

  private boolean ready(String name) {
    FlagRelease release =
        client.resources(FlagRelease.class).inNamespace("default").withName(name).get();
    return release.getStatus() != null
        && release.getStatus().getState() == ReleaseState.Ready
        && "Started".equals(release.getStatus().getPhases().get(1).getStatus());
  }

  private String leaseHolder() {
    var lease = client.leases().inNamespace("default").withName("flagrelease-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static LeaderElectionConfiguration election(String identity) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration("flagrelease-operator")
        .withLeaseNamespace("default")
        // long enough that a leader starved of CPU by other tests keeps its lease
        .withLeaseDuration(Duration.ofSeconds(6))
        .withRenewDeadline(Duration.ofSeconds(5))
        .withRetryPeriod(Duration.ofMillis(300))
        .withIdentity(identity)
        .build();
  }
}
