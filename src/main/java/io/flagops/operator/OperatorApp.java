package io.flagops.operator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/** Runs until the process is asked to stop; {@link OperatorLifecycle} starts the operator. */
public class OperatorApp implements QuarkusApplication {
  @Override
  public int run(String... args) {
    Quarkus.waitForExit();
    return 0;
  }
}
