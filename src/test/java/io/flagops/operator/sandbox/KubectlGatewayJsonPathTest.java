package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSONPath of printer columns, cell typing and the API server's ages. */
class KubectlGatewayJsonPathTest {
  private static final JsonNode OBJECT =
      Json.parse(
          """
          {"metadata":{"name":"x","creationTimestamp":"2025-01-01T00:00:00Z",
                       "labels":{"app.kubernetes.io/name":"shop"}},
           "spec":{"projectKey":"shop","replicas":3,"ratio":0.5,"on":true,
                   "phases":[{"name":"Testing","status":"Complete"},
                             {"name":"Production","status":"Started"}]},
           "status":{"conditions":[{"type":"Reconciling","status":"False"},
                                   {"type":"Ready","status":"True","count":2}]}}
          """);

  private static List<String> eval(String path) {
    return JsonPath.compile(path).evaluate(OBJECT).stream()
        .map(n -> n.isTextual() ? n.asText() : n.toString())
        .toList();
  }

  @Test
  void fieldsIndexesAndSlices() {
    assertThat(eval(".spec.projectKey")).containsExactly("shop");
    assertThat(eval("{.spec.projectKey}")).containsExactly("shop");
    assertThat(eval("$.spec.projectKey")).containsExactly("shop");
    assertThat(eval(".spec.phases[1].name")).containsExactly("Production");
    assertThat(eval(".spec.phases[-1].status")).containsExactly("Started");
    assertThat(eval(".spec.phases[*].name")).containsExactly("Testing", "Production");
    assertThat(eval(".spec.phases[0:1].name")).containsExactly("Testing");
    assertThat(eval(".spec['projectKey']")).containsExactly("shop");
    assertThat(eval(".metadata.labels.app\\.kubernetes\\.io/name")).containsExactly("shop");
    assertThat(eval("..status")).contains("Complete", "Started", "False", "True");
    assertThat(eval(".spec.missing.deeper")).isEmpty();
    assertThat(eval(".spec.phases[7].name")).isEmpty();
  }

  @Test
  void filters() {
    assertThat(eval(".status.conditions[?(@.type==\"Ready\")].status")).containsExactly("True");
    assertThat(eval(".status.conditions[?(@.type=='Reconciling')].status"))
        .containsExactly("False");
    assertThat(eval(".status.conditions[?(@.type!=\"Ready\")].type"))
        .containsExactly("Reconciling");
    assertThat(eval(".status.conditions[?(@.count > 1)].type")).containsExactly("Ready");
    assertThat(eval(".status.conditions[?(@.count)].type")).containsExactly("Ready");
    assertThat(eval(".status.conditions[?(@.type==\"Stalled\")].status")).isEmpty();
  }

  @Test
  void malformedPathsAreRejected() {
    assertThatThrownBy(() -> JsonPath.compile(".spec.phases[0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid JSONPath");
    assertThatThrownBy(() -> JsonPath.compile(".a[?(@.b ~ 1)]"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cellsAreTypedAsTheApiServerTypesThem() {
    Instant now = Instant.parse("2025-01-03T00:00:00Z");
    assertThat(cell("string", ".spec.projectKey", now)).isEqualTo("\"shop\"");
    assertThat(cell("string", ".spec.replicas", now)).isEqualTo("\"3\"");
    assertThat(cell("integer", ".spec.replicas", now)).isEqualTo("3");
    assertThat(cell("number", ".spec.ratio", now)).isEqualTo("0.5");
    assertThat(cell("boolean", ".spec.on", now)).isEqualTo("true");
    assertThat(cell("boolean", ".spec.projectKey", now)).isEqualTo("null");
    assertThat(cell("date", ".metadata.creationTimestamp", now)).isEqualTo("\"2d\"");
    assertThat(cell("string", ".status.currentPhase", now)).isEqualTo("null");
  }

  private static String cell(String type, String path, Instant now) {
    return Column.cellOf(type, JsonPath.compile(path), OBJECT, now).toString();
  }

  @Test
  void agesFollowHumanDuration() {
    assertThat(Ages.human(Duration.ofMillis(-1500))).isEqualTo("0s");
    assertThat(Ages.human(Duration.ofSeconds(-5))).isEqualTo("<invalid>");
    assertThat(Ages.human(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Ages.human(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(Ages.human(Duration.ofSeconds(200))).isEqualTo("3m20s");
    assertThat(Ages.human(Duration.ofMinutes(3))).isEqualTo("3m");
    assertThat(Ages.human(Duration.ofMinutes(45))).isEqualTo("45m");
    assertThat(Ages.human(Duration.ofMinutes(200))).isEqualTo("3h20m");
    assertThat(Ages.human(Duration.ofHours(5))).isEqualTo("5h");
    assertThat(Ages.human(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(Ages.human(Duration.ofHours(50))).isEqualTo("2d2h");
    assertThat(Ages.human(Duration.ofDays(2))).isEqualTo("2d");
    assertThat(Ages.human(Duration.ofDays(100))).isEqualTo("100d");
    assertThat(Ages.human(Duration.ofDays(365 * 3 + 10))).isEqualTo("3y10d");
    assertThat(Ages.human(Duration.ofDays(365 * 9))).isEqualTo("9y");
    assertThat(Ages.since("2025-01-01T00:00:00Z", Instant.parse("2025-01-01T00:00:45Z")))
        .isEqualTo("45s");
    assertThat(Ages.since("not a time", Instant.now())).isEqualTo("<invalid>");
  }
}
