package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A pipeline move is crash-safe: an operator that stops between the DELETE of the old release and
 * the create on the new pipeline leaves nothing behind that its successor cannot finish, and the
 * successor creates on the new pipeline exactly once.
 */
class MoveCrashSafetyIT extends EmbeddedOperatorCase {
  private static final String FLAG = "c-20";

  @Test
  void anOperatorStoppedBetweenTheDeleteAndTheCreateIsFinishedByTheNextOne() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    operator = start();
    harness.createTwoStep(FLAG, DesiredPhaseStatus.Started);
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(30));

    // every create fails from now on: the operator deletes, then cannot create
    for (int i = 0; i < 100; i++) {
      harness.simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 503);
    }
    FlagReleaseSpec moved = harness.get(FLAG).getSpec();
    moved.setReleasePipelineKey("three-step");
    moved.setPhases(List.of(new PhaseSpec("Alpha", DesiredPhaseStatus.Started)));
    harness.editSpec(FLAG, moved);
    await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(CallLog.DELETE_RELEASE) == 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> calls(CallLog.CREATE_RELEASE, 503) >= 1);
    operator.close();
    assertThat(harness.simulator.release("chaos", FLAG)).as("the old release is gone").isEmpty();

    harness.simulator.faults().clear();
    operator = start();
    harness.awaitReady(List.of(FLAG), Duration.ofSeconds(30));

    assertThat(succeeded(CallLog.CREATE_RELEASE))
        .as("successful creates of the flag's release: the first one, then the move's")
        .isEqualTo(2);
    assertThat(
            harness
                .simulator
                .release("chaos", FLAG)
                .orElseThrow()
                .path("releasePipelineKey")
                .asText())
        .isEqualTo("three-step");
  }

  private EmbeddedOperator start() {
    return EmbeddedOperator.start(
        harness.newClient(),
        EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN),
        null);
  }

  private long calls(String route, int status) {
    return callsOfTheFlag(route).filter(c -> c.status() == status).count();
  }

  private long succeeded(String route) {
    return callsOfTheFlag(route).filter(c -> c.status() / 100 == 2).count();
  }

  private Stream<CallLog.Call> callsOfTheFlag(String route) {
    return harness.simulator.calls().entries().stream()
        .filter(c -> c.route().equals(route))
        .filter(c -> c.path().contains("/" + FLAG + "/") || c.path().endsWith("/" + FLAG));
  }
}
