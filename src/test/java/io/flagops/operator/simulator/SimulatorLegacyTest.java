package io.flagops.operator.simulator;

import static io.flagops.operator.simulator.SimulatorReleaseTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flagops.operator.simulator.SimHttp.Reply;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Legacy pipelines: phases marked complete by JSON patch; automated ones refuse the patch. */
class SimulatorLegacyTest {
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
  void createLegacyRelease() {
    simulator.reset();
    assertThat(
            http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"manual\"}").status())
        .isEqualTo(200);
  }

  @Test
  void legacyPhasesCarryOnlyLegacyFields() {
    JsonNode release = http.getRelease("shop", "checkout").json();
    for (JsonNode phase : release.path("phases")) {
      assertThat(phase.has("status")).isFalse();
      assertThat(phase.has("started")).isFalse();
      assertThat(phase.has("_startedDate")).isFalse();
      assertThat(phase.has("_completionDate")).isFalse();
      assertThat(phase.path("complete").asBoolean()).isFalse();
      assertThat(phase.path("_creationDate").asLong()).isEqualTo(clock.now());
      JsonNode audience = phase.at("/_audiences/0");
      assertThat(audience.has("status")).isFalse();
      assertThat(audience.has("configuration")).isFalse();
      assertThat(audience.path("_id").asText()).hasSize(24);
    }
  }

  @Test
  void patchMarksPhasesCompleteAndBack() {
    clock.advance(Duration.ofSeconds(3));
    Reply done =
        http.patchRelease(
            "shop",
            "checkout",
            "[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":true}]");
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().at("/phases/0/complete").asBoolean()).isTrue();
    assertThat(done.json().at("/phases/0/_completionDate").asLong()).isEqualTo(clock.now());
    assertThat(done.json().at("/phases/0").has("status")).isFalse();
    assertThat(done.json().path("_version").asLong()).isEqualTo(2);

    // the description's singular form is accepted too
    Reply undone =
        http.patchRelease(
            "shop",
            "checkout",
            "[{\"op\":\"replace\",\"path\":\"/phase/0/complete\",\"value\":false}]");
    assertThat(undone.status()).isEqualTo(200);
    assertThat(undone.json().at("/phases/0/complete").asBoolean()).isFalse();
    assertThat(undone.json().at("/phases/0").has("_completionDate")).isFalse();
    assertThat(undone.json().path("_version").asLong()).isEqualTo(3);
  }

  @Test
  void legacyPhasesHaveNoOrderAndOnePatchIsOneVersion() {
    Reply reply =
        http.patchRelease(
            "shop",
            "checkout",
            "[{\"op\":\"add\",\"path\":\"/phases/1/complete\",\"value\":true},"
                + "{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":true}]");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().at("/phases/0/complete").asBoolean()).isTrue();
    assertThat(reply.json().at("/phases/1/complete").asBoolean()).isTrue();
    assertThat(reply.json().path("_version").asLong()).isEqualTo(2);
  }

  @Test
  void patchIsAllOrNothing() {
    assertError(
        http.patchRelease(
            "shop",
            "checkout",
            "[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":true},"
                + "{\"op\":\"replace\",\"path\":\"/phases/2/complete\",\"value\":true}]"),
        400,
        "Phase index 2 is out of range");
    JsonNode release = http.getRelease("shop", "checkout").json();
    assertThat(release.at("/phases/0/complete").asBoolean()).isFalse();
    assertThat(release.path("_version").asLong()).isEqualTo(1);
  }

  @Test
  void patchRefusesOtherOperations() {
    assertError(
        http.patchRelease(
            "shop", "checkout", "[{\"op\":\"remove\",\"path\":\"/phases/0/complete\"}]"),
        400,
        "op 'remove' is not supported");
    assertError(
        http.patchRelease(
            "shop", "checkout", "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"x\"}]"),
        400,
        "path '/name' is not supported");
    assertError(
        http.patchRelease(
            "shop",
            "checkout",
            "[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":\"true\"}]"),
        400,
        "value must be a boolean");
    assertError(http.patchRelease("shop", "checkout", "[]"), 400, "non-empty array");
    assertError(
        http.patchRelease("shop", "checkout", "{\"op\":\"replace\"}"), 400, "non-empty array");
    assertError(http.patchRelease("shop", "checkout", "[{\"op\":\"replace\"}]"), 400, "'path'");
    assertThat(http.getRelease("shop", "checkout").json().path("_version").asLong()).isEqualTo(1);
  }

  @Test
  void phaseUpdateOnLegacyReleaseIsRefused() {
    String phaseId = http.getRelease("shop", "checkout").json().at("/phases/0/_id").asText();
    assertError(
        http.setStatus("shop", "checkout", phaseId, "Started"),
        400,
        "uses legacy pipeline 'manual'; mark its phases complete with a JSON patch");
  }

  @Test
  void patchOnAutomatedReleaseIsRefused() {
    http.createRelease("shop", "banner", "{\"releasePipelineKey\":\"two-step\"}");
    assertError(
        http.patchRelease(
            "shop",
            "banner",
            "[{\"op\":\"replace\",\"path\":\"/phases/0/complete\",\"value\":true}]"),
        400,
        "can only be patched on legacy pipelines; use update phase status");
  }
}
