package io.flagops.operator.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flagops.operator.simulator.CallLog.Call;
import io.flagops.operator.simulator.SimHttp.Reply;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The call log, reset(), the "UI" and the state page: what tests and people use. */
class SimulatorToolsTest extends SimulatorCase {
  private static final String CREATE = "{\"releasePipelineKey\":\"two-step\"}";

  @Test
  void callLogCountsPerRouteAndStatus() {
    http.getRelease("shop", "checkout");
    http.createRelease("shop", "checkout", CREATE);
    http.createRelease("shop", "checkout", CREATE);
    String phase = http.getRelease("shop", "checkout").json().at("/phases/0/_id").asText();
    http.setStatus("shop", "checkout", phase, "Started");
    http.patchRelease("shop", "checkout", "[]");
    http.get("/api/v2/projects/shop/release-pipelines/two-step?x=1");
    http.get("/api/v2/projects/shop/release-pipelines");
    http.deleteRelease("shop", "checkout");
    http.get("/nowhere");

    CallLog calls = simulator.calls();
    assertThat(calls.size()).isEqualTo(10);
    assertThat(calls.count(CallLog.GET_RELEASE)).isEqualTo(2);
    assertThat(calls.count(CallLog.GET_RELEASE, 404)).isEqualTo(1);
    assertThat(calls.count(CallLog.CREATE_RELEASE, 200)).isEqualTo(1);
    assertThat(calls.count(CallLog.CREATE_RELEASE, 400)).isEqualTo(1);
    assertThat(calls.count(CallLog.UPDATE_PHASE)).isEqualTo(1);
    assertThat(calls.count(CallLog.PATCH_RELEASE, 400)).isEqualTo(1);
    assertThat(calls.count(CallLog.GET_PIPELINE)).isEqualTo(1);
    assertThat(calls.count(CallLog.LIST_PIPELINES)).isEqualTo(1);
    assertThat(calls.count(CallLog.DELETE_RELEASE, 204)).isEqualTo(1);
    assertThat(calls.countsByRoute())
        .containsEntry(CallLog.CREATE_RELEASE, 2L)
        .containsEntry("GET /nowhere", 1L);
    assertThat(calls.countsByRouteAndStatus().get(CallLog.CREATE_RELEASE))
        .isEqualTo(Map.of(200, 1L, 400, 1L));
    assertThat(calls.writes())
        .extracting(Call::method)
        .containsExactly("PUT", "PUT", "PUT", "PATCH", "DELETE");

    Call create = calls.entries().get(1);
    assertThat(create.method()).isEqualTo("PUT");
    assertThat(create.route()).isEqualTo(CallLog.CREATE_RELEASE);
    assertThat(create.path()).isEqualTo("/api/v2/projects/shop/flags/checkout/release");
    assertThat(create.requestBody()).isEqualTo(CREATE);
    assertThat(create.at()).isEqualTo(Instant.ofEpochMilli(TestClock.START));
    assertThat(calls.entries().get(6).path())
        .isEqualTo("/api/v2/projects/shop/release-pipelines/two-step?x=1");
    assertThat(calls.toString()).doesNotContain(SimHttp.TOKEN);

    calls.clear();
    assertThat(calls.entries()).isEmpty();
  }

  @Test
  void resetGoesBackToTheSeed() {
    http.createRelease("shop", "checkout", CREATE);
    simulator.setMonitoringWindowScale(0.01);
    simulator.faults().failNext(5, 500);

    simulator.reset();

    assertThat(simulator.calls().entries()).isEmpty();
    assertThat(simulator.state().path("monitoringWindowScale").asDouble()).isEqualTo(1.0);
    Reply reply = http.getRelease("shop", "checkout");
    assertThat(reply.status()).as("no release and no injected fault").isEqualTo(404);
    assertThat(reply.message()).contains("Release not found");
  }

