package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The indexed mock answers as Fabric8's own: found, not found, conflicts, namespaces, labels. */
class IndexedCrudDispatcherTest {
  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = Sandbox.newCrudMockServer();
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void findsPatchesAndDeletesByNameInItsNamespaceOnly() {
    create("a", "same", "one");
    create("b", "same", "two");

    assertThat(get("a", "same").getData()).containsEntry("value", "one");
    assertThat(get("b", "same").getData()).containsEntry("value", "two");
    assertThat(get("a", "missing")).isNull();

    client
        .configMaps()
        .inNamespace("a")
        .withName("same")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("value", "edited").build());
    assertThat(get("a", "same").getData()).containsEntry("value", "edited");
    assertThat(get("b", "same").getData()).containsEntry("value", "two");

    client.configMaps().inNamespace("a").withName("same").delete();
    assertThat(get("a", "same")).isNull();
    assertThat(get("b", "same")).isNotNull();
    create("a", "same", "again");
    assertThat(get("a", "same").getData()).containsEntry("value", "again");
  }

  @Test
  void aSecondCreateOfTheSameNameConflictsAndListsAndLabelsStillWork() {
    create("a", "x", "one");
    assertThatThrownBy(() -> create("a", "x", "two"))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));

    client
        .configMaps()
        .inNamespace("a")
        .withName("x")
        .edit(
            cm ->
                new ConfigMapBuilder(cm)
                    .editMetadata()
                    .addToLabels("tier", "gold")
                    .endMetadata()
                    .build());
    create("a", "y", "three");
    assertThat(client.configMaps().inNamespace("a").list().getItems()).hasSize(2);
    assertThat(client.configMaps().inNamespace("a").withLabel("tier", "gold").list().getItems())
        .extracting(cm -> cm.getMetadata().getName())
        .containsExactly("x");
    assertThat(get("a", "x").getMetadata().getLabels()).containsEntry("tier", "gold");
  }

  @Test
  void createsWithGenerateNameNeverConflict() {
    for (int i = 0; i < 3; i++) {
      client
          .v1()
          .events()
          .inNamespace("a")
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withGenerateName("fr.")
                  .endMetadata()
                  .withReason("R" + i)
                  .build())
          .create();
    }
    assertThat(client.v1().events().inNamespace("a").list().getItems())
        .extracting(e -> e.getReason())
        .containsExactlyInAnyOrder("R0", "R1", "R2");
  }

  private void create(String namespace, String name, String value) {
    client
        .configMaps()
        .inNamespace(namespace)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withData(Map.of("value", value))
                .build())
        .create();
  }

  private ConfigMap get(String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }
}
