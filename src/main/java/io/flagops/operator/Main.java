package io.flagops.operator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the operator against the cluster of the current kubeconfig, or the one it runs in. (The
 * sandbox of {@code make run} is a cluster like any other to it: the dev kit starts this jar.)
 */
@QuarkusMain
public final class Main {
  private Main() {}

  public static void main(String... args) {
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
