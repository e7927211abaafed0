package io.flagops.operator.launchdarkly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.Malformed;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * {@link LaunchDarklyClient} over HTTP with the JDK client. Every request passes one {@link
 * CallGuard} (the budget and the breaker) on its way out, its answer parsed inside it.
 */
public class HttpLaunchDarklyClient implements LaunchDarklyClient, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HttpLaunchDarklyClient.class);
  private static final String JSON = "application/json";

  /** The largest answer read: a release or a pipeline is a few kilobytes. */
  static final long MAX_ANSWER_BYTES = 4L * 1024 * 1024;

  private final HttpClient http;
  private final String baseUrl;
  private final Duration readTimeout;
  private final ObjectMapper json;
  private final Clock clock;
  private final ResponseListener listener;
  private final String userAgent;
  private final CallGuard guard;

  /**
   * Sees every answer's status and rate-limit headers, with the account it came from (the token's
   * fingerprint): the request budget listens here.
   */
  public interface ResponseListener {
    ResponseListener NONE = (route, account, status, headers) -> {};

    void onResponse(String route, String account, int status, java.net.http.HttpHeaders headers);
  }

  /**
   * @param guard what every call passes before it leaves ({@link CallGuard#NONE} for none)
   */
  public HttpLaunchDarklyClient(
      String baseUrl,
      Duration connectTimeout,
      Duration readTimeout,
      ObjectMapper json,
      Clock clock,
      ResponseListener listener,
      String userAgent,
      CallGuard guard) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.readTimeout = readTimeout;
    this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    this.clock = clock;
    this.listener = listener;
    this.userAgent = userAgent;
    this.guard = guard;
  }

  @Override
  public Duration untilTurn(AccessToken token, FlagRef flag) {
    return guard.untilTurn(token.fingerprint(), new Caller(token.fingerprint(), flag));
  }

  @Override
  public Optional<Release> getRelease(AccessToken token, FlagRef flag) {
    // the read that begins a pass waits its turn; the calls that follow it borrow
    return getRelease(token, flag, new Caller(token.fingerprint(), flag));
  }

  @Override
  public Optional<Release> getReleaseAgain(AccessToken token, FlagRef flag) {
    return getRelease(token, flag, null);
  }

  /**
   * @param turn whose turn the read waits for; null when it follows a call of the same pass
   */
  private Optional<Release> getRelease(AccessToken token, FlagRef flag, Caller turn) {
    return exchange(
        token, ApiCall.getRelease(flag), null, Route.GET_RELEASE, true, turn, this::readRelease);
  }

  @Override
  public Optional<ReleasePipeline> getReleasePipeline(
      AccessToken token, String projectKey, String pipelineKey) {
    return exchange(
        token,
        ApiCall.getReleasePipeline(projectKey, pipelineKey),
        null,
        Route.GET_PIPELINE,
        true,
        null,
        (answer, route) ->
            read(answer, ReleasePipeline.class, ReleasePipeline::requireComplete, route));
  }

  @Override
  public Release createRelease(AccessToken token, FlagRef flag, CreateReleaseInput input) {
    return write(token, ApiCall.createRelease(flag), input, Route.CREATE_RELEASE);
  }

  @Override
  public Release updatePhaseStatus(
      AccessToken token, FlagRef flag, String phaseId, UpdatePhaseStatusInput input) {
    return write(token, ApiCall.updatePhaseStatus(flag, phaseId), input, Route.UPDATE_PHASE);
  }

  @Override
  public Release patchRelease(AccessToken token, FlagRef flag, List<PatchOperation> patch) {
    return write(token, ApiCall.patchRelease(flag), patch, Route.PATCH_RELEASE);
  }

  @Override
  public boolean deleteRelease(AccessToken token, FlagRef flag) {
    return exchange(
            token, ApiCall.deleteRelease(flag), null, Route.DELETE_RELEASE, true, null, (a, r) -> a)
        .isPresent();
  }

  @Override
  public void close() throws Exception {
    if (guard instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /** Who waits for a turn: a flag of one account (the token's fingerprint, never the token). */
  private record Caller(String account, FlagRef flag) {}

  /** A write: never a 404 taken for empty, so the answer is always a release. */
  private Release write(AccessToken token, ApiCall call, Object body, Route route) {
    return exchange(token, call, body, route, false, null, this::readRelease).orElseThrow();
  }

  /**
   * The one way out: the guard, then the request, then the answer read as the route's type (empty
   * for a 404 where {@code notFoundIsEmpty}), all inside the guard so that a garbled answer counts
   * as a failure too.
   */
  private <T> Optional<T> exchange(
      AccessToken token,
      ApiCall call,
      Object body,
      Route route,
      boolean notFoundIsEmpty,
      Caller turnOf,
      BiFunction<byte[], Route, T> parse) {
    return guard.call(
        route.name(),
        token.fingerprint(),
        turnOf,
        () ->
            send(token, call, body, route, notFoundIsEmpty)
                .map(answer -> parse.apply(answer, route)));
  }

  private Release readRelease(byte[] body, Route route) {
    return read(body, Release.class, Release::requireComplete, route);
  }

  /**
   * Sends one request. Returns the body of a 2xx answer (zero bytes for 204), or empty for a 404
   * when {@code notFoundIsEmpty}; throws a typed {@link LaunchDarklyException} otherwise. The read
   * timeout bounds the whole exchange, body included.
   */
  private Optional<byte[]> send(
      AccessToken token, ApiCall call, Object body, Route route, boolean notFoundIsEmpty) {
    HttpRequest request = request(token, call, body);
    HttpResponse<byte[]> response;
    long started = System.nanoTime();
    CompletableFuture<HttpResponse<byte[]>> pending =
        http.sendAsync(request, new LimitedBody(MAX_ANSWER_BYTES));
    try {
      response = pending.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.cancel(true);
      throw noAnswerWithinReadTimeout(route);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpConnectTimeoutException) {
        throw LaunchDarklyException.Unavailable.notConnected(
            route.description + ": could not connect in time");
      }
      if (cause instanceof ConnectException) {
        throw LaunchDarklyException.Unavailable.notConnected(
            route.description + ": connection failed (ConnectException)");
      }
      if (cause instanceof HttpTimeoutException) {
        throw noAnswerWithinReadTimeout(route);
      }
      if (cause instanceof LimitedBody.TooLarge
          || cause.getCause() instanceof LimitedBody.TooLarge) {
        throw new LaunchDarklyException.Unavailable(
            route.description
                + ": "
                + new LimitedBody.TooLarge(MAX_ANSWER_BYTES).getMessage()
                + ", not read (LaunchDarkly's are kilobytes: a proxy's, perhaps)",
            0,
            null);
      }
      throw new LaunchDarklyException.Unavailable(
          route.description + ": connection failed (" + cause.getClass().getSimpleName() + ")",
          0,
          null);
    } catch (InterruptedException e) {
      pending.cancel(true);
      Thread.currentThread().interrupt();
      throw new LaunchDarklyException.Unavailable(route.description + ": interrupted", 0, null);
    }
    int status = response.statusCode();
    listener.onResponse(route.name(), token.fingerprint(), status, response.headers());
    LOG.debugf(
        "%s %s -> %d in %d ms",
        call.method(), route.template, status, (System.nanoTime() - started) / 1_000_000);
    if (status >= 200 && status < 300) {
      // An empty 2xx is not a 404: reads must not take it for "no release".
      byte[] bytes = response.body();
      return Optional.of(bytes == null ? new byte[0] : bytes);
    }
    if (status == 404 && notFoundIsEmpty && fromLaunchDarkly(response)) {
      return Optional.empty();
    }
    throw error(token, route, response);
  }

  /**
   * Whether an error answer is LaunchDarkly's own: a JSON object with its error {@code code}, which
   * every LaunchDarkly error body carries. A proxy's, a load balancer's or an API gateway's 404 (an
   * HTML page, or JSON such as {@code {"message": "no Route matched"}}) says nothing about the
   * release, so it is never "none".
   */
  private boolean fromLaunchDarkly(HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      return false;
    }
    try {
      JsonNode node = json.readTree(body);
      return node.isObject() && !node.path("code").asText("").isBlank();
    } catch (IOException notJson) {
      return false;
    }
  }

  private LaunchDarklyException noAnswerWithinReadTimeout(Route route) {
    return new LaunchDarklyException.Unavailable(
        route.description + ": no complete answer within " + readTimeout.toMillis() + " ms",
        0,
        null);
  }

  private HttpRequest request(AccessToken token, ApiCall call, Object body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + call.path()))
            .timeout(readTimeout)
            .header("Authorization", token.reveal())
            .header("LD-API-Version", "beta")
            .header("User-Agent", userAgent) // lets LaunchDarkly tell who called
            .header("Accept", JSON);
    if (body == null) {
      return builder.method(call.method(), BodyPublishers.noBody()).build();
    }
    try {
      byte[] bytes = json.writeValueAsBytes(body);
      return builder
          .header("Content-Type", JSON) // LaunchDarkly takes its JSON patch as application/json too
          .method(call.method(), BodyPublishers.ofByteArray(bytes))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write request body", e);
    }
  }

  private LaunchDarklyException error(
      AccessToken token, Route route, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    String what = route.description + ": LaunchDarkly answered " + status;
    String detail = describeErrorBody(token, response);
    String message = detail.isEmpty() ? what : what + ": " + detail;
    return switch (status) {
      case 401 -> new LaunchDarklyException.Unauthorized(message);
      case 404 ->
          fromLaunchDarkly(response)
              ? new LaunchDarklyException.NotFound(message)
              : new LaunchDarklyException.Unavailable(
                  message + " (not LaunchDarkly's answer: a proxy's, perhaps)", status, null);
      case 409 -> new LaunchDarklyException.Conflict(message);
      case 429 -> new LaunchDarklyException.RateLimited(message, rateLimitWait(response));
      default ->
          status >= 500 || status == 408
              ? new LaunchDarklyException.Unavailable(message, status, null)
              : new LaunchDarklyException.Rejected(message, status);
    };
  }

  /**
   * LaunchDarkly's {@code message}, {@code code} and error {@code id} (support finds the request by
   * it), or a note on what came instead; each redacted, then cut.
   */
  private String describeErrorBody(AccessToken token, HttpResponse<byte[]> response) {
    byte[] body = response.body();
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      JsonNode node = json.readTree(body);
      String message = node.path("message").asText("");
      List<String> details = new ArrayList<>();
      if (!node.path("code").asText("").isEmpty()) {
        details.add(cut(token, node.path("code").asText()));
      }
      if (!node.path("id").asText("").isEmpty()) {
        details.add(LaunchDarklyException.ERROR_ID + cut(token, node.path("id").asText()));
      }
      if (!message.isEmpty()) {
        message = cut(token, message);
        return details.isEmpty() ? message : message + " (" + String.join(", ", details) + ")";
      }
    } catch (IOException notJson) {
      // fall through: an HTML error page from a proxy, for example
    }
    String type =
        cut(token, response.headers().firstValue("Content-Type").orElse("no content type"));
    return "an unexpected " + type + " body of " + body.length + " bytes";
  }

  /**
   * LaunchDarkly's text as the status and the events carry it: the token redacted first, so that no
   * part of one echoed near the cut is left; then cut, as a message of any length (a proxy's, a
   * bug's) would make every status write of the resource too large for the API server.
   */
  private static String cut(AccessToken token, String text) {
    String message = token.redact(text);
    if (message.length() <= MAX_MESSAGE) {
      return message;
    }
    return message.substring(0, MAX_MESSAGE)
        + "... ("
        + (message.length() - MAX_MESSAGE)
        + " more characters)";
  }

  private static final int MAX_MESSAGE = 500;

  /** How long a 429 asks us to wait: Retry-After (seconds), else X-Ratelimit-Reset (epoch ms). */
  Duration rateLimitWait(HttpResponse<?> response) {
    return RateLimitHeaders.retryAfter(response.headers(), clock);
  }

  /** Parses and checks an answer; a half-read answer is an error, never a partial value. */
  private <T> T read(byte[] body, Class<T> type, UnaryOperator<T> check, Route route) {
    String what =
        route.description + ": LaunchDarkly's answer is not a valid " + type.getSimpleName();
    if (body.length == 0) {
      throw new LaunchDarklyException.Unavailable(what + ": the answer is empty", 200, null);
    }
    try {
      T value = json.readValue(body, type);
      if (value == null) {
        throw new Malformed("the answer is null");
      }
      return check.apply(value);
    } catch (IOException e) {
      throw new LaunchDarklyException.Unavailable(
          what + " (" + e.getClass().getSimpleName() + ")", 200, null);
    } catch (Malformed e) {
      throw new LaunchDarklyException.Unavailable(what + ": " + e.getMessage(), 200, null);
    }
  }

  enum Route {
    GET_RELEASE("GET /api/v2/flags/{projectKey}/{flagKey}/release", READING),
    GET_PIPELINE(
        "GET /api/v2/projects/{projectKey}/release-pipelines/{pipelineKey}", READING + " pipeline"),
    CREATE_RELEASE(
        "PUT /api/v2/projects/{projectKey}/flags/{flagKey}/release", "creating the release"),
    UPDATE_PHASE(
        "PUT /api/v2/projects/{projectKey}/flags/{flagKey}/release/phases/{phaseId}",
        "updating the phase status"),
    PATCH_RELEASE("PATCH /api/v2/flags/{projectKey}/{flagKey}/release", "patching the release"),
    DELETE_RELEASE("DELETE /api/v2/flags/{projectKey}/{flagKey}/release", "deleting the release");

    final String template;
    final String description;

    Route(String template, String description) {
      this.template = template;
      this.description = description;
    }
  }
}
