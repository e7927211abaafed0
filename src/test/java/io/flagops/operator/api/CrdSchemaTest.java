package io.flagops.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed CRD carries the rules of the design: what the API server enforces for us. */
class CrdSchemaTest {
  private static CustomResourceDefinition crd;
  private static CustomResourceDefinitionVersion version;
  private static JSONSchemaProps spec;

  @BeforeAll
  static void load() throws IOException {
    try (InputStream in = Files.newInputStream(CrdGenerationTest.COMMITTED)) {
      crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
    version = crd.getSpec().getVersions().get(0);
    spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  @Test
  void namesGroupAndSubresources() {
    assertThat(crd.getMetadata().getName()).isEqualTo("flagreleases.flagops.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("fr");
    assertThat(crd.getSpec().getNames().getCategories()).containsExactly("flagops");
    assertThat(version.getName()).isEqualTo("v1alpha1");
    assertThat(version.getSubresources().getStatus()).isNotNull();
  }

  @Test
  void printerColumnsInTheOrderPeopleRead() {
    assertThat(version.getAdditionalPrinterColumns())
        .extracting(c -> c.getName() + " " + c.getJsonPath())
        .containsExactly(
            "Project .spec.projectKey",
            "Flag .spec.flagKey",
            "Pipeline .spec.releasePipelineKey",
            "Current-Phase .status.currentPhase",
            "State .status.state",
            "Ready .status.conditions[?(@.type==\"Ready\")].status",
            "Reason .status.conditions[?(@.type==\"Ready\")].reason",
            "Age .metadata.creationTimestamp",
            "Message .status.message");
    assertThat(version.getAdditionalPrinterColumns())
        .filteredOn(c -> c.getPriority() != null && c.getPriority() > 0)
        .extracting(c -> c.getName())
        .as("shown by -o wide only")
        .containsExactly("Message");
  }

  @Test
  void keysAreRequiredImmutableAndShaped() {
    assertThat(spec.getRequired())
        .containsExactlyInAnyOrder("projectKey", "flagKey", "releasePipelineKey");
    for (String key : List.of("projectKey", "flagKey")) {
      JSONSchemaProps field = spec.getProperties().get(key);
      assertThat(field.getXKubernetesValidations())
          .extracting(ValidationRule::getRule)
          .containsExactly("self == oldSelf");
      assertThat(field.getPattern()).isEqualTo("^[A-Za-z0-9][A-Za-z0-9._-]*$");
    }
    assertThat(spec.getProperties().get("releasePipelineKey").getXKubernetesValidations())
        .isNullOrEmpty();
  }

  @Test
  void phasesHaveUniqueNamesAndAnEnumStatus() {
    JSONSchemaProps phases = spec.getProperties().get("phases");
    assertThat(phases.getMaxItems()).isEqualTo(10L);
    assertThat(phases.getXKubernetesValidations())
        .extracting(ValidationRule::getRule)
        .containsExactly("self.all(p, self.exists_one(q, q.name == p.name))");
    JSONSchemaProps phase = phases.getItems().getSchema();
    assertThat(phase.getRequired()).containsExactlyInAnyOrder("name", "status");
    assertThat(phase.getProperties().get("status").getEnum())
        .extracting(Object::toString)
        .containsExactlyInAnyOrder("\"NotStarted\"", "\"Started\"", "\"Complete\"");
    JSONSchemaProps guardian =
        phase
            .getProperties()
            .get("audiences")
            .getItems()
            .getSchema()
            .getProperties()
            .get("releaseGuardian");
    assertThat(guardian.getProperties().get("rolloutWeight").getMinimum()).isEqualTo(0.0);
    assertThat(guardian.getProperties().get("rolloutWeight").getMaximum()).isEqualTo(100.0);
    assertThat(guardian.getProperties().get("monitoringWindow").getPattern())
        .isEqualTo("^([0-9]+(ms|s|m|h))+$");
  }

  @Test
  void policiesAreEnumsWithDefaults() {
    assertThat(enumOf("deletionPolicy"))
        .containsExactlyInAnyOrder("\"Delete\"", "\"DeleteEvenIfAdopted\"", "\"Orphan\"");
    assertThat(spec.getProperties().get("deletionPolicy").getDefault().asText())
        .isEqualTo("Delete");
    assertThat(enumOf("managementPolicy")).containsExactlyInAnyOrder("\"Manage\"", "\"Observe\"");
    assertThat(spec.getProperties().get("managementPolicy").getDefault().asText())
        .isEqualTo("Manage");
    assertThat(spec.getProperties().get("suspend").getDefault().asBoolean()).isFalse();
  }

  @Test
  void everyFieldHasADescriptionForKubectlExplain() {
    List<String> undocumented = new ArrayList<>();
    collectUndocumented("", version.getSchema().getOpenAPIV3Schema(), undocumented);
    assertThat(undocumented).isEmpty();
  }

  private static List<String> enumOf(String field) {
    return spec.getProperties().get(field).getEnum().stream().map(Object::toString).toList();
  }

  private static void collectUndocumented(String path, JSONSchemaProps schema, List<String> out) {
    if (schema.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> entry : schema.getProperties().entrySet()) {
        String child = path + "." + entry.getKey();
        boolean standard =
            path.isEmpty() && List.of("apiVersion", "kind", "metadata").contains(entry.getKey());
        if (!standard
            && (entry.getValue().getDescription() == null
                || entry.getValue().getDescription().isBlank())) {
          out.add(child);
        }
        collectUndocumented(child, entry.getValue(), out);
      }
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      collectUndocumented(path + "[]", schema.getItems().getSchema(), out);
    }
  }
}
