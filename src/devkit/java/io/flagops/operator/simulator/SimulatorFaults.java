package io.flagops.operator.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Misbehaviour to inject into the HTTP answers: slowness, random 5xx, dropped connections, rate
 * limits and scripted answers. Thread-safe; {@link #clear()} (and the simulator's reset) removes
 * every fault.
 */
public final class SimulatorFaults {
  private static final String HTML = "text/html; charset=utf-8";

  private final Clock clock;
  private final RateLimiter limiter = new RateLimiter();
  private final Deque<Scripted> scripted = new ArrayDeque<>();
  private Random random = new Random();
  private Duration latency = Duration.ZERO;
  private double serverErrorRate;
  private double dropConnectionRate;
  private double lostAnswerRate;
  private final Map<String, Deque<Runnable>> changesBefore = new HashMap<>();
  private final Map<String, Deque<Answer>> scriptedByRoute = new HashMap<>();
  private final Map<String, Deque<Answer>> scriptedByToken = new HashMap<>();
  private final Set<String> loseNext = new HashSet<>();
  private final Map<String, Duration> spendWindowAfter = new HashMap<>();
  private long stormEnd = Long.MIN_VALUE;
  private String stormOnArrival;
  private Duration stormOnArrivalLength;
  private long stormRetryAfterSeconds;

  /** {@code remaining} answers still to give as scripted. */
  private static final class Scripted {
    int remaining;
    final Answer answer;

    Scripted(int remaining, Answer answer) {
      this.remaining = remaining;
      this.answer = answer;
    }
  }

  SimulatorFaults(Clock clock) {
    this.clock = clock;
  }

  /** Every answer waits this long first. */
  public synchronized SimulatorFaults latency(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative");
    }
    latency = delay;
    return this;
  }

  /** This share of requests answers 500, 502 or 503, with a JSON or an HTML body. */
  public synchronized SimulatorFaults serverErrorRate(double rate) {
    serverErrorRate = checkRate(rate);
    return this;
  }

  /** This share of requests gets its connection closed without any answer. */
  public synchronized SimulatorFaults dropConnectionRate(double rate) {
    dropConnectionRate = checkRate(rate);
    return this;
  }

  /**
   * This share of writes is applied and then gets its connection closed: the caller cannot tell
   * whether the write happened.
   */
  public synchronized SimulatorFaults lostAnswerRate(double rate) {
    lostAnswerRate = checkRate(rate);
    return this;
  }

  /**
   * Just before the next request on {@code route} (a {@link CallLog} route) is served, {@code
   * change} runs: LaunchDarkly changed the release between the caller's read and its write.
   */
  public synchronized SimulatorFaults changeBeforeNext(String route, Runnable change) {
    changesBefore.computeIfAbsent(route, r -> new ArrayDeque<>()).addLast(change);
    return this;
  }

  /** The next request answers 429 with {@code Retry-After} given as an HTTP date. */
  public synchronized SimulatorFaults rateLimitNextUntil(Instant retryAt) {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(retryAt.atOffset(ZoneOffset.UTC));
    return script(
        1,
        Answer.error(429, "Rate limit exceeded; retry at " + date).withHeader("Retry-After", date));
  }

  /** For {@code length} from now, every request answers 429 with this Retry-After. */
  public synchronized SimulatorFaults rateLimitStorm(Duration length, Duration retryAfter) {
    stormEnd = clock.millis() + length.toMillis();
    stormRetryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return this;
  }

  /**
   * A storm as {@link #rateLimitStorm}, timed from when the next request on {@code route} arrives
   * (before any latency), not from now: the caller's calls meet it however late they come.
   */
  public synchronized SimulatorFaults rateLimitStormFromNext(
      String route, Duration length, Duration retryAfter) {
    stormOnArrival = route;
    stormOnArrivalLength = length;
    stormRetryAfterSeconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return this;
  }

  /** A request on {@code route} arrived: a storm timed from it begins. */
  synchronized void arrived(String route) {
    if (route.equals(stormOnArrival)) {
      stormOnArrival = null;
      stormEnd = clock.millis() + stormOnArrivalLength.toMillis();
    }
  }

  /** The same limit for the global and every per-route budget. */
  public SimulatorFaults rateLimit(int requestsPerWindow, Duration window) {
    return rateLimit(requestsPerWindow, requestsPerWindow, window);
  }

  public SimulatorFaults rateLimit(int globalPerWindow, int routePerWindow, Duration window) {
    limiter.configure(globalPerWindow, routePerWindow, window);
    return this;
  }

  /** The next {@code count} requests answer {@code status} with a JSON error body. */
  public synchronized SimulatorFaults failNext(int count, int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("failNext needs an error status (4xx or 5xx)");
    }
    Answer answer = Answer.error(status, "Injected fault: the simulator answers " + status);
    if (status == 429) {
      answer = answer.withHeader("Retry-After", "1");
    }
    return script(count, answer);
  }

  /**
   * The next request made with {@code token} answers 429 with this Retry-After, without being
   * served: that token's account, not another, is over its limit.
   */
  public synchronized SimulatorFaults rateLimitNextOfToken(String token, Duration retryAfter) {
    scriptedByToken
        .computeIfAbsent(token, t -> new ArrayDeque<>())
        .addLast(rateLimited(retryAfter));
    return this;
  }

  /**
   * The answer to the next request on {@code route} (served as usual) says the rate-limit window is
   * used up until {@code untilReset} from now: the client's next calls must wait, none is refused.
   */
  public synchronized SimulatorFaults spendWindowWithNext(String route, Duration untilReset) {
    spendWindowAfter.put(route, untilReset);
    return this;
  }

  /**
   * {@code answer}, with the headers of a used-up window when the route's next answer must say so.
   */
  synchronized Answer windowSpentBy(String route, Answer answer) {
    Duration untilReset = spendWindowAfter.remove(route);
    if (untilReset == null) {
      return answer;
    }
    return answer
        .withHeader("X-Ratelimit-Global-Remaining", "0")
        .withHeader("X-Ratelimit-Route-Remaining", "0")
        .withHeader("X-Ratelimit-Reset", Long.toString(clock.millis() + untilReset.toMillis()));
  }

  /**
   * The next request on {@code route} (a {@link CallLog} route) answers 429 with this Retry-After,
   * without being served.
   */
  public synchronized SimulatorFaults rateLimitNextOn(String route, Duration retryAfter) {
    scriptedByRoute
        .computeIfAbsent(route, r -> new ArrayDeque<>())
        .addLast(rateLimited(retryAfter));
    return this;
  }

  private static Answer rateLimited(Duration retryAfter) {
    return Answer.error(429, "Injected fault: rate limit exceeded")
        .withHeader("Retry-After", Long.toString(retryAfter.toSeconds()));
  }

  /**
   * The next request on {@code route} (a {@link CallLog} route) answers {@code status} with a JSON
   * error body, without being served: a 409 on a write, say.
   */
  public synchronized SimulatorFaults failNextOn(String route, int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("failNextOn needs an error status (4xx or 5xx)");
    }
    scriptedByRoute
        .computeIfAbsent(route, r -> new ArrayDeque<>())
        .addLast(Answer.error(status, "Injected fault: the simulator answers " + status));
    return this;
  }

  /**
   * The next request on {@code route} (a {@link CallLog} route) gets exactly this answer, without
   * being served: a proxy's HTML error page, say.
   */
  public synchronized SimulatorFaults respondNextOn(
      String route, int status, String contentType, String body) {
    scriptedByRoute
        .computeIfAbsent(route, r -> new ArrayDeque<>())
        .addLast(Answer.raw(status, contentType, body));
    return this;
  }

  /** The next {@code count} requests get exactly this answer (for malformed-answer tests). */
  public synchronized SimulatorFaults respondNext(
      int count, int status, String contentType, String body) {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("respondNext needs a status within 200..599");
    }
    return script(count, Answer.raw(status, contentType, body));
  }

  /** Makes the random faults repeatable. */
  public synchronized SimulatorFaults seed(long seed) {
    random = new Random(seed);
    return this;
  }

  public synchronized void clear() {
    limiter.clear();
    scripted.clear();
    changesBefore.clear();
    scriptedByRoute.clear();
    scriptedByToken.clear();
    loseNext.clear();
    spendWindowAfter.clear();
    lostAnswerRate = 0;
    random = new Random();
    latency = Duration.ZERO;
    serverErrorRate = 0;
    dropConnectionRate = 0;
    stormEnd = Long.MIN_VALUE;
    stormOnArrival = null;
  }

  /** The change to make before serving a request on {@code route}, if one is scripted. */
  synchronized Optional<Runnable> changeBefore(String route) {
    Deque<Runnable> changes = changesBefore.get(route);
    return changes == null ? Optional.empty() : Optional.ofNullable(changes.pollFirst());
  }

  /** The next write on {@code route} is applied, then its connection closed without an answer. */
  public synchronized SimulatorFaults loseAnswerOfNext(String route) {
    loseNext.add(route);
    return this;
  }

  /** Whether the answer to a write on {@code route} that was just applied is lost. */
  synchronized boolean loseAnswer(String route) {
    return loseNext.remove(route) || (lostAnswerRate > 0 && random.nextDouble() < lostAnswerRate);
  }

  synchronized Duration latency() {
    return latency;
  }

  RateLimiter.Window spend(String route) {
    return limiter.spend(route, clock.millis());
  }

  /**
   * The fault this request on {@code route} with {@code token} meets, if any, in a fixed order:
   * drop, scripted for the token, scripted for the route, scripted, storm, 5xx.
   */
  synchronized Optional<Answer> next(String route, String token) {
    if (dropConnectionRate > 0 && random.nextDouble() < dropConnectionRate) {
      return Optional.of(Answer.dropped());
    }
    Deque<Answer> forToken = token == null ? null : scriptedByToken.get(token);
    if (forToken != null && !forToken.isEmpty()) {
      return Optional.of(forToken.removeFirst());
    }
    Deque<Answer> forRoute = scriptedByRoute.get(route);
    if (forRoute != null && !forRoute.isEmpty()) {
      return Optional.of(forRoute.removeFirst());
    }
    Scripted head = scripted.peekFirst();
    if (head != null) {
      if (--head.remaining == 0) {
        scripted.removeFirst();
      }
      return Optional.of(head.answer);
    }
    long now = clock.millis();
    if (now < stormEnd) {
      return Optional.of(
          Answer.error(429, "Rate limit storm: retry after " + stormRetryAfterSeconds + "s")
              .withHeader("Retry-After", Long.toString(stormRetryAfterSeconds))
              .withHeader("X-Ratelimit-Global-Remaining", "0")
              .withHeader("X-Ratelimit-Route-Remaining", "0")
              .withHeader("X-Ratelimit-Reset", Long.toString(stormEnd)));
    }
    if (serverErrorRate > 0 && random.nextDouble() < serverErrorRate) {
      return Optional.of(serverError());
    }
    return Optional.empty();
  }

  private Answer serverError() {
    int[] statuses = {500, 502, 503};
    int status = statuses[random.nextInt(statuses.length)];
    if (random.nextBoolean()) {
      return Answer.error(status, "Injected server error " + status);
    }
    // What a proxy in front of the API tends to send.
    return Answer.raw(
        status,
        HTML,
        "<html><head><title>"
            + status
            + "</title></head><body><h1>"
            + status
            + "</h1></body></html>");
  }

  private SimulatorFaults script(int count, Answer answer) {
    if (count <= 0) {
      throw new IllegalArgumentException("count must be positive");
    }
    scripted.addLast(new Scripted(count, answer));
    return this;
  }

  private static double checkRate(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("a rate must be within 0..1");
    }
    return rate;
  }
}
