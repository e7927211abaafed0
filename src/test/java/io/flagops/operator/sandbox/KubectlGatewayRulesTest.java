package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API server's rules the gateway applies: merge patch, field selectors, the CRD schema. */
class KubectlGatewayRulesTest {
  private static ResourceType flagRelease;

  @BeforeAll
  static void load() throws Exception {
    KubernetesSerialization serialization = new KubernetesSerialization();
    Object crd = serialization.unmarshal(Files.readString(KubectlGatewaySandbox.CRD_FILE));
    flagRelease = ResourceType.fromCrd(Json.parse(serialization.asJson(crd))).get(0);
  }

  @Test
  void mergePatchFollowsRfc7386() {
    JsonNode target = Json.parse("{\"a\":{\"b\":1,\"c\":2},\"list\":[1,2],\"keep\":true}");

    JsonNode patched =
        MergePatch.apply(target, Json.parse("{\"a\":{\"b\":null,\"d\":3},\"list\":[9]}"));

    assertThat(patched.toString())
        .isEqualTo("{\"a\":{\"c\":2,\"d\":3},\"list\":[9],\"keep\":true}");
    assertThat(target.toString()).contains("\"b\":1");
    assertThat(MergePatch.apply(target, Json.parse("[1]")).toString()).isEqualTo("[1]");
    assertThat(
            MergePatch.applyStrategic(
                    target,
                    Json.parse(
                        "{\"$setElementOrder/list\":[{\"x\":1}],\"a\":{\"$patch\":\"delete\"},"
                            + "\"list\":[{\"$patch\":\"x\",\"n\":1}]}"))
                .toString())
        .isEqualTo("{\"list\":[{\"n\":1}],\"keep\":true}");
  }

  @Test
  void fieldSelectors() {
    JsonNode event =
        Json.parse(
            "{\"metadata\":{\"name\":\"e\",\"namespace\":\"default\"},\"type\":\"Normal\","
                + "\"involvedObject\":{\"kind\":\"FlagRelease\",\"name\":\"a,b\",\"uid\":\"u1\"}}");

    assertThat(
            FieldSelector.parse("involvedObject.name=a\\,b,involvedObject.uid=u1").matches(event))
        .isTrue();
    assertThat(FieldSelector.parse("involvedObject.kind==FlagRelease").matches(event)).isTrue();
    assertThat(FieldSelector.parse("type!=Normal").matches(event)).isFalse();
    assertThat(FieldSelector.parse("metadata.namespace=other").matches(event)).isFalse();
    assertThat(FieldSelector.parse("involvedObject.fieldPath=").matches(event)).isTrue();
    assertThat(FieldSelector.parse("").isEmpty()).isTrue();
  }

  @Test
  void theSchemaPrunesDefaultsAndChecks() {
    JsonNode object =
        Json.parse(
            """
            {"apiVersion":"flagops.io/v1alpha1","kind":"FlagRelease",
             "metadata":{"name":"x","labels":{"any":"thing"}},
             "spec":{"projectKey":"shop","flagKey":"bad key","releasePipelineKey":"p",
                     "colour":"blue","deletionPolicy":"Keep",
                     "phases":[{"name":"A","status":"Started",
                                "audiences":[{"name":"x","releaseGuardian":
                                  {"monitoringWindow":"30m","rolloutWeight":150}}]},
                               {"name":"A","status":"Complete"}]}}
            """);

    CrdValidator.Verdict result = new CrdValidator(flagRelease.schema()).check(object, null);

    assertThat(result.unknownFields()).containsExactly("spec.colour");
    assertThat(result.object().at("/spec/colour").isMissingNode()).isTrue();
    assertThat(result.object().at("/spec/managementPolicy").asText()).isEqualTo("Manage");
    assertThat(
            result
                .object()
                .at("/spec/phases/0/audiences/0/releaseGuardian/rollbackOnRegression")
                .asBoolean())
        .isTrue();
    assertThat(result.object().at("/metadata/labels/any").asText()).isEqualTo("thing");
    assertThat(result.problems())
        .extracting(CrdValidator.Problem::render)
        .containsExactlyInAnyOrder(
            "spec.flagKey: Invalid value: \"bad key\": does not match the regex pattern"
                + " ^[A-Za-z0-9][A-Za-z0-9._-]*$",
            "spec.deletionPolicy: Invalid value: \"Keep\": does not have a value in the"
                + " enumeration [\"Delete\", \"DeleteEvenIfAdopted\", \"Orphan\"]",
            "spec.phases[0].audiences[0].releaseGuardian.rolloutWeight: Invalid value: 150:"
                + " must have a maximum value of 100.0",
            "spec.phases: phase names must be unique");
  }

