package io.flagops.operator.launchdarkly;

import static io.flagops.operator.launchdarkly.Fixtures.FLAG;
import static io.flagops.operator.launchdarkly.Fixtures.TOKEN;
import static io.flagops.operator.launchdarkly.Fixtures.TOKEN_VALUE;
import static io.flagops.operator.launchdarkly.Fixtures.client;
import static io.flagops.operator.launchdarkly.Fixtures.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flagops.operator.launchdarkly.RecordingServer.Answer;
import io.flagops.operator.launchdarkly.RecordingServer.Request;
import io.flagops.operator.launchdarkly.model.AudienceConfigInput;
import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.ReleaseGuardianConfiguration;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What the client puts on the wire: headers, methods, paths and request bodies. */
class HttpLaunchDarklyClientTest {
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

  private Request send(Call call) {
    server.answerAlways(call.success());
    call.invoke(client(server));
    return server.onlyRequest();
  }

  // --- 1. headers -------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Call.class)
  void sendsTheRawTokenWithoutBearerAndTheBetaVersion(Call call) {
    Request request = send(call);

    assertThat(request.header("Authorization")).isEqualTo(TOKEN_VALUE);
    assertThat(request.header("LD-API-Version")).isEqualTo("beta");
    assertThat(request.header("Accept")).isEqualTo("application/json");
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void labelsBodiesAsJsonAndSendsNoBodyOnReadsAndDeletes(Call call) {
    Request request = send(call);

    if (call.sendsBody) {
      assertThat(mediaType(request.header("Content-Type"))).isEqualTo("application/json");
      // a JSON patch of the release model, not LaunchDarkly's semantic patch
      assertThat(request.header("Content-Type")).doesNotContain("semanticpatch");
      assertThat(request.body()).isNotEmpty();
      assertThat(parse(request.bodyText()).isContainerNode()).isTrue();
    } else {
      assertThat(request.header("Content-Type")).isNull();
      assertThat(request.body()).isEmpty();
    }
  }

  @Test
  void sendsTheStrippedTokenWhenTheSecretHadSurroundingWhitespace() {
    server.answerAlways(Call.GET_RELEASE.success());

    client(server).getRelease(AccessToken.of("  " + TOKEN_VALUE + "\n"), FLAG);

    assertThat(server.onlyRequest().header("Authorization")).isEqualTo(TOKEN_VALUE);
  }

  private static String mediaType(String contentType) {
    assertThat(contentType).isNotNull();
    return contentType.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
  }

  // --- 2. methods and paths ---------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Call.class)
  void usesTheDocumentedMethodAndPath(Call call) {
    Request request = send(call);

    assertThat(request.method()).isEqualTo(call.method);
    assertThat(request.rawPath()).isEqualTo(call.path);
    assertThat(request.rawQuery()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void acceptsABaseUrlWithATrailingSlash(Call call) {
    server.answerAlways(call.success());

    call.invoke(client(server.baseUrl() + "/", Duration.ofSeconds(5), (r, a, s, h) -> {}));

    Request request = server.onlyRequest();
    assertThat(request.method()).isEqualTo(call.method);
    assertThat(request.rawPath()).isEqualTo(call.path);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ld-proxy", "/ld-proxy/"})
  void keepsAPathPrefixOfTheBaseUrl(String prefix) {
    server.answerAlways(Call.GET_RELEASE.success());

    Call.GET_RELEASE.invoke(
        client(server.baseUrl() + prefix, Duration.ofSeconds(5), (r, a, s, h) -> {}));

    assertThat(server.onlyRequest().rawPath())
        .isEqualTo("/ld-proxy/api/v2/flags/webshop/checkout-redesign/release");
  }

  /** Keys with reserved characters: each must stay one path segment. */
  private static final FlagRef ODD_FLAG = new FlagRef("web shop", "new/checkout?v=2#top+é");

  private static final String ODD_PROJECT = "web%20shop";
  private static final String ODD_FLAG_KEY = "new%2Fcheckout%3Fv%3D2%23top%2B%C3%A9";

  @Test
  void encodesEachPathSegmentOfTheReleaseRoutes() {
    server.answerAlways(Call.GET_RELEASE.success());
    HttpLaunchDarklyClient client = client(server);

    client.getRelease(TOKEN, ODD_FLAG);
    client.patchRelease(TOKEN, ODD_FLAG, List.of(PatchOperation.setPhaseComplete(0, true)));
    client.createRelease(TOKEN, ODD_FLAG, new CreateReleaseInput("three-stage", null));
    client.updatePhaseStatus(
        TOKEN, ODD_FLAG, "phase 1/b", new UpdatePhaseStatusInput("Started", null));
    server.answerAlways(Answer.status(204));
    client.deleteRelease(TOKEN, ODD_FLAG);

    assertThat(server.requests())
        .extracting(r -> r.method() + " " + r.rawPath())
        .containsExactly(
            "GET /api/v2/flags/" + ODD_PROJECT + "/" + ODD_FLAG_KEY + "/release",
            "PATCH /api/v2/flags/" + ODD_PROJECT + "/" + ODD_FLAG_KEY + "/release",
            "PUT /api/v2/projects/" + ODD_PROJECT + "/flags/" + ODD_FLAG_KEY + "/release",
            "PUT /api/v2/projects/"
                + ODD_PROJECT
                + "/flags/"
                + ODD_FLAG_KEY
                + "/release/phases/phase%201%2Fb",
            "DELETE /api/v2/flags/" + ODD_PROJECT + "/" + ODD_FLAG_KEY + "/release");
    assertThat(server.requests()).extracting(Request::rawQuery).containsOnlyNulls();
  }

  @Test
  void encodesEachPathSegmentOfThePipelineRoute() {
    server.answerAlways(Call.GET_PIPELINE.success());

    client(server).getReleasePipeline(TOKEN, "web shop", "q3/fast lane?");

    assertThat(server.onlyRequest().rawPath())
        .isEqualTo("/api/v2/projects/web%20shop/release-pipelines/q3%2Ffast%20lane%3F");
  }

  // --- 3. request bodies ------------------------------------------------------------------

  private JsonNode bodyOf(Request request) {
    return parse(request.bodyText());
  }

  @Test
  void createSendsThePipelineAndTheVariation() {
    server.answerAlways(Call.CREATE_RELEASE.success());

    client(server)
        .createRelease(
            TOKEN,
            FLAG,
            new CreateReleaseInput("three-stage", "4a1c7e2b-9d3f-4b6a-8e5c-0f2d1a3b4c5e"));

    assertThat(bodyOf(server.onlyRequest()))
        .isEqualTo(
            parse(
                """
                {"releasePipelineKey": "three-stage",
                 "releaseVariationId": "4a1c7e2b-9d3f-4b6a-8e5c-0f2d1a3b4c5e"}
                """));
  }

  @Test
  void createLeavesOutAnAbsentVariationRatherThanSendingNull() {
    server.answerAlways(Call.CREATE_RELEASE.success());

    client(server).createRelease(TOKEN, FLAG, new CreateReleaseInput("three-stage", null));

    JsonNode body = bodyOf(server.onlyRequest());
    assertThat(body).isEqualTo(parse("{\"releasePipelineKey\": \"three-stage\"}"));
    assertThat(body.has("releaseVariationId")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aStatusOnlyPhaseUpdateSendsNoAudiencesKey(boolean emptyListRatherThanNull) {
    server.answerAlways(Call.UPDATE_PHASE.success());
    List<AudienceConfigInput> audiences = emptyListRatherThanNull ? List.of() : null;

    client(server)
        .updatePhaseStatus(
            TOKEN,
            FLAG,
            "65a1f0c2e4b0a1b2c3d4e5f7",
            new UpdatePhaseStatusInput("Started", audiences));

    JsonNode body = bodyOf(server.onlyRequest());
    assertThat(body).isEqualTo(parse("{\"status\": \"Started\"}"));
    assertThat(body.has("audiences")).isFalse();
  }

  @Test
  void aPhaseUpdateCarriesAudienceConfigurationWithTheWindowInWholeMilliseconds() {
    server.answerAlways(Call.UPDATE_PHASE.success());
    long thirtyMinutes = Duration.ofMinutes(30).toMillis();

    client(server)
        .updatePhaseStatus(
            TOKEN,
            FLAG,
            "65a1f0c2e4b0a1b2c3d4e5f7",
            new UpdatePhaseStatusInput(
                "Started",
                List.of(
                    new AudienceConfigInput(
                        "5d9a2b6e-71c4-4f0a-b3e8-2e6c9d4a8f17",
                        new ReleaseGuardianConfiguration(thirtyMinutes, 10, true, "user"),
                        List.of("64f0aa11bb22cc33dd44ee55", "64f0aa11bb22cc33dd44ee56"),
                        List.of("release-approvers")),
                    new AudienceConfigInput(
                        "c3e8f1d2-9b4a-4e6c-8d7f-1a2b3c4d5e6f",
                        new ReleaseGuardianConfiguration(
                            Duration.ofHours(1).toMillis(), 5, false, null),
                        null,
                        List.of()))));

    Request request = server.onlyRequest();
    JsonNode body = bodyOf(request);
    assertThat(body)
        .isEqualTo(
            parse(
                """
                {"status": "Started",
                 "audiences": [
                   {"audienceId": "5d9a2b6e-71c4-4f0a-b3e8-2e6c9d4a8f17",
                    "releaseGuardianConfiguration": {
                      "monitoringWindowMilliseconds": 1800000,
                      "rolloutWeight": 10,
                      "rollbackOnRegression": true,
                      "randomizationUnit": "user"},
                    "notifyMemberIds": ["64f0aa11bb22cc33dd44ee55", "64f0aa11bb22cc33dd44ee56"],
                    "notifyTeamKeys": ["release-approvers"]},
                   {"audienceId": "c3e8f1d2-9b4a-4e6c-8d7f-1a2b3c4d5e6f",
                    "releaseGuardianConfiguration": {
                      "monitoringWindowMilliseconds": 3600000,
                      "rolloutWeight": 5,
                      "rollbackOnRegression": false}}
                 ]}
                """));
    JsonNode window =
        body.at("/audiences/0/releaseGuardianConfiguration/monitoringWindowMilliseconds");
    assertThat(window.isIntegralNumber()).isTrue();
    assertThat(window.longValue()).isEqualTo(1_800_000L);
    assertThat(request.bodyText()).contains("1800000").doesNotContain("1.8E6");
  }

  @ParameterizedTest
  @CsvSource({"1, true", "1, false", "0, true"})
  void aLegacyPatchIsAJsonPatchArrayOnThePhaseCompleteFlag(int phase, boolean complete) {
    server.answerAlways(Call.PATCH_RELEASE.success());

    client(server)
        .patchRelease(TOKEN, FLAG, List.of(PatchOperation.setPhaseComplete(phase, complete)));

    JsonNode body = bodyOf(server.onlyRequest());
    assertThat(body)
        .isEqualTo(
            parse(
                "[{\"op\": \"replace\", \"path\": \"/phases/"
                    + phase
                    + "/complete\", \"value\": "
                    + complete
                    + "}]"));
    assertThat(body.get(0).get("value").isBoolean()).isTrue();
  }

  // --- 8. the response listener -----------------------------------------------------------

  record Seen(String route, int status, HttpHeaders headers) {}

  private static Answer withRateLimitHeaders(Answer answer) {
    return answer
        .withHeader("X-Ratelimit-Global-Remaining", "412")
        .withHeader("X-Ratelimit-Route-Remaining", "3")
        .withHeader("X-Ratelimit-Reset", "1767400004250");
  }

  private static void assertRateLimitHeaders(HttpHeaders headers) {
    assertThat(headers.firstValue("X-Ratelimit-Global-Remaining")).contains("412");
    assertThat(headers.firstValue("X-Ratelimit-Route-Remaining")).contains("3");
    assertThat(headers.firstValue("X-Ratelimit-Reset")).contains("1767400004250");
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void theListenerSeesRouteStatusAndRateLimitHeadersOfASuccess(Call call) {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    server.answerAlways(withRateLimitHeaders(call.success()));

    call.invoke(
        client(
            server.baseUrl(),
            Duration.ofSeconds(5),
            (route, account, status, headers) -> seen.add(new Seen(route, status, headers))));

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).route()).isEqualTo(call.route);
    assertThat(seen.get(0).status()).isEqualTo(call == Call.DELETE_RELEASE ? 204 : 200);
    assertRateLimitHeaders(seen.get(0).headers());
  }

  @ParameterizedTest
  @EnumSource(Call.class)
  void theListenerSeesEveryFailedAnswerToo(Call call) {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    server.answerAlways(
        withRateLimitHeaders(Answer.json(429, Fixtures.text("error-429.json")))
            .withHeader("Retry-After", "2"));
    HttpLaunchDarklyClient client =
        client(
            server.baseUrl(),
            Duration.ofSeconds(5),
            (route, account, status, headers) -> seen.add(new Seen(route, status, headers)));

    assertThatThrownBy(() -> call.invoke(client))
        .isInstanceOf(LaunchDarklyException.RateLimited.class);

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).route()).isEqualTo(call.route);
    assertThat(seen.get(0).status()).isEqualTo(429);
    assertRateLimitHeaders(seen.get(0).headers());
    assertThat(seen.get(0).headers().firstValue("Retry-After")).contains("2");
  }

  @Test
  void theListenerSeesANotFoundThatReadsAsEmpty() {
    List<Seen> seen = new CopyOnWriteArrayList<>();
    server.answerAlways(withRateLimitHeaders(Answer.json(404, Fixtures.text("error-404.json"))));

    assertThat(
            client(
                    server.baseUrl(),
                    Duration.ofSeconds(5),
                    (route, account, status, headers) -> seen.add(new Seen(route, status, headers)))
                .getRelease(TOKEN, FLAG))
        .isEmpty();

    assertThat(seen)
        .extracting(Seen::route, Seen::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("GET_RELEASE", 404));
    assertRateLimitHeaders(seen.get(0).headers());
  }

  @Test
  void everyCallPassesTheGuardOnceAndOnlyTheReadThatBeginsAPassTakesATurn() {
    List<String> passed = new ArrayList<>();
    CallGuard recording =
        new CallGuard() {
          @Override
          public <T> T call(String route, String account, Object turnOf, Supplier<T> call) {
            assertThat(account).isEqualTo(TOKEN.fingerprint());
            passed.add(route + (turnOf == null ? "" : " (turn)"));
            return call.get();
          }
        };
    HttpLaunchDarklyClient client = guardedClient(recording);
    server.answerAlways(Call.GET_RELEASE.success());

    client.getRelease(TOKEN, ODD_FLAG);
    client.patchRelease(TOKEN, ODD_FLAG, List.of(PatchOperation.setPhaseComplete(0, true)));
    client.createRelease(TOKEN, ODD_FLAG, new CreateReleaseInput("three-stage", null));
    client.updatePhaseStatus(
        TOKEN, ODD_FLAG, "phase-1", new UpdatePhaseStatusInput("Started", null));
    server.answerAlways(Call.GET_PIPELINE.success());
    client.getReleasePipeline(TOKEN, "webshop", "three-stage");
    server.answerAlways(Answer.status(204));
    client.deleteRelease(TOKEN, ODD_FLAG);

    assertThat(passed)
        .containsExactly(
            "GET_RELEASE (turn)",
            "PATCH_RELEASE",
            "CREATE_RELEASE",
            "UPDATE_PHASE",
            "GET_PIPELINE",
            "DELETE_RELEASE");
    assertThat(server.requests()).hasSize(6);
  }

  @Test
  void aCallTheGuardRefusesNeverLeaves() {
    CallGuard spent =
        new CallGuard() {
          @Override
          public <T> T call(String route, String account, Object turnOf, Supplier<T> call) {
            throw new LaunchDarklyException.Throttled(Duration.ofSeconds(1));
          }
        };

    assertThatThrownBy(() -> guardedClient(spent).getRelease(TOKEN, ODD_FLAG))
        .isInstanceOf(LaunchDarklyException.Throttled.class);
    assertThat(server.requests()).isEmpty();
  }

  private static HttpLaunchDarklyClient guardedClient(CallGuard guard) {
    return new HttpLaunchDarklyClient(
        server.baseUrl(),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5),
        new ObjectMapper(),
        Fixtures.CLOCK,
        HttpLaunchDarklyClient.ResponseListener.NONE,
        "test",
        guard);
  }
}
