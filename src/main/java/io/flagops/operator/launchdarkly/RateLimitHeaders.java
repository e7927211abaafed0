package io.flagops.operator.launchdarkly;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalLong;

/** LaunchDarkly's rate-limit headers, read once for the client, the budget and the metrics. */
final class RateLimitHeaders {
  static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
  static final Duration MAX_WAIT = Duration.ofMinutes(5);
  // a 429 asking no wait (Retry-After: 0, a reset the pod's clock already passed) is no licence
  // to call again at once: LaunchDarkly asks clients to back off
  static final Duration MIN_WAIT = Duration.ofSeconds(1);

  private RateLimitHeaders() {}

  /**
   * What is left of the current window (the smaller of the global and route budgets) and when it
   * resets, when the answer says.
   */
  record Window(long remaining, Duration untilReset) {}

  static Optional<Window> window(HttpHeaders headers, Clock clock) {
    OptionalLong global = number(headers, "X-Ratelimit-Global-Remaining");
    OptionalLong route = number(headers, "X-Ratelimit-Route-Remaining");
    OptionalLong reset = number(headers, "X-Ratelimit-Reset");
    if ((global.isEmpty() && route.isEmpty()) || reset.isEmpty()) {
      return Optional.empty();
    }
    long remaining = Math.min(global.orElse(Long.MAX_VALUE), route.orElse(Long.MAX_VALUE));
    return Optional.of(new Window(remaining, clamp(reset.getAsLong() - clock.millis())));
  }

  /**
   * How long a 429 asks to wait: Retry-After (seconds or an HTTP date), else X-Ratelimit-Reset
   * (epoch ms); never less than {@link #MIN_WAIT}.
   */
  static Duration retryAfter(HttpHeaders headers, Clock clock) {
    Duration asked = asked(headers, clock);
    return asked.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : asked;
  }

  private static Duration asked(HttpHeaders headers, Clock clock) {
    OptionalLong seconds = number(headers, "Retry-After");
    if (seconds.isPresent()) {
      return clamp(seconds.getAsLong() * 1000);
    }
    Optional<Instant> date = httpDate(headers, "Retry-After");
    if (date.isPresent()) {
      return clamp(date.get().toEpochMilli() - clock.millis());
    }
    OptionalLong reset = number(headers, "X-Ratelimit-Reset");
    return reset.isPresent() ? clamp(reset.getAsLong() - clock.millis()) : DEFAULT_WAIT;
  }

  private static Duration clamp(long millis) {
    return Duration.ofMillis(Math.max(0, Math.min(millis, MAX_WAIT.toMillis())));
  }

  /** An HTTP date (RFC 1123, as HTTP/1.1 requires senders to use). */
  private static Optional<Instant> httpDate(HttpHeaders headers, String name) {
    try {
      return headers
          .firstValue(name)
          .map(v -> Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(v.trim())));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static OptionalLong number(HttpHeaders headers, String name) {
    Optional<String> value = headers.firstValue(name);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.get().trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
