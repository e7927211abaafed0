package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.reconciler.support.FlagReleaseWatches;
import io.flagops.operator.simulator.CallLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A FlagRelease woken again soon after it was found in sync (as a Secret written with the same
 * token does) is not read again; its planned poll still reads.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
@TestProfile(DuplicateWakeUpIT.SlowerPolls.class)
class DuplicateWakeUpIT extends OperatorTestBase {

  /** A poll interval long enough to wake the resource well inside its first half. */
  public static class SlowerPolls implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("flagrelease.polling.settled", "6s");
    }
  }

  @Inject FlagReleaseWatches watches;
  @Inject MeterRegistry registry;

  @Test
  void aWakeUpSoonAfterASyncCostsNoCallAndThePlannedPollStillReads() {
    create("woken", spec("flag-36", "fast-track", phase("Canary", Started)));
    awaitReady("woken");
    long reads = countFor("flag-36", CallLog.GET_RELEASE);

    // the passes the Ready status write woke are over: no pass is counted but the wake-up's
    AtomicLong counted = new AtomicLong(-1);
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> counted.getAndSet(passes()) == passes());
    long passes = passes();
    watches.wakeUp(List.of(get("woken")));
    // the wake-up's pass ran (every pass is timed), well before the planned poll is due
    await().atMost(Duration.ofSeconds(3)).until(() -> passes() > passes);
    assertThat(countFor("flag-36", CallLog.GET_RELEASE)).isEqualTo(reads);

    await().atMost(TIMEOUT).until(() -> countFor("flag-36", CallLog.GET_RELEASE) == reads + 1);
    assertThat(writesFor("flag-36")).hasSize(2); // the create and the phase start, once each
  }

  private long passes() {
    return registry.find("flagrelease.reconcile.duration").timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }
}
