package io.flagops.plugin;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.reconciler.plan.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Shows a FlagRelease's phases and readiness; with --watch, waits for Ready as a CI step. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a FlagRelease's phases, their LaunchDarkly status and its Ready condition.",
      "Exit codes: 0 Ready for the current generation, 1 Stalled or Failed (or an error),"
          + " 2 timeout or bad usage, 3 (without --watch) not Ready yet."
    })
final class StatusCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The FlagRelease.")
  String name;

  @Option(
      names = {"-w", "--watch"},
      description = "Redraw on every change until Ready (exit 0) or Stalled/Failed (exit 1).")
  boolean watch;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10m",
      description = "With --watch: give up after this long (exit 2), e.g. 90s, 5m, 1h.")
  String timeout;

  @Mixin ClusterOptions clusterOptions;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    long timeoutMillis = Durations.toMillis(timeout);
    if (timeoutMillis <= 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--timeout: '" + timeout + "' is not a duration such as 90s or 5m");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster cluster = clusterOptions.connect()) {
      String namespace = cluster.namespace();
      FlagRelease resource = cluster.get(namespace, name);
      if (!watch) {
        out.print(StatusView.render(resource));
        out.flush();
        return exitCode(Standing.of(resource), resource);
      }
      return watch(cluster, namespace, Duration.ofMillis(timeoutMillis), out);
    }
  }

  private int watch(Cluster cluster, String namespace, Duration timeout, PrintWriter out) {
    Screen screen = new Screen(out);
    AtomicReference<FlagRelease> last = new AtomicReference<>();
    try {
      cluster
          .resource(namespace, name)
          .waitUntilCondition(
              resource -> {
                last.set(resource);
                if (resource == null) {
                  return true; // deleted while watched
                }
                screen.show(StatusView.render(resource));
                return Standing.of(resource) != Standing.IN_PROGRESS;
              },
              timeout.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (KubernetesClientTimeoutException e) {
      FlagRelease seen = last.get();
      throw new PluginError(
          "timed out after "
              + Durations.describe(timeout)
              + " waiting for flagrelease \""
              + name
              + "\" to be Ready"
              + (seen == null || seen.getStatus() == null
                  ? ""
                  : " (it is "
                      + seen.getStatus().getState()
                      + ": "
                      + seen.getStatus().getMessage()
                      + ")"),
          ExitCodes.TIMEOUT_OR_CHANGES);
    } catch (KubernetesClientException e) {
      throw cluster.explain(e, "watch flagrelease " + name + " in namespace \"" + namespace + "\"");
    }
    FlagRelease resource = last.get();
    if (resource == null) {
      throw new PluginError(
          "flagrelease \"" + name + "\" was deleted from namespace \"" + namespace + "\"");
    }
    return exitCode(Standing.of(resource), resource);
  }

  private int exitCode(Standing standing, FlagRelease resource) {
    return switch (standing) {
      case READY -> ExitCodes.OK;
      case STALLED ->
          throw new PluginError(
              "flagrelease \""
                  + name
                  + "\" is "
                  + resource.getStatus().getState()
                  + ": "
                  + resource.getStatus().getMessage());
      case IN_PROGRESS -> ExitCodes.IN_PROGRESS;
    };
  }

  /** Redraws in place on a terminal; in a CI log, prints each new view once. */
  private static final class Screen {
    private final PrintWriter out;
    private final boolean terminal = System.console() != null;
    private String shown;

    Screen(PrintWriter out) {
      this.out = out;
    }

    synchronized void show(String view) {
      if (view.equals(shown)) {
        return;
      }
      if (terminal) {
        out.print("\033[H\033[2J");
      } else if (shown != null) {
        out.println();
      }
      out.print(view);
      out.flush();
      shown = view;
    }
  }
}
