package io.flagops.operator.reconciler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.launchdarkly.model.AudienceConfiguration;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleaseGuardianConfiguration;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The end of a guarded rollout is never put earlier than LaunchDarkly's monitoring can end. */
class MonitoringWindowTest {
  private static final long STARTED = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
  private static final long HOUR = 3_600_000L;
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void aPhaseMonitoredFromItsStartEndsAWindowAfterIt() {
    assertThat(MonitoringWindow.endsAt(phase("Started", null), null, NOW))
        .isEqualTo(STARTED + HOUR);
  }

  @Test
  void nothingEndsWhileTheChangeWaitsForApprovalOrThePhaseIsNotRunning() {
    assertThat(MonitoringWindow.endsAt(phase("Started", "pendingApproval"), null, NOW)).isNull();
    assertThat(MonitoringWindow.endsAt(phase("Paused", null), null, NOW)).isNull();
    assertThat(MonitoringWindow.endsAt(phase("NotStarted", null), null, NOW)).isNull();
  }

  @Test
  void anApprovalOrAResumeTheOperatorDidNotSeeHappenCountsFromWhenItSawIt() {
    long fromNow = NOW.toEpochMilli() + HOUR;
    assertThat(MonitoringWindow.endsAt(phase("Started", "active"), null, NOW)).isEqualTo(fromNow);
    assertThat(
            MonitoringWindow.endsAt(
                phase("Started", "active"), before("Started", List.of("Prod"), null), NOW))
        .isEqualTo(fromNow);
    assertThat(MonitoringWindow.endsAt(phase("Started", null), before("Paused", null, null), NOW))
        .isEqualTo(fromNow);
    assertThat(MonitoringWindow.endsAt(phase("Started", "active"), null, null))
        .as("without the time of the read there is nothing to count from")
        .isNull();
  }

  @Test
  void theEndSeenBeforeStaysForTheSameStartOnly() {
    String seenEnd = "2026-12-01T11:30:00Z";
    PhaseStatus monitored = before("Started", null, seenEnd);

    assertThat(MonitoringWindow.endsAt(phase("Started", "active"), monitored, NOW))
        .isEqualTo(Instant.parse(seenEnd).toEpochMilli());
    monitored.setStartedAt("2026-11-30T10:00:00Z"); // another release, started before
    assertThat(MonitoringWindow.endsAt(phase("Started", null), monitored, NOW))
        .isEqualTo(STARTED + HOUR);
  }

  @Test
  void anEndThatCannotBeTrustedIsCountedAgain() {
    long fromNow = NOW.toEpochMilli() + HOUR;
    PhaseStatus fromTheStart =
        before("Started", null, Instant.ofEpochMilli(STARTED + HOUR).toString());
    assertThat(MonitoringWindow.endsAt(phase("Started", "active"), fromTheStart, NOW))
        .as("an approved phase's window counted from its start, as an older operator wrote it")
        .isEqualTo(fromNow);
    assertThat(
            MonitoringWindow.endsAt(phase("Started", null), before("Started", null, "soon"), NOW))
        .as("unreadable")
        .isEqualTo(STARTED + HOUR);
  }

  /** A phase started at STARTED with one audience guarded for an hour; approval if status given. */
  private static ReleasePhase phase(String status, String approvalStatus) {
    AudienceConfiguration configuration =
        new AudienceConfiguration(
            "monitoredRelease",
            approvalStatus != null,
            null,
            null,
            new ReleaseGuardianConfiguration(HOUR, 10, true, "user"));
    ReleaseAudience audience =
        new ReleaseAudience("aud-1", "Prod", null, configuration, null, approvalStatus);
    boolean started = !status.equals("NotStarted");
    return new ReleasePhase(
        "phase-1",
        "Production",
        false,
        1L,
        null,
        List.of(audience),
        status,
        started,
        started ? STARTED : null);
  }

  private static PhaseStatus before(String status, List<String> awaiting, String endsAt) {
    PhaseStatus phase = new PhaseStatus();
    phase.setName("Production");
    phase.setStatus(status);
    phase.setStartedAt(Instant.ofEpochMilli(STARTED).toString());
    phase.setAwaitingApproval(awaiting);
    phase.setMonitoringEndsAt(endsAt);
    return phase;
  }
}
