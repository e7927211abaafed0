package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A new FlagRelease is read from LaunchDarkly in the pass that adds its finalizer: with many new
 * resources at a start, the first read does not wait until every one of them has its finalizer.
 */
class FirstReadIT extends EmbeddedOperatorCase {
  private static final String FINALIZER = "flagreleases.flagops.io/finalizer";

  @Test
  void theFirstReadDoesNotWaitForEveryResourcesFinalizer() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    List<String> names =
        IntStream.rangeClosed(1, 20).mapToObj(i -> String.format("c-%02d", i)).toList();
    names.forEach(name -> harness.createTwoStep(name, DesiredPhaseStatus.Started));
    AtomicLong finalizedAtFirstRead = new AtomicLong(-1);
    harness
        .simulator
        .faults()
        .changeBeforeNext(CallLog.GET_RELEASE, () -> finalizedAtFirstRead.set(finalized()));

    // one worker: the passes run one after another, in the order the resources were queued
    EmbeddedSettings settings =
        EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN)
            .withReconcileThreads(1)
            .withPolls(
                Duration.ofMinutes(5), Duration.ofMillis(300)); // no settled poll in the test
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);
    harness.awaitReady(names, Duration.ofSeconds(60));

    assertThat(finalizedAtFirstRead.get())
        .as("resources holding the finalizer when LaunchDarkly was first read")
        .isEqualTo(1);
    assertThat(finalized()).isEqualTo(names.size());
    assertThat(harness.simulator.calls().count(CallLog.GET_RELEASE))
        .as("one read per resource")
        .isEqualTo(names.size());
  }

  private long finalized() {
    return harness
        .client
        .resources(FlagRelease.class)
        .inNamespace(Harness.NAMESPACE)
        .list()
        .getItems()
        .stream()
        .filter(r -> r.hasFinalizer(FINALIZER))
        .count();
  }
}
