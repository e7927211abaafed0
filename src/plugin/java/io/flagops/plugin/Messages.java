package io.flagops.plugin;

/** Exceptions as one line a person can read. */
final class Messages {
  private Messages() {}

  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += " (" + root.getMessage() + ")";
    }
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
