package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two deployments with disjoint label selectors split the FlagReleases and never meet. */
class ShardingIT {
  private Harness harness;
  private EmbeddedOperator shardA;
  private EmbeddedOperator shardB;

  @AfterEach
  void stop() {
    shardA.close();
    shardB.close();
    harness.close();
  }

  @Test
  void eachShardReconcilesOnlyItsOwnResources() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    EmbeddedSettings settings = EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN);
    shardA = EmbeddedOperator.start(harness.newClient(), settings, null, "flagops.io/shard=a");
    shardB = EmbeddedOperator.start(harness.newClient(), settings, null, "flagops.io/shard=b");

    List<String> names =
        IntStream.rangeClosed(1, 10).mapToObj(i -> String.format("c-%02d", i)).toList();
    for (int i = 0; i < names.size(); i++) {
      FlagRelease release = harness.createTwoStep(names.get(i), DesiredPhaseStatus.Started);
      String shard = i % 2 == 0 ? "a" : "b";
      harness
          .client
          .resource(release)
          .edit(
              r -> {
                r.getMetadata().setLabels(Map.of("flagops.io/shard", shard));
                return r;
              });
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

  private static double readyCount(EmbeddedOperator operator) {
    return operator.metrics().get("flagrelease.resources").tag("state", "Ready").gauge().value();
  }
}
