package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FLAGRELEASE_LABEL_SELECTOR, as a shard's deployment sets it: other FlagReleases are not touched.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
@TestProfile(LabelSelectorIT.ShardA.class)
class LabelSelectorIT extends OperatorTestBase {

  /** This operator is shard "a". */
  public static class ShardA implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("FLAGRELEASE_LABEL_SELECTOR", "flagops.io/shard=a");
    }
  }

  @Test
  void reconcilesOnlyItsShard() throws InterruptedException {
    FlagRelease other = create("shard-b", spec("flag-28", "fast-track", phase("Canary", Started)));
    label(other, "b");
    FlagRelease mine = create("shard-a", spec("flag-29", "fast-track", phase("Canary", Started)));
    label(mine, "a");

    awaitReady("shard-a");
    Thread.sleep(1500); // more than a poll interval

    assertThat(callsFor("flag-28")).isEmpty();
    assertThat(get("shard-b").getStatus()).isNull();
  }

  private void label(FlagRelease release, String shard) {
    releases()
        .withName(release.getMetadata().getName())
        .edit(
            r -> {
              r.getMetadata().setLabels(Map.of("flagops.io/shard", shard));
              return r;
            });
  }
}