  @Test
  void uiChangesFollowTheRulesButSkipAuthFaultsAndTheLog() {
    simulator.faults().failNext(1, 500);
    simulator.ui().createRelease("shop", "checkout", "two-step");
    simulator.ui().startPhase("shop", "checkout", "Testing");
    simulator.ui().pausePhase("shop", "checkout", "Testing");
    simulator.ui().completePhase("shop", "checkout", "Testing");
    assertThat(simulator.calls().entries()).isEmpty();

    JsonNode release = simulator.release("shop", "checkout").orElseThrow();
    assertThat(release.path("_version").asLong()).isEqualTo(4);
    assertThat(release.at("/phases/0/status").asText()).isEqualTo("Complete");
    assertThat(release.at("/phases/1/status").asText()).isEqualTo("ReadyToStart");
    assertThat(http.getRelease("shop", "checkout").status())
        .as("the pending fault still waits for the next API request")
        .isEqualTo(500);

    assertThatThrownBy(() -> simulator.ui().completePhase("shop", "checkout", "Production"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot complete before it has started");
    assertThatThrownBy(() -> simulator.ui().startPhase("shop", "checkout", "Nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Phase 'Nope' not found");
    assertThatThrownBy(() -> simulator.ui().createRelease("shop", "checkout", "two-step"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already has an active release");
    assertThatThrownBy(() -> simulator.ui().createRelease("shop", "nope", "two-step"))
        .isInstanceOf(IllegalArgumentException.class);

    simulator.ui().deleteRelease("shop", "checkout");
    assertThat(simulator.release("shop", "checkout")).isEmpty();
    assertThatThrownBy(() -> simulator.ui().deleteRelease("shop", "checkout"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void uiMarksLegacyPhases() {
    simulator.ui().createRelease("shop", "checkout", "manual");
    simulator.ui().setLegacyPhaseComplete("shop", "checkout", "Production", true);
    JsonNode release = simulator.release("shop", "checkout").orElseThrow();
    assertThat(release.at("/phases/1/complete").asBoolean()).isTrue();
    assertThat(release.path("_version").asLong()).isEqualTo(2);
    simulator.ui().setLegacyPhaseComplete("shop", "checkout", "Production", false);
    assertThat(
            simulator
                .release("shop", "checkout")
                .orElseThrow()
                .at("/phases/1/complete")
                .asBoolean())
        .isFalse();
    assertThatThrownBy(() -> simulator.ui().startPhase("shop", "checkout", "Testing"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("JSON patch");
  }

  @Test
  void statePageNeedsNoAuthAndIsNotLogged() throws Exception {
    simulator.ui().createRelease("shop", "checkout", "two-step");
    simulator.faults().failNext(1, 503);

    Reply page = http.send("GET", "/_sim/state", null, Map.of());

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("application/json");
    assertThat(page.body()).contains("\n");
    assertThat(page.json()).isEqualTo(SimHttp.JSON.readTree(simulator.state().toString()));
    assertThat(simulator.calls().entries()).isEmpty();
    JsonNode shop = page.json().at("/projects/0");
    assertThat(shop.path("key").asText()).isEqualTo("shop");
    assertThat(shop.at("/flags/0/key").asText()).isEqualTo("checkout");
    assertThat(shop.at("/flags/0/release/releasePipelineKey").asText()).isEqualTo("two-step");
    assertThat(shop.at("/flags/1/release").isNull()).isTrue();
    assertThat(shop.at("/flags/2/kind").asText()).isEqualTo("multivariate");
    assertThat(page.json().path("now").asLong()).isEqualTo(clock.now());
    assertThat(http.get("/api/v2/projects/shop/release-pipelines").status()).isEqualTo(503);
  }

  @Test
  void closeStopsServingPromptly() {
    LaunchDarklySimulator other = LaunchDarklySimulator.start(0, SimHttp.testSeed());
    SimHttp otherHttp = new SimHttp(other);
    assertThat(otherHttp.get("/api/v2/projects/shop/release-pipelines").status()).isEqualTo(200);
    long started = System.nanoTime();
    other.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThatThrownBy(
            () ->
                otherHttp.sendOrThrow(
                    "GET", "/api/v2/projects/shop/release-pipelines", null, SimHttp.apiHeaders()))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void baseUrlIsTheLoopbackPort() {
    assertThat(simulator.port()).isPositive();
    assertThat(simulator.baseUrl()).isEqualTo("http://127.0.0.1:" + simulator.port());
  }
}
