package io.flagops.operator.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.flagops.operator.simulator.SimHttp.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every answer of a full scenario validates against a JSON Schema written from LaunchDarkly's
 * published schemas (src/test/resources/launchdarkly/release-schema.json).
 */
class SimulatorSchemaTest extends SimulatorCase {
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Map<String, Schema> SCHEMAS = new HashMap<>();
  private static ObjectNode document;

  private final List<String> problems = new ArrayList<>();
  private final Map<String, Integer> validated = new HashMap<>();

  @BeforeAll
  static void loadSchema() throws IOException {
    try (InputStream in =
        SimulatorSchemaTest.class.getResourceAsStream("/launchdarkly/release-schema.json")) {
      document = (ObjectNode) SimHttp.JSON.readTree(in);
    }
  }

  @Test
  void everyAnswerOfAFullScenarioMatchesTheSchema() {
    check("ReleasePipelineCollection", http.get("/api/v2/projects/shop/release-pipelines"), 200);
    check("ReleasePipeline", http.get("/api/v2/projects/shop/release-pipelines/two-step"), 200);
    check("ReleasePipeline", http.get("/api/v2/projects/shop/release-pipelines/manual"), 200);

    // automated release: create, start with audience config, complete, guarded auto-complete
    Reply created =
        http.createRelease(
            "shop",
            "checkout",
            "{\"releasePipelineKey\":\"two-step\",\"releaseVariationId\":\"var-on\"}");
    check("Release", created, 200);
    String testing = created.json().at("/phases/0/_id").asText();
    String production = created.json().at("/phases/1/_id").asText();
    String audience = created.json().at("/phases/0/_audiences/0/_id").asText();
    check(
        "Release",
        http.updatePhase(
            "shop",
            "checkout",
            testing,
            "{\"status\":\"Started\",\"audiences\":[{\"audienceId\":\""
                + audience
                + "\",\"releaseGuardianConfiguration\":{\"monitoringWindowMilliseconds\":5000,"
                + "\"rolloutWeight\":10,\"rollbackOnRegression\":false},"
                + "\"notifyMemberIds\":[\"m\"],\"notifyTeamKeys\":[\"t\"]}]}"),
        200);
    check("Release", http.setStatus("shop", "checkout", testing, "Paused"), 200);
    check("Release", http.setStatus("shop", "checkout", testing, "Started"), 200);
    check("Release", http.setStatus("shop", "checkout", testing, "Complete"), 200);
    check("Release", http.setStatus("shop", "checkout", production, "Started"), 200);
    clock.advance(Duration.ofMinutes(1));
    Reply autoCompleted = http.getRelease("shop", "checkout");
    check("Release", autoCompleted, 200);
    assertThat(autoCompleted.json().at("/phases/1/status").asText()).isEqualTo("Complete");

    // legacy release: patch complete and back
    check(
        "Release",
        http.createRelease("shop", "banner", "{\"releasePipelineKey\":\"manual\"}"),
        200);
    check(
        "Release",
        http.patchRelease(
            "shop",
            "banner",
            "[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":true}]"),
        200);
    check(
        "Release",
        http.patchRelease(
            "shop",
            "banner",
            "[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":false}]"),
        200);

    // errors
    check(
        "ErrorRep",
        http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"two-step\"}"),
        400);
    check("ErrorRep", http.setStatus("shop", "checkout", testing, "Started"), 400);
    check("ErrorRep", http.send("GET", "/api/v2/flags/shop/checkout/release", null, Map.of()), 401);
    check(
        "ErrorRep",
        http.send(
            "GET",
            "/api/v2/flags/shop/checkout/release",
            null,
            Map.of("Authorization", SimHttp.TOKEN)),
        403);
    check("ErrorRep", http.getRelease("shop", "nope"), 404);
    check("ErrorRep", http.setStatus("shop", "checkout", "abc", "Started"), 404);
    check(
        "ErrorRep",
        http.send("POST", "/api/v2/flags/shop/checkout/release", "{}", SimHttp.apiHeaders()),
        405);
    simulator.faults().failNext(1, 500);
    check("ErrorRep", http.getRelease("shop", "checkout"), 500);
    simulator.faults().rateLimitStorm(Duration.ofSeconds(1), Duration.ofSeconds(1));
    check("ErrorRep", http.getRelease("shop", "checkout"), 429);
    clock.advance(Duration.ofSeconds(1));
    simulator.faults().rateLimit(1, Duration.ofSeconds(10));
    check("Release", http.getRelease("shop", "checkout"), 200);
    check("ErrorRep", http.getRelease("shop", "checkout"), 429);
    simulator.faults().clear();

    Reply deleted = http.deleteRelease("shop", "checkout");
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    check("ErrorRep", http.getRelease("shop", "checkout"), 404);

    assertThat(problems).isEmpty();
    assertThat(validated)
        .containsEntry("Release", 11)
        .containsEntry("ErrorRep", 11)
        .containsEntry("ReleasePipeline", 2)
        .containsEntry("ReleasePipelineCollection", 1);
  }

  @Test
  void theSchemaCatchesBrokenAnswers() throws IOException {
    ObjectNode release =
        (ObjectNode)
            http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"two-step\"}").json();
    assertThat(errors("Release", release)).isEmpty();

    ObjectNode noVersion = release.deepCopy();
    noVersion.remove("_version");
    assertThat(errors("Release", noVersion)).isNotEmpty();

    ObjectNode noDescription = release.deepCopy();
    noDescription.remove("releasePipelineDescription");
    assertThat(errors("Release", noDescription)).isNotEmpty();

    ObjectNode badStatus = release.deepCopy();
    ((ObjectNode) badStatus.at("/phases/0")).put("status", "Active");
    assertThat(errors("Release", badStatus)).isNotEmpty();

    ObjectNode stringDate = release.deepCopy();
    ((ObjectNode) stringDate.at("/phases/0")).put("_creationDate", "2024-01-01");
    assertThat(errors("Release", stringDate)).isNotEmpty();

    ObjectNode misspelt = release.deepCopy();
    ((ObjectNode) misspelt.at("/phases/0")).put("_startDate", 1L);
    assertThat(errors("Release", misspelt)).isNotEmpty();

    ObjectNode noEnvironmentColor = release.deepCopy();
    ((ObjectNode) noEnvironmentColor.at("/phases/0/_audiences/0/environment")).remove("color");
    assertThat(errors("Release", noEnvironmentColor)).isNotEmpty();

    assertThat(errors("ErrorRep", SimHttp.JSON.readTree("{\"code\":\"not_found\"}"))).isNotEmpty();
  }

  private void check(String definition, Reply reply, int status) {
    assertThat(reply.status()).as(definition + ": " + reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    for (Error error : errors(definition, reply.json())) {
      problems.add(definition + " " + error.getInstanceLocation() + ": " + error.getMessage());
    }
    validated.merge(definition, 1, Integer::sum);
  }

  private static List<Error> errors(String definition, JsonNode instance) {
    assertThat(instance).as("a JSON body").isNotNull();
    return schema(definition).validate(instance.toString(), InputFormat.JSON);
  }

  /** The schema document with its root pointing at one definition. */
  private static synchronized Schema schema(String definition) {
    return SCHEMAS.computeIfAbsent(
        definition,
        name -> {
          ObjectNode root = document.deepCopy();
          root.put("$ref", "#/$defs/" + name);
          return REGISTRY.getSchema(root.toString(), InputFormat.JSON);
        });
  }
}
