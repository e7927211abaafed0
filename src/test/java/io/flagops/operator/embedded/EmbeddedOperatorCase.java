package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

/** A test that runs one embedded operator against its own simulator and mock API. */
abstract class EmbeddedOperatorCase {
  protected Harness harness;
  protected EmbeddedOperator operator;

  /** The chaos seed's simulator and mock API, and one operator with the fast settings. */
  protected void startOnChaosSeed() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    operator =
        EmbeddedOperator.start(
            harness.newClient(),
            EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN),
            null);
  }

  /** Deletes the chaos seed's FlagRelease of {@code flag}: the release a person made stays. */
  protected void deleteAndExpectThePersonsReleaseLeft(String flag) {
    harness.client.resource(harness.get(flag)).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> harness.get(flag) == null);
    assertThat(harness.simulator.release("chaos", flag))
        .as("deletionPolicy Delete leaves a release the operator did not create")
        .isPresent();
  }

  @AfterEach
  void stopOperatorThenServers() {
    if (operator != null) {
      operator.close();
    }
    if (harness != null) {
      harness.close();
    }
  }
}
