package io.flagops.operator.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * An in-process, stateful fake of LaunchDarkly's "Releases (beta)" REST API, on the JDK HTTP
 * server, bound to 127.0.0.1. It keeps its own model and renders its own JSON, so it cannot share a
 * mistake with the operator's client. See {@link SimulatorState} for the rules it enforces.
 */
public final class LaunchDarklySimulator implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(LaunchDarklySimulator.class);
  private static final String BETA = "beta";

  static {
    // The JDK server writes headers and body separately; with Nagle's algorithm on, each answer
    // then waits ~40 ms for a delayed ACK. The server reads this switch once, when first used.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final Set<String> tokens;
  private final SimulatorState state;
  private final SimulatorFaults faults;
  private final CallLog calls = new CallLog();
  private final SimulatorUi ui;

  private LaunchDarklySimulator(HttpServer server, SimulatorSeed seed, Clock clock) {
    this.server = server;
    this.clock = clock;
    this.tokens = Set.copyOf(seed.tokens());
    this.state = new SimulatorState(seed, clock);
    this.faults = new SimulatorFaults(clock);
    this.ui = new SimulatorUi(state);
    AtomicInteger threads = new AtomicInteger();
    // Requests may sleep (latency fault), so a cached pool keeps slow ones from blocking others.
    this.executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "ld-simulator-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public static LaunchDarklySimulator start(int port, SimulatorSeed seed) {
    return start(port, seed, Clock.systemUTC());
  }

  public static LaunchDarklySimulator start(int port, SimulatorSeed seed, Clock clock) {
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
      LaunchDarklySimulator simulator =
          new LaunchDarklySimulator(HttpServer.create(address, 128), seed, clock);
      simulator.server.start();
      LOG.debugf("LaunchDarkly simulator listening on %s", simulator.baseUrl());
      return simulator;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the LaunchDarkly simulator on port " + port, e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Back to the seed: no releases, no faults, an empty call log, window scale 1.0. */
  public void reset() {
    state.reset();
    faults.clear();
    calls.clear();
  }

  public SimulatorFaults faults() {
    return faults;
  }

  public CallLog calls() {
    return calls;
  }

  public SimulatorUi ui() {
    return ui;
  }

  /** Exactly what GET would answer now; empty where GET answers 404. */
  public Optional<JsonNode> release(String projectKey, String flagKey) {
    try {
      return Optional.of(state.getRelease(projectKey, flagKey));
    } catch (ApiError e) {
      return Optional.empty();
    }
  }

  /** Every project and flag with its release (or null). */
  public JsonNode state() {
    return state.snapshot();
  }

  /** A started guarded phase completes after its monitoring window times this scale. */
  public void setMonitoringWindowScale(double scale) {
    state.setWindowScale(scale);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- HTTP ----

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String rawPath = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      String body = readBody(exchange);
      Routes.Match match = Routes.match(method, rawPath);
      if (Routes.SIM_STATE.equals(match.template())) {
        send(exchange, simulatorPage(match));
        return;
      }
      Answer answer = answer(match, exchange.getRequestHeaders(), body);
      calls.add(
          new CallLog.Call(
              method,
              match.route(),
              query == null ? rawPath : rawPath + "?" + query,
              answer.status(),
              body,
              clock.instant(),
              exchange.getRequestHeaders().getFirst("User-Agent")));
      if (!answer.drop()) {
        send(exchange, answer);
      }
    } catch (IOException | RuntimeException e) {
      // The client went away, or the executor is shutting down: nothing left to answer.
      LOG.debugf("simulator exchange failed: %s", e.toString());
    }
  }

  /** The answer to one API request: faults first, then rate limit, auth, routing and the rules. */
  private Answer answer(Routes.Match match, Headers headers, String body) {
    faults.arrived(match.route());
    sleep(faults.latency());
    RateLimiter.Window budget = faults.spend(match.route());
    Answer answer = faults.next(match.route(), headers.getFirst("Authorization")).orElse(null);
    if (answer == null && budget.limited()) {
      long retryAfter = budget.retryAfterSeconds(clock.millis());
      answer =
          Answer.error(429, "Rate limit exceeded; retry after " + retryAfter + "s")
              .withHeader("Retry-After", Long.toString(retryAfter));
    }
    if (answer == null) {
      faults.changeBefore(match.route()).ifPresent(Runnable::run);
      answer = serve(match, headers, body);
      if (isWrite(match) && answer.status() < 300 && faults.loseAnswer(match.route())) {
        return Answer.lost();
      }
      answer = faults.windowSpentBy(match.route(), answer);
    }
    if (answer.drop()) {
      return answer;
    }
    return withBudget(answer, budget);
  }

  private static boolean isWrite(Routes.Match match) {
    return !"GET".equals(match.method());
  }

  private static Answer withBudget(Answer answer, RateLimiter.Window budget) {
    Answer result = answer;
    // A fault's own rate-limit headers (the storm's, an HTTP-date Retry-After) win.
    if (!answer.headers().containsKey("X-Ratelimit-Reset")
        && !isHttpDate(answer.headers().get("Retry-After"))) {
      result =
          result
              .withHeader("X-Ratelimit-Global-Remaining", Long.toString(budget.globalRemaining()))
              .withHeader("X-Ratelimit-Route-Remaining", Long.toString(budget.routeRemaining()))
              .withHeader("X-Ratelimit-Reset", Long.toString(budget.resetMillis()));
    }
    return result;
  }

  private static boolean isHttpDate(String retryAfter) {
    return retryAfter != null && !retryAfter.chars().allMatch(Character::isDigit);
  }

  private Answer serve(Routes.Match match, Headers headers, String body) {
    // The raw token, exactly: LaunchDarkly does not take "Bearer <token>".
    String token = headers.getFirst("Authorization");
    if (token == null || !tokens.contains(token)) {
      return Answer.error(401, "Invalid access token");
    }
    if (!BETA.equals(headers.getFirst("LD-API-Version"))) {
      return Answer.error(
          403, "This resource is in beta: send the header 'LD-API-Version: beta' to use it");
    }
    if (!match.known()) {
      return Answer.error(404, "Unknown resource " + match.route());
    }
    if (!match.methodAllowed()) {
      return Answer.error(
              405, "Method " + match.method() + " is not allowed on " + match.template())
          .withHeader("Allow", match.allow());
    }
    try {
      return route(match, body);
    } catch (ApiError e) {
      return Answer.error(e.status, e.getMessage());
    } catch (RuntimeException e) {
      LOG.errorf(e, "simulator failed on %s", match.route());
      return Answer.error(500, "Simulator failure: " + e);
    }
  }

  private Answer route(Routes.Match match, String body) {
    String project = match.param("projectKey");
    String flag = match.param("flagKey");
    return switch (match.route()) {
      case CallLog.GET_RELEASE -> Answer.json(200, state.getRelease(project, flag));
      case CallLog.CREATE_RELEASE ->
          Answer.json(200, state.createRelease(project, flag, () -> RequestBodies.create(body)));
      case CallLog.UPDATE_PHASE ->
          Answer.json(
              200,
              state.updatePhase(
                  project, flag, match.param("phaseId"), () -> RequestBodies.phaseUpdate(body)));
      case CallLog.PATCH_RELEASE ->
          Answer.json(200, state.patch(project, flag, () -> RequestBodies.patch(body)));
      case CallLog.DELETE_RELEASE -> {
        state.delete(project, flag);
        yield Answer.noContent();
      }
      case CallLog.GET_PIPELINE ->
          Answer.json(200, state.pipelineJson(project, match.param("pipelineKey")));
      case CallLog.LIST_PIPELINES -> Answer.json(200, state.pipelinesJson(project));
      default -> throw new IllegalStateException("no handler for " + match.route());
    };
  }

  /** {@code GET /_sim/state}: for people, so no auth, no faults, no call log. */
  private Answer simulatorPage(Routes.Match match) {
    if (!match.methodAllowed()) {
      return Answer.error(405, "Method " + match.method() + " is not allowed on /_sim/state")
          .withHeader("Allow", match.allow());
    }
    try {
      return Answer.raw(
          200,
          Answer.JSON,
          Answer.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(state.snapshot()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the simulator state", e);
    }
  }

  private static String readBody(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    return bytes.length == 0 ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    answer.headers().forEach(headers::set);
    if (answer.contentType() != null) {
      headers.set("Content-Type", answer.contentType());
    }
    byte[] bytes =
        answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
    // -1 tells the JDK server "no body"; 0 would mean a chunked body.
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static void sleep(Duration delay) {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while simulating latency", e);
    }
  }
}
