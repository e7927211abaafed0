package io.flagops.operator;

import io.flagops.operator.config.BaseUrl;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The operator's numbers, durations and switches that it cannot work with, refused before start
 * with the variable's name: a zero interval would poll or retry in a loop, a jitter of 20 (meant as
 * 20 %) would push polls hours apart, a budget of 0 would fail every reconcile, a leader election
 * "enabled: ture" would be read as false and let two replicas write. Values are never repeated in
 * the message (a token pasted into the wrong variable must not reach a log). Only what the
 * environment or a system property sets is checked: the defaults are valid.
 */
final class SettingRanges {
  private record Range(String property, String kind, Predicate<String> valid) {
    String environment() {
      return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }
  }

  private static final String DURATION = "a duration above zero, such as 30s or 5m";

  private static final List<Range> RANGES =
      List.of(
          duration("launchdarkly.connect-timeout"),
          duration("launchdarkly.read-timeout"),
          duration("flagrelease.polling.settled"),
          duration("flagrelease.polling.progressing"),
          duration("flagrelease.polling.unauthorized"),
          new Range(
              "flagrelease.polling.jitter",
              "a fraction from 0 to 1 (0.2 spreads each interval by 20 %)",
              text -> number(text, 0, 1)),
          duration("flagrelease.retry.initial-interval"),
          duration("flagrelease.retry.max-interval"),
          duration("flagrelease.retry.stalled-after"),
          new Range(
              "flagrelease.retry.multiplier",
              "a number of at least 1 (each backoff that many times the last)",
              text -> number(text, 1, Double.MAX_VALUE)),
          new Range(
              "flagrelease.budget.requests-per-second",
              "a number above zero",
              text -> number(text, Double.MIN_VALUE, Double.MAX_VALUE)),
          whole("flagrelease.budget.burst", "a whole number of at least 1", 1, Integer.MAX_VALUE),
          whole("flagrelease.circuit-breaker.failure-rate", "a percentage from 1 to 100", 1, 100),
          whole(
              "flagrelease.circuit-breaker.window-size",
              "a whole number of at least 1",
              1,
              Integer.MAX_VALUE),
          duration("flagrelease.circuit-breaker.open-for"),
          // the config library reads a word it does not know as false, and logs it (a pasted
          // token too)
          truth("flagrelease.require-default-token"),
          truth("flagrelease.claims.name-other-namespaces"),
          truth("flagrelease.leader-election.enabled"));

  private SettingRanges() {}

  /** The first setting out of its range, said with its variable, or null. */
  static String problem() {
    String baseUrl = Settings.value("launchdarkly.base-url", "LAUNCHDARKLY_BASE_URL");
    if (baseUrl != null) {
      String problem = BaseUrl.problem(baseUrl, "LAUNCHDARKLY_BASE_URL");
      if (problem != null) {
        return problem + ".";
      }
    }
    for (Range range : RANGES) {
      String value = Settings.value(range.property(), range.environment());
      // trim(), not strip(): the config library trims only up to the space, and reads "true"
      // followed by an em space as a word it does not know
      if (value != null && !range.valid().test(value.trim())) {
        return range.environment() + " must be " + range.kind() + ".";
      }
    }
    return null;
  }

  private static Range duration(String property) {
    return new Range(
        property,
        DURATION,
        text -> {
          try {
            Duration duration = DurationConverter.parseDuration(text);
            return duration != null && duration.toMillis() > 0;
          } catch (RuntimeException e) {
            return false;
          }
        });
  }

  /** The words the config library reads as true and as false (any case); it logs any other. */
  private static final Set<String> TRUE_WORDS =
      Set.of("true", "1", "yes", "y", "on", "ja", "j", "si", "sim", "oui");

  private static final Set<String> FALSE_WORDS =
      Set.of("false", "0", "no", "n", "off", "nein", "não", "non");

  private static Range truth(String property) {
    return new Range(
        property,
        "true or false",
        text -> {
          String word = text.toLowerCase(Locale.ROOT);
          return TRUE_WORDS.contains(word) || FALSE_WORDS.contains(word);
        });
  }

  /** Whether a switch's value means true, as the config library reads it. */
  static boolean isTrue(String value) {
    return TRUE_WORDS.contains(value.trim().toLowerCase(Locale.ROOT));
  }

  private static Range whole(String property, String kind, int min, int max) {
    return new Range(
        property,
        kind,
        text -> {
          try {
            int value = Integer.parseInt(text);
            return value >= min && value <= max;
          } catch (NumberFormatException e) {
            return false;
          }
        });
  }

  private static boolean number(String text, double min, double max) {
    try {
      double value = Double.parseDouble(text);
      return Double.isFinite(value) && value >= min && value <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
