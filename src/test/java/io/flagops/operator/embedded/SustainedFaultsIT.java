package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Ten FlagReleases against a LaunchDarkly that keeps failing: a quarter of the answers are server
 * errors, a tenth of the connections drop, and 15% of the writes are applied but their answer is
 * lost. Every resource still converges within three minutes, each release created exactly once.
 */
class SustainedFaultsIT extends EmbeddedOperatorCase {
  private static final int RESOURCES = 10;

  @Test
  void tenResourcesConvergeWithinThreeMinutes() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    harness.simulator.faults().serverErrorRate(0.25).dropConnectionRate(0.10).lostAnswerRate(0.15);
    operator =
        EmbeddedOperator.start(
            harness.newClient(),
            // the retry and breaker timings of a real deployment: seconds, not milliseconds
            EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN)
                .withPolls(Duration.ofSeconds(30), Duration.ofSeconds(1))
                .withProductionFaultHandling()
                // backoff capped at 10 s, not 5 min: a resource's run of failures at these rates
                // (one in three calls) otherwise waits minutes, past the test's bound, by chance
                .with("flagrelease.retry.max-interval", "10s"),
            null);
    List<String> names =
        IntStream.rangeClosed(1, RESOURCES)
            .mapToObj(i -> String.format("c-%02d", i))
            .collect(Collectors.toList());
    names.forEach(name -> harness.create(name, spec(name)));

    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(notReady(names)).isEmpty());

    for (String name : names) {
      JsonNode release = harness.simulator.release("chaos", name).orElseThrow();
      assertThat(release.path("phases").get(0).path("complete").asBoolean()).as(name).isTrue();
      assertThat(release.path("phases").get(1).path("status").asText())
          .as(name)
          .isEqualTo("Started");
      long creates =
          harness.simulator.calls().entries().stream()
              .filter(c -> c.path().contains("/" + name + "/"))
              .filter(c -> c.route().equals(CallLog.CREATE_RELEASE))
              .filter(c -> c.status() == 200 || c.status() == CallLog.LOST)
              .count();
      assertThat(creates).as(name + ": releases created").isEqualTo(1);
    }
  }

  /** Each resource not Ready yet, with what its status says, for a readable failure. */
  private List<String> notReady(List<String> names) {
    List<String> pending = new ArrayList<>();
    for (String name : names) {
      FlagRelease resource = harness.get(name);
      if (resource == null || !resource.isSettledIn(ReleaseState.Ready)) {
        pending.add(
            name
                + ": "
                + (resource == null || resource.getStatus() == null
                    ? "no status"
                    : resource.getStatus().getState() + " " + resource.getStatus().getMessage()));
      }
    }
    return pending;
  }

  private static FlagReleaseSpec spec(String flag) {
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("chaos");
    spec.setFlagKey(flag);
    spec.setReleasePipelineKey("two-step");
    spec.setPhases(
        List.of(
            new PhaseSpec("One", DesiredPhaseStatus.Complete),
            new PhaseSpec("Two", DesiredPhaseStatus.Started)));
    return spec;
  }
}
