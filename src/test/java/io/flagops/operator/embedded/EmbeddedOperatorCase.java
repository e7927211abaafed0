package io.flagops.operator.embedded;

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
