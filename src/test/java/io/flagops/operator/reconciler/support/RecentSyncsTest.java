package io.flagops.operator.reconciler.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentSyncsTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RecentSyncs syncs = new RecentSyncs(now::get);

  @Test
  void aWakeUpInTheFirstHalfOfThePollIntervalKeepsThePlannedPoll() {
    FlagRelease release = release("a", 3);
    syncs.inSync(release, "secret/t@1", Duration.ofMinutes(5));
    advance(Duration.ofSeconds(149));

    assertThat(syncs.untilPlannedPoll(release, "secret/t@1"))
        .contains(Duration.ofMinutes(5).minusSeconds(149));
  }

  @Test
  void aWakeUpInTheSecondHalfReadsLaunchDarkly() {
    FlagRelease release = release("a", 3);
    syncs.inSync(release, "secret/t@1", Duration.ofMinutes(5));
    advance(Duration.ofSeconds(150));

    assertThat(syncs.untilPlannedPoll(release, "secret/t@1")).isEmpty();
  }

  @Test
  void aNewGenerationOrTokenIsReadAtOnce() {
    syncs.inSync(release("a", 3), "secret/t@1", Duration.ofMinutes(5));

    assertThat(syncs.untilPlannedPoll(release("a", 4), "secret/t@1")).isEmpty();
    assertThat(syncs.untilPlannedPoll(release("a", 3), "secret/t@2")).isEmpty();
    assertThat(syncs.untilPlannedPoll(release("b", 3), "secret/t@1")).isEmpty();
  }

  @Test
  void aForgottenResourceIsReadAtOnce() {
    FlagRelease release = release("a", 3);
    syncs.inSync(release, "secret/t@1", Duration.ofMinutes(5));
    syncs.forget(release);

    assertThat(syncs.untilPlannedPoll(release, "secret/t@1")).isEmpty();
  }

  @Test
  void thePlannedPollReads() {
    FlagRelease release = release("a", 3);
    syncs.inSync(release, "default@1", Duration.ofSeconds(10));
    advance(Duration.ofSeconds(10));

    assertThat(syncs.untilPlannedPoll(release, "default@1")).isEmpty();
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  private static FlagRelease release(String uid, long generation) {
    FlagRelease release = new FlagRelease();
    release.setMetadata(
        new ObjectMetaBuilder()
            .withName("r-" + uid)
            .withUid(uid)
            .withGeneration(generation)
            .build());
    return release;
  }
}
