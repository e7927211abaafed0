package io.flagops.plugin;

import io.flagops.operator.config.OperatorVersion;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl flagrelease}: a FlagRelease's status (and a CI wait on it), what the operator
 * would do to LaunchDarkly (plan), and what happened to the release (history).
 */
@Command(
    name = "kubectl flagrelease",
    mixinStandardHelpOptions = true,
    versionProvider = KubectlFlagRelease.Version.class,
    subcommands = {StatusCommand.class, PlanCommand.class, HistoryCommand.class, WarmUp.class},
    description = "See and steer LaunchDarkly releases managed by FlagReleases.")
public final class KubectlFlagRelease implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    PrintWriter err = new PrintWriter(System.err, true);
    int exit;
    try {
      exit = run(new PrintWriter(System.out, true), err, args);
    } catch (Throwable e) { // a bug, or a broken install: still one line
      err.println("error: kubectl flagrelease failed: " + Messages.oneLine(e));
      exit = ExitCodes.ERROR;
    }
    System.exit(exit);
  }

  /** Runs one command; errors are one line on {@code err}, the exit code says how it ended. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new KubectlFlagRelease());
    cli.setOut(out).setErr(err);
    cli.setExecutionExceptionHandler(
        (e, command, parsed) -> {
          if (e instanceof PluginError error) {
            err.println("error: " + error.getMessage());
            return error.exitCode();
          }
          err.println("error: " + Messages.oneLine(e));
          return ExitCodes.ERROR;
        });
    cli.setParameterExceptionHandler(
        (e, ignored) -> {
          CommandLine command = e.getCommandLine();
          err.println("error: " + usageError(e));
          err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
          // status's CI contract gives bad usage 2; plan's (terraform's) makes any error 1
          return command.getCommand() instanceof PlanCommand
              ? ExitCodes.ERROR
              : ExitCodes.TIMEOUT_OR_CHANGES;
        });
    return cli.execute(args);
  }

  /**
   * Picocli's message, except for arguments it does not know: those are named without their value
   * ({@code --token=...}, a token pasted where it does not belong), as CI logs keep stderr.
   */
  private static String usageError(CommandLine.ParameterException e) {
    if (!(e instanceof CommandLine.UnmatchedArgumentException unmatched)) {
      return e.getMessage().replaceFirst("^Error: ", "");
    }
    List<String> named = new ArrayList<>();
    for (String argument : unmatched.getUnmatched()) {
      named.add(
          argument.startsWith("-")
              ? "'" + argument.replaceFirst("=.*", "=...") + "'"
              : "an argument (not shown)");
    }
    return "unknown option or argument: " + String.join(", ", named);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is needed: status, plan or history");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"kubectl-flagrelease " + OperatorVersion.version()};
    }
  }
}
