package io.flagops.operator.embedded;

import org.junit.jupiter.api.AfterEach;

/** A test that runs one embedded operator against its own simulator and mock API. */
abstract class EmbeddedOperatorCase {
  protected Harness harness;
  protected EmbeddedOperator operator;

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
