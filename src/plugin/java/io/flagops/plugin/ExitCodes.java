package io.flagops.plugin;

/** What the plugin's exit codes mean, for CI jobs that branch on them. */
final class ExitCodes {
  /** status: Ready for the current generation; plan: no change; history: shown. */
  static final int OK = 0;

  /** status: Stalled or Failed; plan and history: an error. */
  static final int ERROR = 1;

  /** status: timed out or bad usage; plan: LaunchDarkly would change. */
  static final int TIMEOUT_OR_CHANGES = 2;

  /** status without --watch: not Ready yet, nothing wrong either. */
  static final int IN_PROGRESS = 3;

  private ExitCodes() {}
}
