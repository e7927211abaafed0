package io.flagops.plugin;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ReleaseChange;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The release's recent changes as the operator recorded them in status.history. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Show the last changes to a FlagRelease's release (status.history): when, which phase,"
          + " from what to what, and who made the change.",
      "BY is Operator (a write of this operator), LaunchDarkly (its own steps: a phase made"
          + " ready to start, a guarded rollout completing its phase) or Unknown (a person in"
          + " LaunchDarkly, another tool)."
    })
final class HistoryCommand implements Callable<Integer> {
  @Parameters(paramLabel = "NAME", description = "The FlagRelease.")
  String name;

  @Mixin ClusterOptions clusterOptions;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster cluster = clusterOptions.connect()) {
      FlagRelease resource = cluster.get(cluster.namespace(), name);
      List<ReleaseChange> history =
          resource.getStatus() == null ? List.of() : resource.getStatus().getHistory();
      if (history.isEmpty()) {
        out.println("No changes recorded yet for flagrelease \"" + name + "\".");
        return ExitCodes.OK;
      }
      Table table = new Table("TIME", "PHASE", "FROM", "TO", "BY");
      history.forEach(
          change ->
              table.row(
                  change.getAt(),
                  change.getPhase() == null ? "(release)" : change.getPhase(),
                  change.getFrom(),
                  change.getTo(),
                  change.getBy() == null ? null : change.getBy().name()));
      out.print(table.render(""));
      out.flush();
      return ExitCodes.OK;
    }
  }
}
