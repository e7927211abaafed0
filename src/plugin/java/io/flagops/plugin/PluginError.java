package io.flagops.plugin;

/** A failure the user can act on: one line on stderr and an exit code, never a stack trace. */
class PluginError extends RuntimeException {
  private final int exitCode;

  PluginError(String message) {
    this(message, ExitCodes.ERROR);
  }

  PluginError(String message, int exitCode) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
