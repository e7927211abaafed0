package io.flagops.operator.simulator;

import static io.flagops.operator.simulator.SimulatorReleaseTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.simulator.SimHttp.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rate-limit headers on every answer, and 429 with Retry-After over the limit. */
class SimulatorRateLimitTest extends SimulatorCase {
  private static final String PIPELINES = "/api/v2/projects/shop/release-pipelines";
  private static final String GLOBAL = "X-Ratelimit-Global-Remaining";
  private static final String ROUTE = "X-Ratelimit-Route-Remaining";
  private static final String RESET = "X-Ratelimit-Reset";

  @Test
  void everyAnswerCarriesTheHeaders() {
    List<Reply> replies =
        List.of(
            http.get(PIPELINES),
            http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"two-step\"}"),
            http.deleteRelease("shop", "checkout"),
            http.getRelease("shop", "checkout"),
            http.send("GET", PIPELINES, null, Map.of()),
            http.send("GET", PIPELINES, null, Map.of("Authorization", SimHttp.TOKEN)),
            http.send("POST", PIPELINES + "/x", null, SimHttp.apiHeaders()),
            http.get("/nowhere"));
    assertThat(replies)
        .extracting(Reply::status)
        .containsExactly(200, 200, 204, 404, 401, 403, 405, 404);
    for (Reply reply : replies) {
      assertThat(Long.parseLong(reply.header(GLOBAL))).isPositive();
      assertThat(Long.parseLong(reply.header(ROUTE))).isPositive();
      assertThat(Long.parseLong(reply.header(RESET))).isEqualTo(TestClock.START + 10_000);
    }
    assertThat(Long.parseLong(replies.get(1).header(GLOBAL)))
        .isEqualTo(Long.parseLong(replies.get(0).header(GLOBAL)) - 1);
  }

  @Test
  void overTheLimitAnswers429UntilTheWindowEnds() {
    simulator.faults().rateLimit(3, Duration.ofSeconds(10));
    for (int i = 2; i >= 0; i--) {
      Reply reply = http.get(PIPELINES);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.header(GLOBAL)).isEqualTo(Integer.toString(i));
    }
    clock.advance(Duration.ofMillis(2500));
    Reply limited = http.getRelease("shop", "checkout");
    assertError(limited, 429, "Rate limit exceeded");
    assertThat(limited.header("Retry-After")).isEqualTo("8");
    assertThat(limited.header(GLOBAL)).isEqualTo("0");
    assertThat(limited.header(RESET)).isEqualTo(Long.toString(TestClock.START + 10_000));
    assertThat(simulator.calls().count(CallLog.GET_RELEASE, 429)).isEqualTo(1);

    clock.advance(Duration.ofMillis(7500));
    Reply next = http.get(PIPELINES);
    assertThat(next.status()).isEqualTo(200);
    assertThat(next.header(GLOBAL)).isEqualTo("2");
    assertThat(next.header(RESET)).isEqualTo(Long.toString(clock.now() + 10_000));
  }

  @Test
  void routeBudgetsAreSeparate() {
    simulator.faults().rateLimit(100, 2, Duration.ofSeconds(10));
    assertThat(http.get(PIPELINES).header(ROUTE)).isEqualTo("1");
    assertThat(http.get(PIPELINES).header(ROUTE)).isEqualTo("0");
    assertThat(http.get(PIPELINES).status()).isEqualTo(429);

    Reply other = http.get(PIPELINES + "/two-step");
    assertThat(other.status()).isEqualTo(200);
    assertThat(other.header(ROUTE)).isEqualTo("1");
    assertThat(other.header(GLOBAL)).isEqualTo("96");
  }
}
