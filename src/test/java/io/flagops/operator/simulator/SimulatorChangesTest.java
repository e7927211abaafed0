package io.flagops.operator.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.flagops.operator.simulator.SimHttp.Reply;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/**
 * What LaunchDarkly does besides answering: approvals, canceled releases, changes made between a
 * caller's read and its write, answers lost after a write, error ids and HTTP-date waits.
 */
class SimulatorChangesTest extends SimulatorCase {
  private static final String CREATE_APPROVED = "{\"releasePipelineKey\":\"approved\"}";
  private static final String CREATE_TWO_STEP = "{\"releasePipelineKey\":\"two-step\"}";

  @Test
  void aStartedPhaseThatNeedsApprovalWaitsAndIsMonitoredOnlyOnceApproved() {
    String phase =
        http.createRelease("shop", "checkout", CREATE_APPROVED).json().at("/phases/0/_id").asText();
    http.setStatus("shop", "checkout", phase, "Started");

    JsonNode audience = http.getRelease("shop", "checkout").json().at("/phases/0/_audiences/0");
    assertThat(audience.path("status").asText()).isEqualTo("pendingApproval");
    assertThat(audience.at("/configuration/requireApproval").asBoolean()).isTrue();
    assertThat(audience.at("/configuration/notifyMemberIds/0").asText()).isEqualTo("member-1");
    assertThat(audience.at("/configuration/notifyTeamKeys/0").asText())
        .isEqualTo("release-managers");
    clock.advance(Duration.ofHours(2));
    assertThat(phaseStatus()).as("no monitoring before approval").isEqualTo("Started");

    simulator.ui().approvePhase("shop", "checkout", "Production");
    assertThat(http.getRelease("shop", "checkout").json().at("/phases/0/_audiences/0/status"))
        .hasToString("\"active\"");
    clock.advance(Duration.ofSeconds(60));
    assertThat(phaseStatus()).isEqualTo("Complete");
  }

  @Test
  void aCanceledReleaseIsStillReadButTakesNoChange() {
    String phase =
        http.createRelease("shop", "checkout", CREATE_TWO_STEP).json().at("/phases/0/_id").asText();
    long canceledAt = clock.now();
    simulator.ui().cancelRelease("shop", "checkout");

    JsonNode release = http.getRelease("shop", "checkout").json();
    assertThat(release.path("_canceledAt").asLong()).isEqualTo(canceledAt);
    Reply refused = http.setStatus("shop", "checkout", phase, "Started");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.message()).contains("canceled");
    assertThat(http.deleteRelease("shop", "checkout").status()).isEqualTo(204);
  }

  @Test
  void aChangeScriptedBeforeAWriteHappensBetweenTheCallersReadAndItsWrite() {
    String phase =
        http.createRelease("shop", "checkout", CREATE_TWO_STEP).json().at("/phases/0/_id").asText();
    http.setStatus("shop", "checkout", phase, "Started");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE,
            () -> simulator.ui().completePhase("shop", "checkout", "Testing"));

    assertThat(http.getRelease("shop", "checkout").json().at("/phases/0/status").asText())
        .as("reads are not affected")
        .isEqualTo("Started");
    Reply refused = http.setStatus("shop", "checkout", phase, "Complete");

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.message()).isEqualTo("Phase 'Testing' is already complete");
    assertThat(http.setStatus("shop", "checkout", phase, "Complete").message())
        .as("the change runs once")
        .isEqualTo("Phase 'Testing' is already complete");
  }

  @Test
  void aLostAnswerLeavesTheWriteAppliedAndTheCallerWithoutAnAnswer() {
    simulator.faults().lostAnswerRate(1.0);

    assertThatThrownBy(
            () ->
                http.sendOrThrow(
                    "PUT",
                    "/api/v2/projects/shop/flags/checkout/release",
                    CREATE_TWO_STEP,
                    SimHttp.apiHeaders()))
        .isInstanceOf(IOException.class);

    assertThat(simulator.release("shop", "checkout")).isPresent();
    assertThat(simulator.calls().count(CallLog.CREATE_RELEASE, CallLog.LOST)).isEqualTo(1);
    assertThat(http.getRelease("shop", "checkout").status())
        .as("reads are answered")
        .isEqualTo(200);
  }

  @Test
  void errorsCarryAnIdForSupport() {
    Reply missing = http.getRelease("shop", "checkout");

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().path("id").asText()).matches("[0-9a-f]{24}");
    assertThat(http.getRelease("shop", "checkout").json().path("id").asText())
        .isNotEqualTo(missing.json().path("id").asText());
  }

  @Test
  void aRateLimitCanAskToWaitUntilAnHttpDate() {
    Instant retryAt = Instant.ofEpochMilli(clock.now()).plusSeconds(30);
    simulator.faults().rateLimitNextUntil(retryAt);

    Reply limited = http.getRelease("shop", "checkout");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(
            ZonedDateTime.parse(limited.header("Retry-After"), DateTimeFormatter.RFC_1123_DATE_TIME)
                .toInstant())
        .isEqualTo(retryAt.minusNanos(retryAt.getNano()));
    assertThat(limited.header("X-Ratelimit-Reset")).isNull();
  }

  private String phaseStatus() {
    return http.getRelease("shop", "checkout").json().at("/phases/0/status").asText();
  }
}
