package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.simulator.CallLog;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two deployments with disjoint label selectors split the FlagReleases and never meet. */
class ShardingIT {
  private Harness harness;
  private EmbeddedOperator shardA;
  private EmbeddedOperator shardB;

  @BeforeEach
  void start() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    EmbeddedSettings settings = EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN);
    shardA = EmbeddedOperator.start(harness.newClient(), settings, null, "flagops.io/shard=a");
    shardB = EmbeddedOperator.start(harness.newClient(), settings, null, "flagops.io/shard=b");
  }

  @AfterEach
  void stop() {
    shardA.close();
    shardB.close();
    harness.close();
  }

  @Test
  void eachShardReconcilesOnlyItsOwnResources() {

    List<String> names =
        IntStream.rangeClosed(1, 10).mapToObj(i -> String.format("c-%02d", i)).toList();
    for (int i = 0; i < names.size(); i++) {
      FlagRelease release = harness.createTwoStep(names.get(i), DesiredPhaseStatus.Started);
      shard(release.getMetadata().getName(), i % 2 == 0 ? "a" : "b");
    }
    harness.awaitReady(names, Duration.ofSeconds(30));

    assertThat(shardA.launchDarklyCalls()).isPositive();
    assertThat(shardB.launchDarklyCalls()).isPositive();
    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE, 200))
        .as("each release created once, by its own shard")
        .isEqualTo(names.size());
    assertThat(harness.simulator.calls().entries()).noneMatch(c -> c.status() == 400);
    // each shard's reconciles were its own: the operator metrics count resources by state
    assertThat(readyCount(shardA)).isEqualTo(5);
    assertThat(readyCount(shardB)).isEqualTo(5);
  }

  /**
   * The one-owner-per-flag rule sees every shard: a team moving the FlagRelease that made a release
   * into another shard does not let a rival left in the first one take the flag, adopt the release
   * and, with DeleteEvenIfAdopted, delete it.
   */
  @Test
  void aHolderMovedToAnotherShardStillHoldsItsFlag() {
    FlagRelease maker = harness.createTwoStep("c-11", DesiredPhaseStatus.Started);
    shard(maker.getMetadata().getName(), "a");
    harness.awaitReady(List.of("c-11"), Duration.ofSeconds(30));
    FlagReleaseSpec rivalSpec = harness.get("c-11").getSpec();
    rivalSpec.setPhases(List.of(new PhaseSpec("One", DesiredPhaseStatus.Complete)));
    rivalSpec.setDeletionPolicy(DeletionPolicy.DeleteEvenIfAdopted);
    harness.create("rival", rivalSpec);
    shard("rival", "a");
    await().atMost(Duration.ofSeconds(30)).until(() -> reason("rival").equals("FlagClaimed"));
    long shardBPasses = passes(shardB);

    shard("c-11", "b");
    // shard b has taken it over: the relabel reached the shards' caches
    await().atMost(Duration.ofSeconds(30)).until(() -> passes(shardB) > shardBPasses);
    long rivalPasses = passes(shardA);

    // the rival's next passes, in shard a alone now, find the holder in shard b
    await().atMost(Duration.ofSeconds(30)).until(() -> passes(shardA) >= rivalPasses + 3);
    assertThat(reason("rival")).isEqualTo("FlagClaimed");
    assertThat(harness.get("rival").getStatus().getReleaseOrigin()).isNull();
    assertThat(harness.simulator.calls().count(CallLog.UPDATE_PHASE)).isEqualTo(1); // the maker's
    harness.client.resource(harness.get("rival")).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> harness.get("rival") == null);
    assertThat(harness.simulator.release("chaos", "c-11")).isPresent();
    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE)).isEqualTo(1);
  }

  private void shard(String name, String shard) {
    harness
        .client
        .resources(FlagRelease.class)
        .inNamespace(Harness.NAMESPACE)
        .withName(name)
        .edit(
            r -> {
              r.getMetadata().setLabels(Map.of("flagops.io/shard", shard));
              return r;
            });
  }

  /** The reason of the Stalled condition, or "" before there is one. */
  private String reason(String name) {
    FlagRelease resource = harness.get(name);
    return resource.getStatus() == null
        ? ""
        : resource.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals(ConditionTypes.STALLED))
            .map(FlagReleaseCondition::getReason)
            .findFirst()
            .orElse("");
  }

  private static long passes(EmbeddedOperator operator) {
    return operator.metrics().find("flagrelease.reconcile.duration").timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }

  private static double readyCount(EmbeddedOperator operator) {
    return operator.metrics().get("flagrelease.resources").tag("state", "Ready").gauge().value();
  }
}
