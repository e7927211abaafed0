package io.flagops.operator.sandbox;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl binary against a kubeconfig. */
public final class Kubectl {
  /** The columns of `kubectl get fr`, as the CRD's printer columns make them. */
  static final List<String> GET_FR_COLUMNS =
      List.of(
          "NAME",
          "PROJECT",
          "FLAG",
          "PIPELINE",
          "CURRENT-PHASE",
          "STATE",
          "READY",
          "REASON",
          "AGE");

  /** Tests that need kubectl fail without it: CI (.ci/run) installs it, a developer should too. */
  public static final String MISSING =
      "kubectl is not on the PATH: these tests drive the real kubectl (>= 1.27); .ci/run installs"
          + " it, install it the same way to run them here";

  private final Path kubeconfig;

  public Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  /** Fails the calling test, saying what to do, where kubectl is not installed. */
  public static void requireInstalled() {
    boolean found;
    try {
      found = new ProcessBuilder("kubectl", "version", "--client").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      found = false;
    }
    if (!found) {
      fail(MISSING);
    }
  }

  public record Result(int exitCode, String output) {}

  public Result run(String... args) {
    return run(Map.of(), args);
  }

  public Result run(Map<String, String> environment, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "kubectl",
                "--kubeconfig",
                kubeconfig.toString(),
                // its own discovery cache: not the user's, nor one another test JVM writes
                "--cache-dir",
                kubeconfig.resolveSibling("kubectl-cache").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    try {
      Process process = builder.start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
