package io.flagops.operator.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operator with the sandbox around it: applies {@code examples/}, shows every FlagRelease
 * converging in the terminal, and stops everything on Ctrl-C.
 */
public class SandboxApp implements QuarkusApplication {
  private static final Duration REFRESH = Duration.ofMillis(500);

  /** Handed over by {@link Main}, which starts the sandbox before Quarkus reads its config. */
  static Sandbox sandbox;

  static Path examples;

  /** The port the operator's HTTP endpoints are on (the launcher may have picked another). */
  static int httpPort;

  @Inject KubernetesClient kubernetes;

  private final PrintStream out = System.out;
  private final boolean terminal = System.console() != null;

  @Override
  public int run(String... args) throws Exception {
    printBanner();
    int applied = applyExamples();
    Thread screen = new Thread(() -> show(applied), "sandbox-dashboard");
    screen.setDaemon(true);
    screen.start();
    Quarkus.waitForExit();
    screen.interrupt();
    out.println();
    out.println("Stopping the operator and the sandbox.");
    return 0;
  }

  private void printBanner() {
    out.println("FlagRelease operator sandbox: an in-process Kubernetes API and LaunchDarkly.");
    out.println();
    out.println("  kubectl:     export KUBECONFIG=" + sandbox.kubeconfig().toAbsolutePath());
    out.println("               kubectl get fr -w     kubectl describe fr smart-search");
    out.println("  LaunchDarkly: curl " + sandbox.launchDarkly().baseUrl() + "/_sim/state");
    out.println("  metrics:     curl http://localhost:" + httpPort + "/q/metrics");
    out.println("  logs:        .sandbox/operator.log        stop: Ctrl-C");
    out.println();
  }

  /**
   * Applies every manifest under examples/ in the default namespace; returns the count of
   * FlagReleases.
   */
  private int applyExamples() throws IOException {
    if (examples == null || !Files.isDirectory(examples)) {
      out.println("No examples/ directory here: nothing applied. Apply your own with kubectl.");
      return 0;
    }
    int releases = 0;
    try (Stream<Path> files = Files.list(examples)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata item : kubernetes.load(in).items()) {
            kubernetes.resource(item).inNamespace("default").create();
            releases += item instanceof FlagRelease || "FlagRelease".equals(item.getKind()) ? 1 : 0;
          }
        }
      }
    }
    out.println("Applied " + releases + " FlagReleases from " + examples + "/");
    out.println(Dashboard.LEGEND);
    out.println();
    return releases;
  }

  private void show(int expected) {
    List<String> previous = List.of();
    boolean reported = false;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        List<FlagRelease> releases =
            kubernetes.resources(FlagRelease.class).inAnyNamespace().list().getItems();
        List<String> lines = Dashboard.lines(releases, width());
        if (!lines.equals(previous)) {
          draw(previous, lines);
          previous = lines;
        }
        if (!reported
            && expected > 0
            && releases.size() >= expected
            && releases.stream().allMatch(Dashboard::settled)) {
          reported = true;
          String message =
              String.format(
                  "All %d examples settled (Ready or Suspended) %.1f s after the sandbox started.",
                  releases.size(), secondsSinceStart());
          out.println(message);
          previous = List.of(); // draw the table below the message from now on
        }
        Thread.sleep(REFRESH.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      out.println("dashboard stopped: " + e.getMessage());
    }
  }

  /** Redraws in place on a terminal; elsewhere prints the lines that changed. */
  private void draw(List<String> previous, List<String> lines) {
    if (terminal) {
      if (!previous.isEmpty()) {
        out.print("\033[" + previous.size() + "F\033[J");
      }
      lines.forEach(out::println);
    } else {
      lines.stream().filter(line -> !previous.contains(line)).forEach(out::println);
    }
    out.flush();
  }

  private static int width() {
    String columns = System.getenv("COLUMNS");
    try {
      return columns == null ? 160 : Integer.parseInt(columns);
    } catch (NumberFormatException e) {
      return 160;
    }
  }

  static double secondsSinceStart() {
    return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
        / 1000.0;
  }
}
