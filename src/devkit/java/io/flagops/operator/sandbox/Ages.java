package io.flagops.operator.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Ages as the API server prints them in tables ("45s", "3m20s", "2d"), and timestamp parsing. */
final class Ages {
  private Ages() {}

  /** The age of a timestamp at {@code now}, {@code <invalid>} when it cannot be read. */
  static String since(String timestamp, Instant now) {
    Instant then = parse(timestamp);
    if (then == null) {
      return "<invalid>";
    }
    return human(Duration.between(then, now));
  }

  /**
   * Two or three significant figures, the rules of the API server's {@code duration.HumanDuration}.
   */
  static String human(Duration d) {
    long seconds = d.toMillis() / 1000; // truncated toward zero, as Go's int(d.Seconds())
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = seconds / 3600;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long days = (hours / 24) % 365;
      return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
    }
    return hours / 24 / 365 + "y";
  }

  /** An RFC 3339 timestamp, null when it is not one. */
  static Instant parse(String timestamp) {
    try {
      return timestamp == null ? null : OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** RFC 3339 in UTC with whole seconds, the API server's format of metav1.Time. */
  static String format(Instant instant) {
    return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
