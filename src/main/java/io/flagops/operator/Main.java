package io.flagops.operator;

import io.flagops.operator.sandbox.SandboxLauncher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the operator: against the cluster of the current kubeconfig (or in-cluster), or, with
 * {@code -Dflagops.sandbox=true} ({@code make run}), inside an embedded sandbox.
 */
@QuarkusMain
public final class Main {
  private Main() {}

  public static void main(String... args) {
    if (Boolean.parseBoolean(System.getProperty("flagops.sandbox", "false"))) {
      SandboxLauncher.run(args);
      return;
    }
    String problem;
    try {
      problem = Preflight.problem();
    } catch (RuntimeException e) {
      // a check that failed in a way nobody foresaw is still one line, not a stack trace
      problem = "the checks before start failed: " + CannotStart.cause(e);
    }
    if (problem != null) {
      CannotStart.exit(problem);
    }
    Quarkus.run(OperatorApp.class, args);
  }
}
