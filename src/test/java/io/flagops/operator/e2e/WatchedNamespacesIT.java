package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FLAGRELEASE_WATCH_NAMESPACES, as the Helm chart sets it: other namespaces are not touched. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
@TestProfile(WatchedNamespacesIT.OnlyE2e.class)
class WatchedNamespacesIT extends OperatorTestBase {

  /** Watches the test namespace only, through the variable the deployment sets. */
  public static class OnlyE2e implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("FLAGRELEASE_WATCH_NAMESPACES", NAMESPACE);
    }
  }

  @Test
  void reconcilesOnlyTheWatchedNamespace() throws InterruptedException {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("elsewhere").endMetadata().build())
        .create();
    FlagRelease outside = new FlagRelease();
    outside.setMetadata(
        new ObjectMetaBuilder().withName("outside").withNamespace("elsewhere").build());
    outside.setSpec(spec("flag-28", "fast-track", phase("Canary", Started)));
    client.resource(outside).create();

    create("inside", spec("flag-29", "fast-track", phase("Canary", Started)));
    awaitReady("inside");
    Thread.sleep(1500); // more than a poll interval

    assertThat(callsFor("flag-28")).isEmpty();
    assertThat(
            client
                .resources(FlagRelease.class)
                .inNamespace("elsewhere")
                .withName("outside")
                .get()
                .getStatus())
        .isNull();
    client.resources(FlagRelease.class).inNamespace("elsewhere").withName("outside").delete();
  }
}
