package io.flagops.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.reconciler.plan.ReleasePlanner;
import io.flagops.operator.reconciler.plan.Verdict;
import io.flagops.operator.sandbox.CrdValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid spec shape, and who catches it: the API server with the CRD's schema and CEL rules,
 * or (for what the schema cannot say, and for API servers without the schema) the operator, with a
 * condition naming the field.
 */
class BadSpecTableTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String VALID =
      """
      projectKey: shop
      flagKey: new-checkout
      releasePipelineKey: standard
      phases:
        - name: Testing
          status: Complete
          audiences:
            - name: Test env
              releaseGuardian: {monitoringWindow: 30m, rolloutWeight: 10}
      """;
  private static CrdValidator crd;

  @BeforeAll
  static void loadCrd() throws IOException {
    JsonNode definition = YAML.readTree(Files.readString(CrdGenerationTest.COMMITTED));
    crd = new CrdValidator(definition.at("/spec/versions/0/schema/openAPIV3Schema"));
  }

  /** What the API server says of a FlagRelease with this spec ({@code oldSpec} on update). */
  private static List<String> errors(JsonNode spec, JsonNode oldSpec) {
    return crd.check(release(spec), oldSpec == null ? null : release(oldSpec)).problems().stream()
        .map(CrdValidator.Problem::render)
        .toList();
  }

  private static JsonNode release(JsonNode spec) {
    ObjectNode release = YAML.createObjectNode();
    release.put("apiVersion", "flagops.io/v1alpha1").put("kind", "FlagRelease");
    release.putObject("metadata").put("name", "checked");
    release.set("spec", spec);
    return release;
  }

  static Stream<Arguments> refusedBySchema() {
    return Stream.of(
        row("no projectKey", "projectKey: null", "projectKey"),
        row("a key with a space", "flagKey: new checkout", "flagKey"),
        row("a key starting with a dash", "releasePipelineKey: -standard", "releasePipelineKey"),
        row("an unknown phase status", "phases: [{name: Testing, status: Begun}]", "status"),
        row("a phase without a status", "phases: [{name: Testing}]", "status"),
        row("a phase without a name", "phases: [{status: Started}]", "name"),
        row(
            "two phases with one name",
            "phases: [{name: Testing, status: Started}, {name: Testing, status: Complete}]",
            "phase names must be unique"),
        row(
            "eleven phases",
            "phases: ["
                + String.join(
                    ", ",
                    java.util.stream.IntStream.range(0, 11)
                        .mapToObj(i -> "{name: p" + i + ", status: NotStarted}")
                        .toList())
                + "]",
            "phases"),
        row(
            "a rollout weight over 100",
            "phases: [{name: Testing, status: Started, audiences: [{name: a, releaseGuardian:"
                + " {monitoringWindow: 30m, rolloutWeight: 150}}]}]",
            "rolloutWeight"),
        row(
            "a negative rollout weight",
            "phases: [{name: Testing, status: Started, audiences: [{name: a, releaseGuardian:"
                + " {monitoringWindow: 30m, rolloutWeight: -1}}]}]",
            "rolloutWeight"),
        row(
            "a monitoring window that is not a duration",
            "phases: [{name: Testing, status: Started, audiences: [{name: a, releaseGuardian:"
                + " {monitoringWindow: soon, rolloutWeight: 5}}]}]",
            "monitoringWindow"),
        row(
            "a guardian without a window",
            "phases: [{name: Testing, status: Started, audiences: [{name: a, releaseGuardian:"
                + " {rolloutWeight: 5}}]}]",
            "monitoringWindow"),
        row(
            "two audiences with one name",
            "phases: [{name: Testing, status: Started, audiences: [{name: a}, {name: a}]}]",
            "audience names must be unique"),
        row("an unknown deletion policy", "deletionPolicy: Keep", "deletionPolicy"),
        row("an unknown management policy", "managementPolicy: ReadOnly", "managementPolicy"),
        row("suspend that is not a boolean", "suspend: maybe", "suspend"),
        row("a token Secret without a name", "accessTokenSecretRef: {key: token}", "name"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedBySchema")
  void theApiServerRefusesNamingTheField(String name, String change, String expected)
      throws IOException {
    assertThat(errors(valid(), null)).as("the valid spec passes").isEmpty();

    List<String> errors = errors(with(change), null);

    assertThat(errors).as(name).isNotEmpty().anyMatch(e -> e.contains(expected));
  }

  @Test
  void immutableKeysAreRefusedOnUpdate() throws IOException {
    assertThat(errors(with("projectKey: other-shop"), valid()))
        .containsExactly("spec.projectKey: projectKey is immutable");
    assertThat(errors(with("flagKey: other-flag"), valid()))
        .containsExactly("spec.flagKey: flagKey is immutable");
    assertThat(errors(with("releasePipelineKey: fast-track"), valid()))
        .as("the pipeline may change")
        .isEmpty();
  }

  static Stream<Arguments> reportedByTheOperator() {
    return Stream.of(
        row("no projectKey", "projectKey: null", "spec.projectKey is required"),
        row("a key with a space", "flagKey: new checkout", "spec.flagKey: 'new checkout' is not"),
        row("a blank variation id", "releaseVariationId: ' '", "spec.releaseVariationId is empty"),
        row(
            "a field the operator does not know",
            "phases: [{name: Testing, status: Started, forcecomplete: true}]",
            "spec.phases[0].forcecomplete: not a field this operator knows"),
        row(
            "a phase status the operator does not know",
            "phases: [{name: Testing, status: Paused}]",
            "spec.phases[0].status: 'Paused' is not a value this operator knows (NotStarted,"
                + " Started or Complete)"),
        row(
            "a deletion policy the operator does not know",
            "deletionPolicy: Keep",
            "spec.deletionPolicy: 'Keep' is not a value this operator knows (Delete,"
                + " DeleteEvenIfAdopted or Orphan)"),
        row(
            "a management policy the operator does not know",
            "managementPolicy: ReadOnly",
            "spec.managementPolicy: 'ReadOnly' is not a value this operator knows (Manage or"
                + " Observe)"),
        row(
            "an empty randomization unit",
            "phases: [{name: Testing, status: Started, audiences: [{name: a, releaseGuardian:"
                + " {monitoringWindow: 30m, rolloutWeight: 5, randomizationUnit: ''}}]}]",
            "spec.phases[0].audiences[0].releaseGuardian.randomizationUnit is empty"),
        row(
            "two phases with one name",
            "phases: [{name: Testing, status: Started}, {name: Testing, status: Complete}]",
            "spec.phases[1].name: phase 'Testing' is listed twice"),
        row(
            "a phase without a status",
            "phases: [{name: Testing}]",
            "spec.phases[0].status is required"),
        row(
            "a rollout weight over 100",
            "phases: [{name: Testing, status: Started, audiences: [{name: a, releaseGuardian:"
                + " {monitoringWindow: 30m, rolloutWeight: 150}}]}]",
            "spec.phases[0].audiences[0].releaseGuardian.rolloutWeight: 150"),
        row(
            "a monitoring window that is not a duration",
            "phases: [{name: Testing, status: Started, audiences: [{name: a, releaseGuardian:"
                + " {monitoringWindow: soon, rolloutWeight: 5}}]}]",
            "spec.phases[0].audiences[0].releaseGuardian.monitoringWindow: 'soon'"),
        row(
            "two audiences with one name",
            "phases: [{name: Testing, status: Started, audiences: [{name: a}, {name: a}]}]",
            "spec.phases[0].audiences[1].name: audience 'a' is listed twice"));
  }

  /** An API server without the schema (or an older CRD) must not let these reach LaunchDarkly. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("reportedByTheOperator")
  void theOperatorAlsoRefusesNamingTheField(String name, String change, String expected)
      throws IOException {
    FlagReleaseSpec spec = YAML.treeToValue(with(change), FlagReleaseSpec.class);

    Optional<Verdict> verdict = ReleasePlanner.validate(spec);

    assertThat(verdict).as(name).isPresent();
    assertThat(verdict.get().kind()).isEqualTo(Verdict.Kind.BLOCKED);
    assertThat(verdict.get().message()).contains(expected);
  }

  private static Arguments row(String name, String change, String expected) {
    return Arguments.of(name, change, expected);
  }

  private static JsonNode valid() throws IOException {
    return YAML.readTree(VALID);
  }

  /** The valid spec with the top-level fields of {@code change} replaced (null removes). */
  private static JsonNode with(String change) throws IOException {
    var spec = (com.fasterxml.jackson.databind.node.ObjectNode) valid();
    YAML.readTree(change)
        .properties()
        .forEach(
            f -> {
              if (f.getValue().isNull()) {
                spec.remove(f.getKey());
              } else {
                spec.set(f.getKey(), f.getValue());
              }
            });
    return spec;
  }
}
