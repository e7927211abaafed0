package io.flagops.operator.reconciler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.ChangedBy;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseChange;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which changes the status history records, and who it says made them. */
class ReleaseHistoryTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void aReleaseTheOperatorCreatesAndStartsIsRecordedAsItsOwnWork() {
    FlagReleaseStatus before = new FlagReleaseStatus();
    FlagReleaseStatus after = status("standard", "Testing=Started", "Production=NotStarted");

    List<ReleaseChange> history =
        ReleaseHistory.next(before, after, Set.of(Seen.RELEASE, "Testing"), Map.of(), NOW);

    assertThat(history)
        .extracting(ReleaseChange::toString)
        .containsExactly(
            "2026-03-01T12:00:00Z release: null -> standard by Operator",
            "2026-03-01T12:00:00Z Testing: NotStarted -> Started by Operator");
  }

  /** An older operator recorded LaunchDarkly's kebab-case spellings as they came: no change. */
  @Test
  void aStatusRecordedInLaunchDarklysOtherSpellingIsTheSameStatus() {
    FlagReleaseStatus before = status("standard", "Testing=active", "Staging=not-started");
    FlagReleaseStatus after = status("standard", "Testing=Started", "Staging=NotStarted");

    assertThat(ReleaseHistory.next(before, after, Set.of(), Map.of(), NOW)).isEmpty();
  }

  @Test
  void aPhaseMadeReadyToStartWhenTheOneBeforeCompletedIsLaunchDarklysStep() {
    FlagReleaseStatus before = status("standard", "Testing=Started", "Staging=NotStarted");
    FlagReleaseStatus after = status("standard", "Testing=Complete", "Staging=ReadyToStart");

    assertThat(ReleaseHistory.next(before, after, Set.of("Testing"), Map.of(), NOW))
        .extracting(ReleaseChange::getPhase, ReleaseChange::getBy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Testing", ChangedBy.Operator),
            org.assertj.core.groups.Tuple.tuple("Staging", ChangedBy.LaunchDarkly));
  }

  @Test
  void aGuardedPhaseCompletingAfterItsMonitoringIsLaunchDarklysAndAStartInTheUiIsUnknown() {
    FlagReleaseStatus before = status("guarded", "Beta=Started~", "Everyone=NotStarted");
    FlagReleaseStatus after = status("guarded", "Beta=Complete", "Everyone=Started");

    List<ReleaseChange> history = ReleaseHistory.next(before, after, Set.of(), Map.of(), NOW);

    assertThat(history)
        .extracting(ReleaseChange::getPhase, ReleaseChange::getBy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Beta", ChangedBy.LaunchDarkly),
            org.assertj.core.groups.Tuple.tuple("Everyone", ChangedBy.Unknown));
  }

  @Test
  void aGuardedPhaseCompletedBeforeItsWindowCouldEndIsSomebodysNotLaunchDarklys() {
    FlagReleaseStatus before = status("guarded", "Beta=Started~");
    FlagReleaseStatus early = status("guarded", "Beta=Complete");
    early.getPhases().get(0).setStartedAt("2026-03-01T11:00:00Z");
    early.getPhases().get(0).setCompletedAt("2026-03-01T11:10:00Z");
    Map<String, Long> hour = Map.of("Beta", 3_600_000L);

    assertThat(ReleaseHistory.next(before, early, Set.of(), hour, NOW))
        .extracting(ReleaseChange::getBy)
        .containsExactly(ChangedBy.Unknown);

    early.getPhases().get(0).setCompletedAt("2026-03-01T12:00:00Z"); // the window's end
    assertThat(ReleaseHistory.next(before, early, Set.of(), hour, NOW))
        .extracting(ReleaseChange::getBy)
        .containsExactly(ChangedBy.LaunchDarkly);
  }

  @Test
  void aReleaseMadeAgainOnTheSamePipelineIsANewReleaseWithoutAPast() {
    FlagReleaseStatus before = status("standard", "Testing=Started");
    before.getRelease().setCreatedAt("2026-03-01T10:00:00Z");
    FlagReleaseStatus after = status("standard", "Testing=Started");
    after.getRelease().setCreatedAt("2026-03-01T11:59:00Z");

    // someone deleted and created it again; the operator started Testing on the new one
    assertThat(ReleaseHistory.next(before, after, Set.of("Testing"), Map.of(), NOW))
        .extracting(ReleaseChange::toString)
        .containsExactly(
            "2026-03-01T12:00:00Z release: standard -> standard by Unknown",
            "2026-03-01T12:00:00Z Testing: null -> Started by Operator");
  }

  @Test
  void nothingChangedKeepsTheSameHistorySoNoStatusIsWritten() {
    FlagReleaseStatus before = status("standard", "Testing=Started");
    before.setHistory(
        new ArrayList<>(
            List.of(new ReleaseChange("t0", "Testing", "NotStarted", "Started", null))));
    FlagReleaseStatus after = status("standard", "Testing=Started");

    assertThat(ReleaseHistory.next(before, after, Set.of(), Map.of(), NOW))
        .isSameAs(before.getHistory());
  }

  @Test
  void aReleaseFoundHasNoPastAndOneThatDisappearsIsRecorded() {
    FlagReleaseStatus found = status("standard", "Testing=Complete");
    assertThat(ReleaseHistory.next(new FlagReleaseStatus(), found, Set.of(), Map.of(), NOW))
        .extracting(ReleaseChange::toString)
        .containsExactly("2026-03-01T12:00:00Z release: null -> standard by Unknown");

    assertThat(ReleaseHistory.next(found, new FlagReleaseStatus(), Set.of(), Map.of(), NOW))
        .extracting(ReleaseChange::toString)
        .containsExactly("2026-03-01T12:00:00Z release: standard -> null by Unknown");
  }

  @Test
  void onlyTheLastTwentyChangesAreKept() {
    FlagReleaseStatus before = status("standard", "Testing=NotStarted");
    List<ReleaseChange> old = new ArrayList<>();
    for (int i = 0; i < FlagReleaseStatus.HISTORY_SIZE; i++) {
      old.add(new ReleaseChange("t" + i, "Testing", "x", "y", ChangedBy.Unknown));
    }
    before.setHistory(old);

    List<ReleaseChange> history =
        ReleaseHistory.next(
            before, status("standard", "Testing=Started"), Set.of("Testing"), Map.of(), NOW);

    assertThat(history).hasSize(FlagReleaseStatus.HISTORY_SIZE);
    assertThat(history.get(0).getAt()).isEqualTo("t1");
    assertThat(history.get(history.size() - 1).getBy()).isEqualTo(ChangedBy.Operator);
  }

  /** LaunchDarkly's rollback, or a person: the operator cannot tell, so not LaunchDarkly's step. */
  @Test
  void aStartedPhaseShownReadyToStartAgainIsNotLaunchDarklysStep() {
    FlagReleaseStatus before = status("standard", "Testing=Started");
    FlagReleaseStatus after = status("standard", "Testing=ReadyToStart");

    assertThat(ReleaseHistory.next(before, after, Set.of(), Map.of(), NOW))
        .extracting(ReleaseChange::toString)
        .containsExactly("2026-03-01T12:00:00Z Testing: Started -> ReadyToStart by Unknown");
  }

  /** A pipeline may give two phases one name: each is compared with its own past, by id. */
  @Test
  void twoPhasesOfOneNameAreEachComparedWithTheirOwnPast() {
    FlagReleaseStatus before = status("regions", "Rollout#p1=Started", "Rollout#p2=NotStarted");
    FlagReleaseStatus after = status("regions", "Rollout#p1=Complete", "Rollout#p2=ReadyToStart");

    assertThat(ReleaseHistory.next(before, after, Set.of(), Map.of(), NOW))
        .extracting(ReleaseChange::toString)
        .containsExactly(
            "2026-03-01T12:00:00Z Rollout: Started -> Complete by Unknown",
            "2026-03-01T12:00:00Z Rollout: NotStarted -> ReadyToStart by LaunchDarkly");
  }

  /**
   * A status on a pipeline with phases "Name=Status" or "Name#id=Status", "~" marking a monitored
   * phase.
   */
  private static FlagReleaseStatus status(String pipeline, String... phases) {
    FlagReleaseStatus status = new FlagReleaseStatus();
    ObservedRelease release = new ObservedRelease();
    release.setPipelineKey(pipeline);
    status.setRelease(release);
    List<PhaseStatus> list = new ArrayList<>();
    for (String phase : phases) {
      String[] parts = phase.split("=");
      PhaseStatus phaseStatus = new PhaseStatus();
      String[] nameAndId = parts[0].split("#");
      phaseStatus.setName(nameAndId[0]);
      phaseStatus.setId(nameAndId.length > 1 ? nameAndId[1] : null);
      phaseStatus.setStatus(parts[1].replace("~", ""));
      if (parts[1].endsWith("~")) {
        phaseStatus.setMonitoringEndsAt("2026-03-01T11:59:00Z");
      }
      list.add(phaseStatus);
    }
    status.setPhases(list);
    return status;
  }
}
