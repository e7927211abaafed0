package io.flagops.operator.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flagops.operator.simulator.SimHttp.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Creating, progressing and deleting automated releases over HTTP. */
class SimulatorReleaseTest {
  private static final String CREATE_TWO_STEP = "{\"releasePipelineKey\":\"two-step\"}";
  private static final String HEX24 = "[0-9a-f]{24}";

  private static final TestClock clock = new TestClock();
  private static LaunchDarklySimulator simulator;
  private static SimHttp http;

  @BeforeAll
  static void start() {
    simulator = LaunchDarklySimulator.start(0, SimHttp.testSeed(), clock);
    http = new SimHttp(simulator);
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  @BeforeEach
  void reset() {
    simulator.reset();
  }

  @Test
  void createCopiesThePipelinePhases() {
    Reply reply = http.createRelease("shop", "checkout", CREATE_TWO_STEP);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    JsonNode release = reply.json();
    assertThat(release.path("name").asText()).isEqualTo("Two step");
    assertThat(release.path("releasePipelineKey").asText()).isEqualTo("two-step");
    assertThat(release.path("releasePipelineDescription").asText())
        .isEqualTo("Testing, then guarded production");
    assertThat(release.path("_version").asLong()).isEqualTo(1);
    assertThat(release.has("_releaseVariationId")).isFalse();
    assertThat(release.at("/_links/self/href").asText())
        .isEqualTo("/api/v2/flags/shop/checkout/release");

    JsonNode testing = release.at("/phases/0");
    JsonNode production = release.at("/phases/1");
    assertThat(release.path("phases")).hasSize(2);
    assertThat(testing.path("_name").asText()).isEqualTo("Testing");
    assertThat(testing.path("_id").asText()).matches(HEX24);
    assertThat(testing.path("status").asText()).isEqualTo("ReadyToStart");
    assertThat(production.path("status").asText()).isEqualTo("NotStarted");
    for (JsonNode phase : release.path("phases")) {
      assertThat(phase.path("started").asBoolean()).isFalse();
      assertThat(phase.path("complete").asBoolean()).isFalse();
      assertThat(phase.path("_creationDate").asLong()).isEqualTo(clock.now());
      assertThat(phase.has("_startedDate")).isFalse();
      assertThat(phase.has("_completionDate")).isFalse();
    }

    JsonNode test = testing.at("/_audiences/0");
    assertThat(test.path("_id").asText()).matches(HEX24);
    assertThat(test.path("name").asText()).isEqualTo("Test");
    assertThat(test.at("/environment/key").asText()).isEqualTo("test");
    assertThat(test.at("/environment/name").asText()).isEqualTo("Test");
    assertThat(test.at("/environment/color").asText()).isNotEmpty();
    assertThat(test.at("/environment/_links/self/href").asText())
        .isEqualTo("/api/v2/projects/shop/environments/test");
    assertThat(test.at("/configuration/releaseStrategy").asText()).isEqualTo("immediate");
    assertThat(test.at("/configuration/requireApproval").asBoolean()).isFalse();
    assertThat(test.at("/configuration").has("releaseGuardianConfiguration")).isFalse();

    JsonNode prod = production.at("/_audiences/0");
    assertThat(prod.at("/configuration/releaseStrategy").asText()).isEqualTo("monitoredRelease");
    assertThat(prod.at("/configuration/requireApproval").asBoolean()).isFalse();
    assertThat(
            prod.at("/configuration/releaseGuardianConfiguration/monitoringWindowMilliseconds")
                .asLong())
        .isEqualTo(60000);
    assertThat(prod.at("/configuration/releaseGuardianConfiguration/rolloutWeight").asInt())
        .isEqualTo(50);
    assertThat(prod.path("segmentKeys").get(0).asText()).isEqualTo("beta-users");
    assertThat(prod.path("_id").asText()).isNotEqualTo(test.path("_id").asText());

    assertThat(http.getRelease("shop", "checkout").json()).isEqualTo(release);
  }

  @Test
  void phaseIdsAreThePipelinePhaseIdsAndAudienceIdsAreFresh() {
    JsonNode first = http.createRelease("shop", "checkout", CREATE_TWO_STEP).json();
    JsonNode second = http.createRelease("shop", "banner", CREATE_TWO_STEP).json();
    JsonNode pipeline = http.get("/api/v2/projects/shop/release-pipelines/two-step").json();

    assertThat(first.at("/phases/0/_id")).isEqualTo(pipeline.at("/phases/0/id"));
    assertThat(first.at("/phases/1/_id")).isEqualTo(pipeline.at("/phases/1/id"));
    assertThat(second.at("/phases/1/_id")).isEqualTo(first.at("/phases/1/_id"));
    assertThat(second.at("/phases/0/_audiences/0/_id"))
        .isNotEqualTo(first.at("/phases/0/_audiences/0/_id"));
  }

  @Test
  void createWithVariation() {
    Reply reply =
        http.createRelease(
            "shop",
            "checkout",
            "{\"releasePipelineKey\":\"two-step\",\"releaseVariationId\":\"var-on\"}");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().path("_releaseVariationId").asText()).isEqualTo("var-on");

    Reply unknown =
        http.createRelease(
            "shop", "banner", "{\"releasePipelineKey\":\"two-step\",\"releaseVariationId\":\"x\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.message()).contains("'x'");
  }

  @Test
  void createRefusesBadRequests() {
    assertError(
        http.createRelease("nope", "checkout", CREATE_TWO_STEP), 404, "Unknown project 'nope'");
    assertError(
        http.createRelease("shop", "nope", CREATE_TWO_STEP),
        404,
        "Unknown flag 'nope' in project 'shop'");
    assertError(
        http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"zzz\"}"),
        404,
        "Unknown release pipeline 'zzz' in project 'shop'");
    assertError(
        http.createRelease("shop", "ranking", CREATE_TWO_STEP),
        400,
        "only boolean flags can be added to a release pipeline");
    assertError(http.createRelease("shop", "checkout", "{}"), 400, "releasePipelineKey");
    assertError(http.createRelease("shop", "checkout", "{not json"), 400, "not valid JSON");
    assertError(http.createRelease("shop", "checkout", null), 400, "missing");
    assertError(
        http.createRelease("shop", "checkout", "{\"releasePipelineKey\":7}"), 400, "string");
    assertThat(http.getRelease("shop", "checkout").status()).isEqualTo(404);
  }

