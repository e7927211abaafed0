package io.flagops.operator.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Guarded phases complete by themselves once their monitoring window has passed. */
class SimulatorMonitoringTest extends SimulatorCase {

  @Test
  void guardedPhaseCompletesAfterItsWindow() {
    String[] ids = create("two-step");
    http.setStatus("shop", "checkout", ids[0], "Started");
    clock.advance(Duration.ofHours(2));
    assertThat(phase(0).path("status").asText())
        .as("a phase without guarded audiences never completes by itself")
        .isEqualTo("Started");
    http.setStatus("shop", "checkout", ids[0], "Complete");

    long startedAt = clock.now();
    http.setStatus("shop", "checkout", ids[1], "Started");
    clock.advance(Duration.ofMillis(59_999));
    assertThat(phase(1).path("status").asText()).isEqualTo("Started");

    clock.advance(Duration.ofMillis(1));
    JsonNode release = http.getRelease("shop", "checkout").json();
    JsonNode production = release.at("/phases/1");
    assertThat(production.path("status").asText()).isEqualTo("Complete");
    assertThat(production.path("complete").asBoolean()).isTrue();
    assertThat(production.path("_completionDate").asLong()).isEqualTo(startedAt + 60_000);
    assertThat(release.path("_version").asLong()).isEqualTo(5);
  }

  @Test
  void completionIsDatedAtTheDueTimeAndReadiesTheNextPhase() {
    String[] ids = create("three-step");
    http.setStatus("shop", "checkout", ids[0], "Started");
    http.setStatus("shop", "checkout", ids[0], "Complete");
    long startedAt = clock.now();
    http.setStatus("shop", "checkout", ids[1], "Started");

    clock.advance(Duration.ofMinutes(5));
    JsonNode release = http.getRelease("shop", "checkout").json();
    // the longest window of the phase's audiences (20 s) decides
    assertThat(release.at("/phases/1/_completionDate").asLong()).isEqualTo(startedAt + 20_000);
    assertThat(release.at("/phases/2/status").asText()).isEqualTo("ReadyToStart");
    assertThat(release.at("/phases/2/started").asBoolean()).isFalse();
  }

  @Test
  void aRolledBackRolloutIsNeverCompletedByItsWindow() {
    simulator.ui().regressGuardedRollouts("shop", "checkout");
    String[] ids = create("two-step");
    startSecondPhase(ids);

    clock.advance(Duration.ofHours(2));
    JsonNode production = phase(1);
    assertThat(production.path("status").asText()).isEqualTo("Started");
    assertThat(production.path("complete").asBoolean()).isFalse();
  }

  @Test
  void aScaledWindowIsShownAsItLasts() {
    String[] ids = create("two-step");
    startSecondPhase(ids);
    simulator.setMonitoringWindowScale(0.5);

    assertThat(
            phase(1)
                .at("/_audiences/0/configuration/releaseGuardianConfiguration")
                .path("monitoringWindowMilliseconds")
                .asLong())
        .isEqualTo(30_000);
  }

  @Test
  void scaleShortensTheWindow() {
    String[] ids = create("two-step");
    startSecondPhase(ids);
    simulator.setMonitoringWindowScale(0.5);
    clock.advance(Duration.ofMillis(29_999));
    assertThat(phase(1).path("status").asText()).isEqualTo("Started");
    clock.advance(Duration.ofMillis(1));
    assertThat(phase(1).path("status").asText()).isEqualTo("Complete");
  }

  @Test
  void windowGivenOnStartIsUsed() {
    String[] ids = create("two-step");
    http.setStatus("shop", "checkout", ids[0], "Started");
    http.setStatus("shop", "checkout", ids[0], "Complete");
    String audience = phase(1).at("/_audiences/0/_id").asText();
    http.updatePhase(
        "shop",
        "checkout",
        ids[1],
        "{\"status\":\"Started\",\"audiences\":[{\"audienceId\":\""
            + audience
            + "\",\"releaseGuardianConfiguration\":{\"monitoringWindowMilliseconds\":1000}}]}");
    assertThat(
            phase(1)
                .at("/_audiences/0/configuration/releaseGuardianConfiguration/rolloutWeight")
                .asInt())
        .as("fields left out keep the pipeline's values")
        .isEqualTo(50);
    clock.advance(Duration.ofMillis(1000));
    assertThat(phase(1).path("status").asText()).isEqualTo("Complete");
  }

  @Test
  void pausedPhaseDoesNotCompleteAndResumeRestartsTheWindow() {
    String[] ids = create("two-step");
    startSecondPhase(ids);
    clock.advance(Duration.ofSeconds(50));
    http.setStatus("shop", "checkout", ids[1], "Paused");
    clock.advance(Duration.ofMinutes(5));
    assertThat(phase(1).path("status").asText()).isEqualTo("Paused");

    http.setStatus("shop", "checkout", ids[1], "Started");
    clock.advance(Duration.ofSeconds(59));
    assertThat(phase(1).path("status").asText()).isEqualTo("Started");
    clock.advance(Duration.ofSeconds(1));
    assertThat(phase(1).path("status").asText()).isEqualTo("Complete");
  }

  @Test
  void releaseAndStateApplyDueCompletionsWithoutHttp() {
    String[] ids = create("two-step");
    startSecondPhase(ids);
    simulator.calls().clear();
    clock.advance(Duration.ofMinutes(1));

    assertThat(simulator.release("shop", "checkout").orElseThrow().at("/phases/1/status").asText())
        .isEqualTo("Complete");
    assertThat(simulator.state().toString()).contains("\"Complete\"");
    assertThat(simulator.calls().size()).isZero();
    assertThat(simulator.release("shop", "banner")).isEmpty();
    assertThat(simulator.release("nope", "checkout")).isEmpty();
  }

  @Test
  void tinyScaleCompletesOnTheRealClock() {
    try (LaunchDarklySimulator real = LaunchDarklySimulator.start(0, SimHttp.testSeed())) {
      SimHttp realHttp = new SimHttp(real);
      real.setMonitoringWindowScale(0.001);
      JsonNode release =
          realHttp
              .createRelease("shop", "checkout", "{\"releasePipelineKey\":\"two-step\"}")
              .json();
      String testing = release.at("/phases/0/_id").asText();
      String production = release.at("/phases/1/_id").asText();
      realHttp.setStatus("shop", "checkout", testing, "Started");
      realHttp.setStatus("shop", "checkout", testing, "Complete");
      realHttp.setStatus("shop", "checkout", production, "Started");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  realHttp
                      .getRelease("shop", "checkout")
                      .json()
                      .at("/phases/1/complete")
                      .asBoolean());
    }
  }

  private String[] create(String pipeline) {
    JsonNode release =
        http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"" + pipeline + "\"}")
            .json();
    String[] ids = new String[release.path("phases").size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = release.at("/phases/" + i + "/_id").asText();
    }
    return ids;
  }

  private void startSecondPhase(String[] ids) {
    http.setStatus("shop", "checkout", ids[0], "Started");
    http.setStatus("shop", "checkout", ids[0], "Complete");
    assertThat(http.setStatus("shop", "checkout", ids[1], "Started").status()).isEqualTo(200);
  }

  private JsonNode phase(int index) {
    return http.getRelease("shop", "checkout").json().at("/phases/" + index);
  }
}
