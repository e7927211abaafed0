package io.flagops.operator;

import java.net.UnknownHostException;

/**
 * How the operator refuses to start: one line on stderr that says what to fix, exit code 2, no
 * stack trace.
 */
public final class CannotStart {
  public static final String PREFIX = "flagrelease-operator cannot start: ";
  public static final int EXIT_CODE = 2;

  private CannotStart() {}

  /** Prints the problem as one line and ends the process. */
  public static void exit(String problem) {
    System.err.println(PREFIX + oneLine(problem));
    System.err.flush();
    System.exit(EXIT_CODE);
  }

  /**
   * What went wrong, for people: the first line of the deepest cause's message (libraries put
   * stack-like detail on the following lines).
   */
  public static String cause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    String first = message.strip().lines().findFirst().orElse("").strip();
    // its message is only the name
    return cause instanceof UnknownHostException ? "unknown host " + first : first;
  }

  static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
