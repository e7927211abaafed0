package io.flagops.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Which fields of the operator's FlagRelease an installed CRD lacks. */
class CrdSchemaCheckTest {

  @Test
  void theCrdOfThisVersionDeclaresEveryField() {
    assertThat(CrdSchemaCheck.missingFields(committedCrd())).isEmpty();
  }

  @Test
  void anOlderCrdIsToldByTheFieldsItLacks() {
    CustomResourceDefinition older = committedCrd();
    JSONSchemaProps status = properties(older).get("status");
    status.getProperties().remove("completedPipelineKey");
    status.getProperties().get("phases").getItems().getSchema().getProperties().remove("id");

    assertThat(CrdSchemaCheck.missingFields(older))
        .containsExactlyInAnyOrder("status.completedPipelineKey", "status.phases[].id");
  }

  @Test
  void aCrdWithoutThisVersionLacksEverything() {
    CustomResourceDefinition other = committedCrd();
    other.getSpec().getVersions().get(0).setName("v1");

    assertThat(CrdSchemaCheck.missingFields(other)).containsExactly("spec", "status");
  }

  private static java.util.Map<String, JSONSchemaProps> properties(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties();
  }

  private static CustomResourceDefinition committedCrd() {
    try (InputStream in =
        CrdSchemaCheckTest.class.getResourceAsStream("/crds/flagreleases.flagops.io-v1.yml")) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
