package io.flagops.operator.sandbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The terminal side of the sandbox: applies {@code examples/}, shows every FlagRelease converging,
 * and returns when the operator stops (Ctrl-C stops both).
 */
final class SandboxConsole {
  private static final Duration REFRESH = Duration.ofMillis(500);

  private final Sandbox sandbox;
  private final KubernetesClient kubernetes;
  private final OperatorProcess operator;
  private final Path examples;
  private final int httpPort;
  private final PrintStream out = System.out;
  private final boolean terminal = System.console() != null;

  SandboxConsole(
      Sandbox sandbox,
      KubernetesClient kubernetes,
      OperatorProcess operator,
      Path examples,
      int httpPort) {
    this.sandbox = sandbox;
    this.kubernetes = kubernetes;
    this.operator = operator;
    this.examples = examples;
    this.httpPort = httpPort;
  }

  /**
   * Runs until the operator stops; returns its exit code.
   *
   * @throws InterruptedException when Ctrl-C interrupts the wait
   */
  int run() throws IOException, InterruptedException {
    printBanner();
    int applied = applyExamples();
    Optional<Integer> exit = show(applied);
    return exit.orElse(0);
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
   * Applies every manifest under examples/ in the default namespace, as {@code kubectl apply} would
   * (so that applying one again says "unchanged"); returns the count of FlagReleases.
   */
  private int applyExamples() throws IOException {
    if (examples == null || !Files.isDirectory(examples)) {
      out.println("No examples/ directory here: nothing applied. Apply your own with kubectl.");
      return 0;
    }
    int releases = 0;
    try (Stream<Path> files = Files.list(examples)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        List<HasMetadata> items;
        try (InputStream in = Files.newInputStream(file)) {
          items = kubernetes.load(in).items();
        }
        List<String> applied = LastApplied.of(file, Kubeconfig.NAMESPACE);
        for (int i = 0; i < items.size(); i++) {
          HasMetadata item = items.get(i);
          item.getMetadata().getAnnotations().put(LastApplied.ANNOTATION, applied.get(i));
          kubernetes.resource(item).inNamespace(Kubeconfig.NAMESPACE).create();
          releases += item instanceof FlagRelease || "FlagRelease".equals(item.getKind()) ? 1 : 0;
        }
      }
    }
    out.println("Applied " + releases + " FlagReleases from " + examples + "/");
    out.println(Dashboard.LEGEND);
    out.println();
    return releases;
  }

  /** Redraws until the operator ends; its exit code then. */
  private Optional<Integer> show(int expected) throws InterruptedException {
    List<String> previous = List.of();
    boolean reported = false;
    Optional<Integer> exit = Optional.empty();
    while (exit.isEmpty()) {
      try {
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
          out.printf(
              "All %d examples settled (Ready or Suspended) %.1f s after the sandbox started.%n",
              releases.size(), secondsSinceStart());
          previous = List.of(); // draw the table below the message from now on
        }
      } catch (RuntimeException e) {
        // the API answers again on the next refresh; the operator's log says more
        out.println("cannot read the FlagReleases: " + e.getMessage());
      }
      exit = operator.awaitExit(REFRESH.toMillis());
    }
    return exit;
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

  private static double secondsSinceStart() {
    return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
        / 1000.0;
  }
}
