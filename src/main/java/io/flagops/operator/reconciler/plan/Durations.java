package io.flagops.operator.reconciler.plan;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Go-style durations such as {@code 30m}, {@code 1h30m} or {@code 90s}. */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("([0-9]+(ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /** The same notation back, for messages: 1h30m, 45m, 90s, 250ms. */
  public static String describe(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    StringBuilder text = new StringBuilder();
    if (seconds >= 3600) {
      text.append(seconds / 3600).append('h');
    }
    if (seconds % 3600 >= 60) {
      text.append(seconds % 3600 / 60).append('m');
    }
    if (seconds % 60 != 0 || text.length() == 0) {
      text.append(seconds % 60).append('s');
    }
    return text.toString();
  }

  /** What {@link #toMillis} answers for a duration too long to count in milliseconds. */
  public static final long TOO_LONG = -2;

  /**
   * Milliseconds in {@code text}, -1 when it is not a duration, or {@link #TOO_LONG} when it does
   * not fit in a long (the schema's pattern admits any number of digits).
   */
  public static long toMillis(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      return -1;
    }
    long total = 0;
    Matcher part = PART.matcher(text);
    try {
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        long unit =
            switch (part.group(2)) {
              case "h" -> 3_600_000L;
              case "m" -> 60_000L;
              case "s" -> 1_000L;
              default -> 1L;
            };
        total = Math.addExact(total, Math.multiplyExact(amount, unit));
      }
    } catch (NumberFormatException | ArithmeticException e) {
      return TOO_LONG;
    }
    return total;
  }
}
