package io.flagops.operator.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Keeps every log line the process writes while installed, to check what leaked into logs. */
public final class LogCapture extends Handler {
  private final List<String> lines = new ArrayList<>();

  public static LogCapture install() {
    LogCapture capture = new LogCapture();
    capture.setLevel(java.util.logging.Level.ALL);
    Logger.getLogger("").addHandler(capture);
    return capture;
  }

  public void uninstall() {
    Logger.getLogger("").removeHandler(this);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
    if (record.getParameters() != null) {
      for (Object parameter : record.getParameters()) {
        line.append(' ').append(parameter);
      }
    }
    for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
      line.append(' ').append(t);
    }
    lines.add(line.toString());
  }

  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
