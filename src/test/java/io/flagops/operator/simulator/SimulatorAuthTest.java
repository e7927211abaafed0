package io.flagops.operator.simulator;

import static io.flagops.operator.simulator.SimulatorReleaseTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.simulator.SimHttp.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Access token and beta header checks, and answers for paths and methods the API lacks. */
class SimulatorAuthTest {
  private static final String PIPELINES = "/api/v2/projects/shop/release-pipelines";

  private static LaunchDarklySimulator simulator;
  private static SimHttp http;

  @BeforeAll
  static void start() {
    simulator = LaunchDarklySimulator.start(0, SimHttp.testSeed());
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
  void rawTokenAndBetaHeaderAreAccepted() {
    assertThat(http.get(PIPELINES).status()).isEqualTo(200);
    Reply second =
        http.send(
            "GET",
            PIPELINES,
            null,
            Map.of("Authorization", "test-token-b", "LD-API-Version", "beta"));
    assertThat(second.status()).isEqualTo(200);
  }

  @Test
  void missingWrongOrBearerTokenIs401() {
    assertError(http.send("GET", PIPELINES, null, Map.of("LD-API-Version", "beta")), 401, "token");
    assertError(
        http.send(
            "GET", PIPELINES, null, Map.of("Authorization", "nope", "LD-API-Version", "beta")),
        401,
        "token");
    assertError(
        http.send(
            "GET",
            PIPELINES,
            null,
            Map.of("Authorization", "Bearer " + SimHttp.TOKEN, "LD-API-Version", "beta")),
        401,
        "token");
    assertError(
        http.send(
            "GET",
            PIPELINES,
            null,
            Map.of("Authorization", "api-" + SimHttp.TOKEN, "LD-API-Version", "beta")),
        401,
        "token");
  }

  @Test
  void missingOrDatedApiVersionIs403() {
    assertError(
        http.send("GET", PIPELINES, null, Map.of("Authorization", SimHttp.TOKEN)),
        403,
        "LD-API-Version: beta");
    assertError(
        http.send(
            "GET",
            PIPELINES,
            null,
            Map.of("Authorization", SimHttp.TOKEN, "LD-API-Version", "20240415")),
        403,
        "LD-API-Version: beta");
  }

  @Test
  void authIsCheckedBeforeTheBetaHeader() {
    assertError(http.send("GET", PIPELINES, null, Map.of()), 401, "token");
  }

  @Test
  void writesNeedAuthToo() {
    Reply reply =
        http.send(
            "PUT",
            "/api/v2/projects/shop/flags/checkout/release",
            "{\"releasePipelineKey\":\"two-step\"}",
            Map.of("LD-API-Version", "beta"));
    assertError(reply, 401, "token");
    assertThat(simulator.release("shop", "checkout")).isEmpty();
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() {
    assertError(http.get("/api/v2/flags/shop"), 404, "Unknown resource");
    assertError(http.get("/api/v2/flags/shop/checkout/release/"), 404, "Unknown resource");
    Reply post =
        http.send("POST", "/api/v2/flags/shop/checkout/release", "{}", SimHttp.apiHeaders());
    assertError(post, 405, "POST");
    assertThat(post.header("Allow")).isEqualTo("GET, PATCH, DELETE");
    assertError(http.put("/api/v2/flags/shop/checkout/release", "{}"), 405, "PUT");
    assertError(http.get("/api/v2/projects/shop/flags/checkout/release"), 405, "GET");
  }

  @Test
  void queryStringsAreIgnoredAndPathSegmentsDecoded() {
    assertThat(http.get(PIPELINES + "?filter=query:x&limit=5").status()).isEqualTo(200);
    assertThat(http.get("/api/v2/projects/sh%6Fp/release-pipelines/two-step").status())
        .isEqualTo(200);
  }
}
