package io.flagops.operator.launchdarkly;

import static io.flagops.operator.launchdarkly.Fixtures.FLAG;
import static io.flagops.operator.launchdarkly.Fixtures.NOW;
import static io.flagops.operator.launchdarkly.Fixtures.TOKEN;
import static io.flagops.operator.launchdarkly.Fixtures.TOKEN_VALUE;
import static io.flagops.operator.launchdarkly.Fixtures.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.launchdarkly.RecordingServer.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How LaunchDarkly's refusals and a failing network turn into typed exceptions. */
class HttpLaunchDarklyClientErrorsTest {
  private static final Duration SHORT_READ_TIMEOUT = Duration.ofMillis(300);

  private static RecordingServer server;

  @BeforeAll
  static void startServer() {
    server = RecordingServer.start();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    server.reset();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static Answer error(int status, String fixture) {
    return Answer.json(status, Fixtures.text(fixture));
  }

  // --- 5. 404 -----------------------------------------------------------------------------

  @Test
  void aMissingReleaseReadsAsEmpty() {
    server.answerAlways(error(404, "error-404.json"));

    assertThat(client(server).getRelease(TOKEN, FLAG)).isEmpty();
    assertThat(server.onlyRequest().method()).isEqualTo("GET");
  }

  @Test
  void aMissingPipelineReadsAsEmpty() {
    server.answerAlways(error(404, "error-404.json"));

    assertThat(client(server).getReleasePipeline(TOKEN, "webshop", "three-stage")).isEmpty();
    assertThat(server.onlyRequest().method()).isEqualTo("GET");
  }

  @Test
  void deletingAReleaseThatIsAlreadyGoneSucceeds() {
    server.answerAlways(error(404, "error-404.json"));

    client(server).deleteRelease(TOKEN, FLAG);

    assertThat(server.onlyRequest().method()).isEqualTo("DELETE");
  }

  /** A proxy's 404 page says nothing about the release: never "none", never "not found". */
  @ParameterizedTest
  @EnumSource(Call.class)
  void aNotFoundThatIsNotLaunchDarklysIsUnavailable(Call call) {
    server.answerAlways(Answer.status(404).withBody("text/html", "<html>Not Found</html>"));

    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(
            LaunchDarklyException.Unavailable.class, () -> call.invoke(client(server)));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("answered 404")
        .contains("text/html")
        .contains("not LaunchDarkly's answer");
    assertThat(e.mayHaveBeenMade()).isTrue();
  }

  /** An endless answer is not read into memory: past the limit it is a failure, retried. */
  @ParameterizedTest
  @EnumSource(Call.class)
  void anAnswerLargerThanTheLimitIsNotReadWhole(Call call) {
    String padding = "x".repeat((int) HttpLaunchDarklyClient.MAX_ANSWER_BYTES);
    server.answerAlways(Answer.json(200, "{\"padding\":\"" + padding + "\"}"));

    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(
            LaunchDarklyException.Unavailable.class, () -> call.invoke(client(server)));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .endsWith(
            ": an answer larger than 4 MiB, not read (LaunchDarkly's are kilobytes: a proxy's, perhaps)");
  }

  /** An API gateway's JSON 404 lacks the error code every LaunchDarkly error body carries. */
  @ParameterizedTest
  @EnumSource(Call.class)
  void aJsonNotFoundWithoutLaunchDarklysErrorCodeIsUnavailable(Call call) {
    server.answerAlways(
        Answer.status(404)
            .withBody("application/json", "{\"message\":\"no Route matched with those values\"}"));

    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(
            LaunchDarklyException.Unavailable.class, () -> call.invoke(client(server)));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("answered 404: no Route matched with those values")
        .contains("not LaunchDarkly's answer");
  }

  @ParameterizedTest
  @EnumSource(
      value = Call.class,
      names = {"CREATE_RELEASE", "UPDATE_PHASE", "PATCH_RELEASE"})
  void aWriteToSomethingMissingIsNotFoundWithLaunchDarklysMessage(Call call) {
    server.answerAlways(error(404, "error-404.json"));

    LaunchDarklyException.NotFound e =
        catchThrowableOfType(
            LaunchDarklyException.NotFound.class, () -> call.invoke(client(server)));

    assertThat(e).isNotNull();
    assertThat(e.httpStatus()).isEqualTo(404);
    assertThat(e.getMessage()).contains("release or phase not found").contains("not_found");
  }

  // --- 6. status mapping ------------------------------------------------------------------

  static Stream<Arguments> refusals() {
    List<Arguments> cases = new ArrayList<>();
    for (Call call : Call.values()) {
      cases.add(
          Arguments.of(
              call,
              400,
              "error-400.json",
              LaunchDarklyException.Rejected.class,
              "releasePipelineKey: no pipeline named 'three-stages' in project 'webshop'",
              "invalid_request"));
      cases.add(
          Arguments.of(
              call,
              403,
              "error-403.json",
              LaunchDarklyException.Rejected.class,
              "Access to the requested resource was denied: missing LD-API-Version beta",
              "forbidden"));
      cases.add(
          Arguments.of(
              call,
              401,
              "error-401.json",
              LaunchDarklyException.Unauthorized.class,
              "Invalid access token",
              "unauthorized"));
      for (int status : new int[] {500, 502, 503}) {
        cases.add(
            Arguments.of(
                call,
                status,
                "error-500.json",
                LaunchDarklyException.Unavailable.class,
                "An unexpected error occurred",
                "internal_server_error"));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} answered {1}")
  @MethodSource("refusals")
  void aRefusalIsTypedAndCarriesLaunchDarklysMessageAndCode(
      Call call,
      int status,
      String fixture,
      Class<? extends LaunchDarklyException> type,
      String message,
      String code) {
    server.answerAlways(error(status, fixture));

    Throwable thrown = catchThrowable(() -> call.invoke(client(server)));

    assertThat(thrown).isExactlyInstanceOf(type);
    LaunchDarklyException e = (LaunchDarklyException) thrown;
    assertThat(e.httpStatus()).isEqualTo(status);
    assertThat(e.getMessage()).contains(String.valueOf(status)).contains(message).contains(code);
  }

  @Test
  void aRejectionNamesWhatWasBeingDone() {
    server.answerAlways(error(400, "error-400.json"));

    assertThatThrownBy(() -> Call.CREATE_RELEASE.invoke(client(server)))
        .hasMessage(
            "creating the release: LaunchDarkly answered 400: releasePipelineKey: no pipeline"
                + " named 'three-stages' in project 'webshop' (invalid_request)");
  }

  @Test
  void anErrorWithoutABodyStillCarriesTheStatus() {
    server.answerAlways(Answer.status(503));

    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(
            LaunchDarklyException.Unavailable.class, () -> client(server).getRelease(TOKEN, FLAG));

    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.getMessage()).isEqualTo("reading the release: LaunchDarkly answered 503");
  }

  // --- 6. rate limits ---------------------------------------------------------------------

  private Duration rateLimitedWait(Answer answer) {
    server.answerAlways(answer);
    LaunchDarklyException.RateLimited e =
        catchThrowableOfType(
            LaunchDarklyException.RateLimited.class,
            () -> client(server).updatePhaseStatus(TOKEN, FLAG, "p", null));
    assertThat(e).isNotNull();
    assertThat(e.httpStatus()).isEqualTo(429);
    assertThat(e.getMessage()).contains("You've exceeded the API rate limit");
    return e.retryAfter();
  }

  @Test
  void retryAfterIsInSeconds() {
    assertThat(rateLimitedWait(error(429, "error-429.json").withHeader("Retry-After", "7")))
        .isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void withoutRetryAfterTheResetTimeIsCountedFromTheClientsClock() {
    String reset = String.valueOf(NOW.toEpochMilli() + 4_250);

    assertThat(rateLimitedWait(error(429, "error-429.json").withHeader("X-Ratelimit-Reset", reset)))
        .isEqualTo(Duration.ofMillis(4_250));
  }

  @Test
  void retryAfterWinsOverTheResetTime() {
    String reset = String.valueOf(NOW.toEpochMilli() + 4_250);

    assertThat(
            rateLimitedWait(
                error(429, "error-429.json")
                    .withHeader("X-Ratelimit-Reset", reset)
                    .withHeader("Retry-After", "7")))
        .isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void anUnreadableRetryAfterFallsBackToTheResetTime() {
    String reset = String.valueOf(NOW.toEpochMilli() + 1_500);

    assertThat(
            rateLimitedWait(
                error(429, "error-429.json")
                    .withHeader("Retry-After", "soon")
                    .withHeader("X-Ratelimit-Reset", reset)))
        .isEqualTo(Duration.ofMillis(1_500));
  }

  @Test
  void withNeitherHeaderTheDefaultWaitApplies() {
    assertThat(rateLimitedWait(error(429, "error-429.json"))).isEqualTo(Duration.ofSeconds(10));
    assertThat(RateLimitHeaders.DEFAULT_WAIT).isEqualTo(Duration.ofSeconds(10));
  }

  /** The pod's clock ahead of LaunchDarkly's, or Retry-After: 0: still no call at once. */
  @Test
  void aResetTimeAlreadyPastOrAZeroRetryAfterWaitsASecond() {
    String reset = String.valueOf(NOW.toEpochMilli() - 3_000);

    assertThat(rateLimitedWait(error(429, "error-429.json").withHeader("X-Ratelimit-Reset", reset)))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(rateLimitedWait(error(429, "error-429.json").withHeader("Retry-After", "0")))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void anAbsurdWaitIsCappedAtFiveMinutes() {
    assertThat(rateLimitedWait(error(429, "error-429.json").withHeader("Retry-After", "86400")))
        .isEqualTo(Duration.ofMinutes(5));
  }

  // --- 6. the network ---------------------------------------------------------------------

  private LaunchDarklyException.Unavailable unavailableWithin(Call call, Duration bound) {
    HttpLaunchDarklyClient client =
        client(server.baseUrl(), SHORT_READ_TIMEOUT, HttpLaunchDarklyClient.ResponseListener.NONE);
    long started = System.nanoTime();
    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(LaunchDarklyException.Unavailable.class, () -> call.invoke(client));
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(e).isNotNull();
    assertThat(took).isLessThan(bound);
    assertThat(e.httpStatus()).isZero();
    return e;
  }

  @ParameterizedTest
  @EnumSource(
      value = Call.class,
      names = {"GET_RELEASE", "UPDATE_PHASE", "DELETE_RELEASE"})
  void anAnswerSlowerThanTheReadTimeoutIsUnavailable(Call call) {
    server.answerAlways(call.success().delayedBy(Duration.ofSeconds(5)));

    LaunchDarklyException.Unavailable e = unavailableWithin(call, Duration.ofSeconds(3));

    assertThat(e.getMessage()).contains("300 ms");
  }

  @ParameterizedTest
  @EnumSource(
      value = Call.class,
      names = {"GET_RELEASE", "CREATE_RELEASE"})
  void anAnswerThatStallsInsideItsBodyIsUnavailableWithinTheReadTimeout(Call call) {
    server.answerAlways(call.success().stallingInsideBodyFor(Duration.ofSeconds(5)));

    LaunchDarklyException.Unavailable e = unavailableWithin(call, Duration.ofSeconds(3));

    assertThat(e.getMessage()).contains("300 ms");
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void aConnectionDroppedWithoutAnAnswerIsUnavailable(Call call) {
    server.answerAlways(Answer.dropConnection());

    LaunchDarklyException.Unavailable e = unavailableWithin(call, Duration.ofSeconds(3));

    assertThat(e.getMessage()).contains("connection failed");
    assertThat(e.connected()).as("the request went out: it may have been made").isTrue();
  }

  /** Nothing listens: the request never left, which the caller can tell from one that was lost. */
  @ParameterizedTest
  @EnumSource(
      value = Call.class,
      names = {"GET_RELEASE", "UPDATE_PHASE", "CREATE_RELEASE"})
  void aConnectionRefusedSaysTheRequestNeverLeft(Call call) throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    HttpLaunchDarklyClient client =
        client(
            "http://127.0.0.1:" + closed,
            Duration.ofSeconds(2),
            HttpLaunchDarklyClient.ResponseListener.NONE);

    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(LaunchDarklyException.Unavailable.class, () -> call.invoke(client));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("connection failed (ConnectException)");
    assertThat(e.connected()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = Call.class,
      names = {"CREATE_RELEASE", "UPDATE_PHASE", "PATCH_RELEASE"})
  void aWriteWhoseConnectionDroppedIsNotSentAgain(Call call) {
    server.answerAlways(Answer.dropConnection());

    unavailableWithin(call, Duration.ofSeconds(3));

    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aCallerInterruptedWhileWaitingGetsUnavailableAndKeepsItsInterrupt() throws Exception {
    server.answerAlways(Call.GET_RELEASE.success().delayedBy(Duration.ofSeconds(5)));
    HttpLaunchDarklyClient client =
        client(
            server.baseUrl(), Duration.ofSeconds(5), HttpLaunchDarklyClient.ResponseListener.NONE);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              thrown.set(catchThrowable(() -> client.getRelease(TOKEN, FLAG)));
              stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
    caller.start();
    await().atMost(Duration.ofSeconds(2)).until(() -> server.requests().size() == 1);

    caller.interrupt();
    caller.join(2_000);

    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown.get())
        .isExactlyInstanceOf(LaunchDarklyException.Unavailable.class)
        .hasMessage("reading the release: interrupted");
    assertThat(stillInterrupted).isTrue();
  }

  @Test
  void nobodyListeningIsUnavailable() {
    RecordingServer gone = RecordingServer.start();
    String baseUrl = gone.baseUrl();
    gone.close();

    Throwable thrown =
        catchThrowable(
            () ->
                client(baseUrl, SHORT_READ_TIMEOUT, HttpLaunchDarklyClient.ResponseListener.NONE)
                    .getRelease(TOKEN, FLAG));

    assertThat(thrown).isExactlyInstanceOf(LaunchDarklyException.Unavailable.class);
    assertThat(((LaunchDarklyException) thrown).httpStatus()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {502, 403})
  void anHtmlErrorPageIsDescribedNotDumped(int status) {
    String page = Fixtures.text("error-502-proxy.html");
    server.answerAlways(Answer.status(status).withBody("text/html; charset=utf-8", page));

    Throwable thrown = catchThrowable(() -> client(server).getRelease(TOKEN, FLAG));

    assertThat(thrown)
        .isExactlyInstanceOf(
            status == 502
                ? LaunchDarklyException.Unavailable.class
                : LaunchDarklyException.Rejected.class);
    assertThat(((LaunchDarklyException) thrown).httpStatus()).isEqualTo(status);
    assertThat(thrown.getMessage())
        .contains("answered " + status)
        .contains("text/html")
        .contains(page.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes")
        .doesNotContain("<")
        .doesNotContain("edge-proxy-17")
        .doesNotContain("corp-egress-proxy");
  }

  @Test
  void aJsonErrorWithoutAMessageIsDescribedByItsContentType() {
    server.answerAlways(Answer.json(500, "{\"error\": true}"));

    assertThatThrownBy(() -> client(server).getRelease(TOKEN, FLAG))
        .isExactlyInstanceOf(LaunchDarklyException.Unavailable.class)
        .hasMessageContaining("application/json")
        .hasMessageNotContaining("\"error\"");
  }

  // --- 7. the token -----------------------------------------------------------------------

  static Stream<Arguments> errorsEchoingTheToken() {
    List<Arguments> cases = new ArrayList<>();
    for (Call call : Call.values()) {
      for (int status : new int[] {400, 401, 403, 429, 500}) {
        cases.add(Arguments.of(call, status));
      }
      if (!call.isRead() && call != Call.DELETE_RELEASE) {
        cases.add(Arguments.of(call, 404));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} answered {1}")
  @MethodSource("errorsEchoingTheToken")
  void anErrorEchoingTheTokenHasItRedacted(Call call, int status) {
    String body =
        Fixtures.JSON
            .createObjectNode()
            .put("code", "bad_token_" + TOKEN_VALUE)
            .put("message", "The token '" + TOKEN_VALUE + "' cannot do this; token " + TOKEN_VALUE)
            .toString();
    server.answerAlways(
        Answer.json(status, body).withHeader("Content-Type", "application/json; t=" + TOKEN_VALUE));

    Throwable thrown = catchThrowable(() -> call.invoke(client(server)));

    assertThat(thrown).isInstanceOf(LaunchDarklyException.class);
    assertThat(thrown.getMessage()).contains("The token '<redacted>' cannot do this");
    assertTokenNowhereIn(thrown);
  }

  @Test
  void anUnreadableErrorPageEchoingTheTokenDoesNotLeakIt() {
    server.answerAlways(
        Answer.status(502)
            .withBody("text/plain; token=" + TOKEN_VALUE, "upstream refused " + TOKEN_VALUE));

    Throwable thrown = catchThrowable(() -> client(server).getRelease(TOKEN, FLAG));

    assertThat(thrown).isInstanceOf(LaunchDarklyException.Unavailable.class);
    assertTokenNowhereIn(thrown);
  }

  @Test
  void networkFailuresDoNotMentionTheToken() {
    server.enqueue(Answer.dropConnection(), Answer.status(200).delayedBy(Duration.ofSeconds(5)));
    HttpLaunchDarklyClient client =
        client(server.baseUrl(), SHORT_READ_TIMEOUT, HttpLaunchDarklyClient.ResponseListener.NONE);

    assertTokenNowhereIn(catchThrowable(() -> client.deleteRelease(TOKEN, FLAG)));
    assertTokenNowhereIn(catchThrowable(() -> client.deleteRelease(TOKEN, FLAG)));
  }

  @Test
  void theAccessTokenNeverShowsItself() {
    assertThat(TOKEN.toString()).doesNotContain(TOKEN_VALUE).contains("redacted");
    assertThat(String.valueOf(List.of(TOKEN))).doesNotContain(TOKEN_VALUE);
    assertThat(TOKEN.redact("a " + TOKEN_VALUE + " b")).isEqualTo("a <redacted> b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r\n", "\u0000", "\u00e9", "\u2028"})
  void aTokenThatCannotBeSentAsAHeaderIsRefusedWithoutQuotingIt(String bad) {
    String value = TOKEN_VALUE.substring(0, 10) + bad + TOKEN_VALUE.substring(10);

    Throwable thrown = catchThrowable(() -> client(server).getRelease(AccessToken.of(value), FLAG));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    assertThat(thrown.getMessage()).contains("access token");
    assertTokenNowhereIn(thrown);
    assertThat(thrown.getMessage())
        .doesNotContain(TOKEN_VALUE.substring(0, 10))
        .doesNotContain(TOKEN_VALUE.substring(10));
    assertThat(server.requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n"})
  void anEmptyTokenIsRefused(String value) {
    assertThatThrownBy(() -> AccessToken.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("access token is empty");
  }

  private static void assertTokenNowhereIn(Throwable thrown) {
    assertThat(thrown).isNotNull();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertThat(t.getMessage()).doesNotContain(TOKEN_VALUE);
      assertThat(t.toString()).doesNotContain(TOKEN_VALUE);
      assertThat(t.getLocalizedMessage()).doesNotContain(TOKEN_VALUE);
    }
  }
}