  @Test
  void requiredTypesAndImmutability() {
    JsonNode old =
        Json.parse(
            "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"projectKey\":\"shop\",\"flagKey\":\"f\","
                + "\"releasePipelineKey\":\"p\"}}");
    JsonNode changed =
        Json.parse(
            "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"projectKey\":\"shop\",\"flagKey\":\"g\","
                + "\"suspend\":\"yes\"}}");

    CrdValidator validator = new CrdValidator(flagRelease.schema());
    List<String> problems =
        validator.check(changed, old).problems().stream()
            .map(CrdValidator.Problem::render)
            .toList();

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "spec.releasePipelineKey: Required value",
            "spec.suspend: Invalid value: \"yes\": string found, boolean expected",
            "spec.flagKey: flagKey is immutable");
    assertThat(validator.check(old, old).problems()).isEmpty();
  }

  /**
   * A value a newer CRD let in (as after a rollback) does not refuse an update that leaves it as it
   * was; a list is atomic, so a change anywhere in it checks all of it again.
   */
  @Test
  void anUpdateLeavingAnInvalidValueAsItWasIsNotRefusedForIt() {
    String stored =
        "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"projectKey\":\"shop\",\"flagKey\":\"f\","
            + "\"releasePipelineKey\":\"p\",\"deletionPolicy\":\"Later\",\"phases\":"
            + "[{\"name\":\"a\",\"status\":\"Paused\"},{\"name\":\"b\",\"status\":\"Started\"}]}";
    JsonNode old = Json.parse(stored + "}");
    CrdValidator validator = new CrdValidator(flagRelease.schema());

    JsonNode withStatus = Json.parse(stored + ",\"status\":{\"message\":\"seen\"}}");
    JsonNode phaseChanged = Json.parse(stored.replace("Started", "Complete") + "}");

    assertThat(validator.check(withStatus, old).problems()).isEmpty();
    assertThat(validator.check(phaseChanged, old).problems())
        .singleElement()
        .extracting(CrdValidator.Problem::render)
        .asString()
        .startsWith("spec.phases[0].status: Invalid value: \"Paused\"");
    assertThat(validator.check(old, null).problems()).hasSize(2);
  }

  @Test
  void protobufBodiesOfKubectlCreate() {
    // kubectl create secret generic s1 --from-literal=token=abc, as captured
    byte[] body =
        java.util.HexFormat.of()
            .parseHex(
                "6b3873000a0c0a02763112065365637265741224"
                    + "0a120a0273311200"
                    + "1a0022002a00320038004200"
                    + "120c0a05746f6b656e1203616263"
                    + "1a001a002200");

    JsonNode secret = KubeProtobuf.decode(body);

    assertThat(secret.toString())
        .isEqualTo(
            "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s1\"},"
                + "\"data\":{\"token\":\"YWJj\"}}");
  }

  @Test
  void resourcePaths() {
    ResourcePath named =
        ResourcePath.parse("/apis/flagops.io/v1alpha1/namespaces/ns/flagreleases/x/status");
    ResourcePath all = ResourcePath.parse("/apis/flagops.io/v1alpha1/flagreleases");
    ResourcePath namespace = ResourcePath.parse("/api/v1/namespaces/ns");
    ResourcePath watch = ResourcePath.parse("/api/v1/watch/namespaces/ns/events");

    assertThat(named)
        .isEqualTo(
            new ResourcePath("flagops.io", "v1alpha1", "ns", "flagreleases", "x", "status", false));
    assertThat(named.objectPath())
        .isEqualTo("/apis/flagops.io/v1alpha1/namespaces/ns/flagreleases/x");
    assertThat(all.namespace()).isNull();
    assertThat(all.isCollection()).isTrue();
    assertThat(namespace.plural()).isEqualTo("namespaces");
    assertThat(namespace.name()).isEqualTo("ns");
    assertThat(watch.watchPrefix()).isTrue();
    assertThat(watch.upstreamPath()).isEqualTo("/api/v1/namespaces/ns/events");
    assertThat(ResourcePath.parse("/apis/flagops.io")).isNull();
    assertThat(ResourcePath.parse("/version")).isNull();
  }
}