  @Test
  void duplicateCreateIsRefused() {
    assertThat(http.createRelease("shop", "checkout", CREATE_TWO_STEP).status()).isEqualTo(200);
    Reply again = http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"three-step\"}");
    assertError(again, 400, "Flag 'checkout' already has an active release on pipeline 'two-step'");
    assertThat(http.getRelease("shop", "checkout").json().path("releasePipelineKey").asText())
        .isEqualTo("two-step");
  }

  @Test
  void getRefusesUnknownThings() {
    assertError(http.getRelease("nope", "checkout"), 404, "Unknown project 'nope'");
    assertError(http.getRelease("shop", "nope"), 404, "Unknown flag 'nope' in project 'shop'");
    assertError(
        http.getRelease("shop", "checkout"),
        404,
        "Release not found for flag 'checkout' in project 'shop'");
    assertError(http.setStatus("shop", "checkout", "abc", "Started"), 404, "Release not found");
    assertError(http.patchRelease("shop", "checkout", "[]"), 404, "Release not found");
    assertError(http.deleteRelease("shop", "nope"), 404, "Unknown flag 'nope'");
  }

  @Test
  void phasesProgressInOrder() {
    JsonNode release = http.createRelease("shop", "checkout", CREATE_TWO_STEP).json();
    String testing = release.at("/phases/0/_id").asText();
    String production = release.at("/phases/1/_id").asText();

    assertError(
        http.setStatus("shop", "checkout", production, "Started"),
        400,
        "Phase 'Production' cannot start before phase 'Testing' is complete");
    assertError(
        http.setStatus("shop", "checkout", testing, "Complete"),
        400,
        "Phase 'Testing' cannot complete before it has started");

    clock.advance(java.time.Duration.ofSeconds(5));
    Reply started = http.setStatus("shop", "checkout", testing, "Started");
    assertThat(started.status()).isEqualTo(200);
    JsonNode phase = started.json().at("/phases/0");
    assertThat(phase.path("status").asText()).isEqualTo("Started");
    assertThat(phase.path("started").asBoolean()).isTrue();
    assertThat(phase.path("complete").asBoolean()).isFalse();
    assertThat(phase.path("_startedDate").asLong()).isEqualTo(clock.now());
    assertThat(phase.at("/_audiences/0/status").asText()).isEqualTo("active");
    assertThat(started.json().path("_version").asLong()).isEqualTo(2);

    assertError(http.setStatus("shop", "checkout", testing, "Started"), 400, "already started");

    clock.advance(java.time.Duration.ofSeconds(5));
    Reply complete = http.setStatus("shop", "checkout", testing, "Complete");
    assertThat(complete.status()).isEqualTo(200);
    phase = complete.json().at("/phases/0");
    assertThat(phase.path("status").asText()).isEqualTo("Complete");
    assertThat(phase.path("complete").asBoolean()).isTrue();
    assertThat(phase.path("_completionDate").asLong()).isEqualTo(clock.now());
    assertThat(complete.json().at("/phases/1/status").asText()).isEqualTo("ReadyToStart");
    assertThat(complete.json().path("_version").asLong()).isEqualTo(3);

    assertError(http.setStatus("shop", "checkout", testing, "Complete"), 400, "already complete");
    assertError(http.setStatus("shop", "checkout", testing, "Started"), 400, "already complete");
    assertError(http.setStatus("shop", "checkout", testing, "NotStarted"), 400, "forward");
    assertError(http.setStatus("shop", "checkout", production, "ReadyToStart"), 400, "forward");
    assertError(http.setStatus("shop", "checkout", production, "Paused"), 400, "paused");

    assertThat(http.setStatus("shop", "checkout", production, "Started").status()).isEqualTo(200);
    assertThat(http.getRelease("shop", "checkout").json().path("_version").asLong()).isEqualTo(4);
  }

  @Test
  void pauseAndResume() {
    JsonNode release = http.createRelease("shop", "checkout", CREATE_TWO_STEP).json();
    String testing = release.at("/phases/0/_id").asText();
    long startedAt = clock.now();
    http.setStatus("shop", "checkout", testing, "Started");
    clock.advance(java.time.Duration.ofSeconds(1));

    Reply paused = http.setStatus("shop", "checkout", testing, "Paused");
    assertThat(paused.json().at("/phases/0/status").asText()).isEqualTo("Paused");
    assertThat(paused.json().at("/phases/0/started").asBoolean()).isTrue();
    assertError(http.setStatus("shop", "checkout", testing, "Paused"), 400, "Paused");

    Reply resumed = http.setStatus("shop", "checkout", testing, "Started");
    assertThat(resumed.json().at("/phases/0/status").asText()).isEqualTo("Started");
    assertThat(resumed.json().at("/phases/0/_startedDate").asLong()).isEqualTo(startedAt);

    http.setStatus("shop", "checkout", testing, "Paused");
    Reply completed = http.setStatus("shop", "checkout", testing, "Complete");
    assertThat(completed.json().at("/phases/0/status").asText()).isEqualTo("Complete");
    assertThat(completed.json().path("_version").asLong()).isEqualTo(6);
  }

  @Test
  void statusInputIsChecked() {
    JsonNode release = http.createRelease("shop", "checkout", CREATE_TWO_STEP).json();
    String testing = release.at("/phases/0/_id").asText();

    assertError(http.setStatus("shop", "checkout", testing, "active"), 400, "Invalid status");
    assertError(http.setStatus("shop", "checkout", testing, "started"), 400, "Invalid status");
    assertError(http.updatePhase("shop", "checkout", testing, "{}"), 400, "status is required");
    assertError(http.updatePhase("shop", "checkout", testing, "[1]"), 400, "JSON object");
    assertError(
        http.setStatus("shop", "checkout", "0123456789abcdef01234567", "Started"),
        404,
        "Phase '0123456789abcdef01234567' not found");
    assertThat(http.getRelease("shop", "checkout").json().path("_version").asLong()).isEqualTo(1);
  }

  @Test
  void audienceConfigurationIsStoredOnStart() {
    JsonNode release = http.createRelease("shop", "checkout", CREATE_TWO_STEP).json();
    String testing = release.at("/phases/0/_id").asText();
    String audience = release.at("/phases/0/_audiences/0/_id").asText();
    String otherAudience = release.at("/phases/1/_audiences/0/_id").asText();

    assertError(
        http.updatePhase(
            "shop",
            "checkout",
            testing,
            "{\"status\":\"Started\",\"audiences\":[{\"audienceId\":\"" + otherAudience + "\"}]}"),
        400,
        "does not belong to phase 'Testing'");
    assertError(
        http.updatePhase("shop", "checkout", testing, guarded(audience, 60000, 101)),
        400,
        "rolloutWeight");
    assertError(
        http.updatePhase("shop", "checkout", testing, guarded(audience, 0, 10)),
        400,
        "monitoringWindowMilliseconds");
    assertError(
        http.updatePhase(
            "shop",
            "checkout",
            testing,
            "{\"status\":\"Started\",\"audiences\":[{\"audienceId\":\""
                + audience
                + "\",\"releaseGuardianConfiguration\":{\"rolloutWeight\":5}}]}"),
        400,
        "needs monitoringWindowMilliseconds");
    assertError(
        http.updatePhase(
            "shop",
            "checkout",
            testing,
            "{\"status\":\"Paused\",\"audiences\":[{\"audienceId\":\"" + audience + "\"}]}"),
        400,
        "only be given when starting");
    assertThat(http.getRelease("shop", "checkout").json().at("/phases/0/status").asText())
        .isEqualTo("ReadyToStart");

    Reply started =
        http.updatePhase(
            "shop",
            "checkout",
            testing,
            "{\"status\":\"Started\",\"audiences\":[{\"audienceId\":\""
                + audience
                + "\",\"releaseGuardianConfiguration\":{\"monitoringWindowMilliseconds\":120000,"
                + "\"rolloutWeight\":25,\"rollbackOnRegression\":true,\"randomizationUnit\":\"org\"},"
                + "\"notifyMemberIds\":[\"m1\"],\"notifyTeamKeys\":[\"t1\",\"t2\"]}]}");
    assertThat(started.status()).isEqualTo(200);
    JsonNode configuration = started.json().at("/phases/0/_audiences/0/configuration");
    assertThat(configuration.path("releaseStrategy").asText()).isEqualTo("monitoredRelease");
    assertThat(
            configuration.at("/releaseGuardianConfiguration/monitoringWindowMilliseconds").asLong())
        .isEqualTo(120000);
    assertThat(configuration.at("/releaseGuardianConfiguration/rolloutWeight").asInt())
        .isEqualTo(25);
    assertThat(configuration.at("/releaseGuardianConfiguration/rollbackOnRegression").asBoolean())
        .isTrue();
    assertThat(configuration.at("/releaseGuardianConfiguration/randomizationUnit").asText())
        .isEqualTo("org");
    assertThat(configuration.path("notifyMemberIds").toString()).isEqualTo("[\"m1\"]");
    assertThat(configuration.path("notifyTeamKeys").toString()).isEqualTo("[\"t1\",\"t2\"]");
    assertThat(
            http.getRelease("shop", "checkout").json().at("/phases/0/_audiences/0/configuration"))
        .isEqualTo(configuration);
  }

  @Test
  void deleteRemovesTheRelease() {
    http.createRelease("shop", "checkout", CREATE_TWO_STEP);

    Reply deleted = http.deleteRelease("shop", "checkout");
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertError(http.getRelease("shop", "checkout"), 404, "Release not found");
    assertError(http.deleteRelease("shop", "checkout"), 404, "Release not found");
    assertThat(
            http.createRelease("shop", "checkout", CREATE_TWO_STEP)
                .json()
                .path("_version")
                .asLong())
        .isEqualTo(1);
  }

  @Test
  void pipelinesAreListedAndFound() {
    Reply list = http.get("/api/v2/projects/shop/release-pipelines?limit=20");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().path("totalCount").asInt()).isEqualTo(4);
    assertThat(list.json().path("items")).hasSize(4);
    assertThat(list.json().at("/items/0/isProjectDefault").asBoolean()).isTrue();
    assertThat(list.json().at("/items/1/isProjectDefault").asBoolean()).isFalse();

    JsonNode manual = http.get("/api/v2/projects/shop/release-pipelines/manual").json();
    assertThat(manual.path("_isLegacy").asBoolean()).isTrue();
    assertThat(manual.path("name").asText()).isEqualTo("Manual");
    JsonNode twoStep = http.get("/api/v2/projects/shop/release-pipelines/two-step").json();
    assertThat(twoStep.path("_isLegacy").asBoolean()).isFalse();
    assertThat(twoStep.at("/phases/1/audiences/0/configuration/releaseStrategy").asText())
        .isEqualTo("monitoredRelease");
    assertThat(twoStep.at("/phases/0/audiences/0").has("_id")).isFalse();

    assertError(
        http.get("/api/v2/projects/shop/release-pipelines/zzz"),
        404,
        "Unknown release pipeline 'zzz' in project 'shop'");
    assertError(http.get("/api/v2/projects/zzz/release-pipelines"), 404, "Unknown project 'zzz'");
  }

  @Test
  void concurrentCreatesMakeExactlyOneRelease() throws Exception {
    java.util.List<java.util.concurrent.Callable<Integer>> creates = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      creates.add(() -> http.createRelease("shop", "checkout", CREATE_TWO_STEP).status());
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      java.util.List<Integer> statuses = new java.util.ArrayList<>();
      for (var future : pool.invokeAll(creates)) {
        statuses.add(future.get());
      }
      assertThat(statuses).containsOnlyOnce(200);
      assertThat(statuses).filteredOn(s -> s == 400).hasSize(15);
    } finally {
      pool.shutdownNow();
    }
  }

  private static String guarded(String audienceId, long window, int weight) {
    return "{\"status\":\"Started\",\"audiences\":[{\"audienceId\":\""
        + audienceId
        + "\",\"releaseGuardianConfiguration\":{\"monitoringWindowMilliseconds\":"
        + window
        + ",\"rolloutWeight\":"
        + weight
        + ",\"rollbackOnRegression\":false}}]}";
  }

  static void assertError(Reply reply, int status, String messagePart) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(reply.code()).isEqualTo(ApiError.codeFor(status));
    assertThat(reply.message()).contains(messagePart);
  }
}
