package io.flagops.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import org.junit.jupiter.api.Test;

/**
 * What the operator does not know in a spec (a later version's field or value) survives a read and
 * a write, as the informer's copies and the finalizer's patch make them.
 */
class SpecRoundTripTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String LATER =
      """
      {"apiVersion":"flagops.io/v1alpha1","kind":"FlagRelease","metadata":{"name":"later"},
       "spec":{"projectKey":"shop","flagKey":"f","releasePipelineKey":"p",
               "deletionPolicy":"DeleteAfterRollout","managementPolicy":"Manage",
               "phases":[{"name":"Testing","status":"Paused","holdFor":"1h"}]}}
      """;

  @Test
  void unknownValuesAreReadAsNullAndWrittenBackAsRead() {
    FlagRelease read = SERIALIZATION.unmarshal(LATER, FlagRelease.class);

    assertThat(read.getSpec().getDeletionPolicy()).isNull();
    assertThat(read.getSpec().getUnknownValues())
        .containsExactlyEntriesOf(java.util.Map.of("deletionPolicy", "DeleteAfterRollout"));
    assertThat(read.getSpec().getManagementPolicy()).isEqualTo(ManagementPolicy.Manage);
    assertThat(read.getSpec().getPhases().get(0).getStatus()).isNull();
    assertThat(read.getSpec().getPhases().get(0).getUnknownValues())
        .containsExactlyEntriesOf(java.util.Map.of("status", "Paused"));

    String written = SERIALIZATION.asJson(read);
    JsonNode spec = SERIALIZATION.unmarshal(written, JsonNode.class).get("spec");
    assertThat(spec.get("deletionPolicy").asText()).isEqualTo("DeleteAfterRollout");
    assertThat(spec.get("phases").get(0).get("status").asText()).isEqualTo("Paused");
    assertThat(spec.get("phases").get(0).get("holdFor").asText()).isEqualTo("1h");
    assertThat(written).containsOnlyOnce("deletionPolicy").containsOnlyOnce("\"status\"");
  }

  @Test
  void aValueSetInCodeReplacesTheOneRead() {
    FlagRelease read = SERIALIZATION.unmarshal(LATER, FlagRelease.class);

    read.getSpec().setDeletionPolicy(DeletionPolicy.Orphan);
    read.getSpec().getPhases().get(0).setStatus(DesiredPhaseStatus.Started);

    JsonNode spec = SERIALIZATION.convertValue(read, JsonNode.class).get("spec");
    assertThat(spec.get("deletionPolicy").asText()).isEqualTo("Orphan");
    assertThat(spec.get("phases").get(0).get("status").asText()).isEqualTo("Started");
    assertThat(read.getSpec().getUnknownValues()).isEmpty();
    assertThat(spec.toString()).containsOnlyOnce("deletionPolicy").containsOnlyOnce("\"status\"");
  }
}
