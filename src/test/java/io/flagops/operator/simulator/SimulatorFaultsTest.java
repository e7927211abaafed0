package io.flagops.operator.simulator;

import static io.flagops.operator.simulator.SimulatorReleaseTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flagops.operator.simulator.SimHttp.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each injected fault, and that faulted requests reach the call log. */
class SimulatorFaultsTest extends SimulatorCase {
  private static final String PIPELINES = "/api/v2/projects/shop/release-pipelines";

  @Test
  void latencyDelaysEveryAnswer() {
    simulator.faults().latency(Duration.ofMillis(300));
    long started = System.nanoTime();
    assertThat(http.get(PIPELINES).status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void slowRequestsDoNotBlockOthers() throws Exception {
    simulator.faults().latency(Duration.ofMillis(400));
    long started = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread thread = new Thread(() -> http.get(PIPELINES));
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2000));
    assertThat(simulator.calls().count(CallLog.LIST_PIPELINES, 200)).isEqualTo(8);
  }

  @Test
  void serverErrorsAreRandomButRepeatableWithASeed() {
    simulator.faults().serverErrorRate(1.0).seed(42);
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Reply reply = http.get(PIPELINES);
      assertThat(reply.status()).isIn(500, 502, 503);
      first.add(reply.status() + " " + reply.header("Content-Type"));
    }
    assertThat(first).anyMatch(s -> s.contains("text/html"));
    assertThat(first).anyMatch(s -> s.contains("application/json"));
    assertThat(simulator.calls().count(CallLog.LIST_PIPELINES, 200)).isZero();

    simulator.faults().seed(42);
    List<String> second = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Reply reply = http.get(PIPELINES);
      second.add(reply.status() + " " + reply.header("Content-Type"));
    }
    assertThat(second).isEqualTo(first);
  }

  @Test
  void partialErrorRateLetsSomeThrough() {
    simulator.faults().serverErrorRate(0.5).seed(7);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      statuses.add(http.get(PIPELINES).status());
    }
    assertThat(statuses).contains(200);
    assertThat(statuses).anyMatch(s -> s >= 500);
  }

  @Test
  void droppedConnectionGivesTheClientAnIoError() {
    simulator.faults().dropConnectionRate(1.0);
    assertThatThrownBy(() -> http.sendOrThrow("GET", PIPELINES, null, SimHttp.apiHeaders()))
        .isInstanceOf(IOException.class);
    assertThat(simulator.calls().count(CallLog.LIST_PIPELINES, CallLog.DROPPED)).isPositive();

    simulator.faults().clear();
    assertThat(http.get(PIPELINES).status()).isEqualTo(200);
  }

  @Test
  void stormAnswers429UntilItEnds() {
    simulator.faults().rateLimitStorm(Duration.ofSeconds(5), Duration.ofMillis(2500));
    Reply reply = http.get(PIPELINES);
    assertError(reply, 429, "retry after 3s");
    assertThat(reply.header("Retry-After")).isEqualTo("3");
    assertThat(reply.header("X-Ratelimit-Global-Remaining")).isEqualTo("0");
    assertThat(reply.header("X-Ratelimit-Reset")).isEqualTo(Long.toString(clock.now() + 5000));
    clock.advance(Duration.ofMillis(4999));
    assertThat(http.get(PIPELINES).status()).isEqualTo(429);
    clock.advance(Duration.ofMillis(1));
    assertThat(http.get(PIPELINES).status()).isEqualTo(200);
  }

  @Test
  void aStormTimedFromARoutesNextRequestBeginsWhenItArrives() {
    simulator
        .faults()
        .rateLimitStormFromNext(CallLog.GET_RELEASE, Duration.ofSeconds(2), Duration.ofSeconds(1));
    assertThat(http.get(PIPELINES).status()).as("another route").isEqualTo(200);
    clock.advance(Duration.ofMinutes(1)); // however late the first call comes

    assertError(http.getRelease("shop", "checkout"), 429, "retry after 1s");
    clock.advance(Duration.ofMillis(1999));
    assertThat(http.get(PIPELINES).status()).as("every route, as a storm").isEqualTo(429);
    clock.advance(Duration.ofMillis(1));
    assertThat(http.get(PIPELINES).status()).isEqualTo(200);
  }

  @Test
  void failNextAnswersTheStatusForExactlyNRequests() {
    simulator.faults().failNext(2, 503).failNext(1, 409);
    assertError(http.get(PIPELINES), 503, "Injected");
    assertError(
        http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"two-step\"}"),
        503,
        "Injected");
    assertError(http.get(PIPELINES), 409, "Injected");
    assertThat(http.get(PIPELINES).status()).isEqualTo(200);

    assertThat(simulator.release("shop", "checkout"))
        .as("a faulted write changes nothing")
        .isEmpty();
    assertThat(simulator.calls().count(CallLog.LIST_PIPELINES, 503)).isEqualTo(1);
    assertThat(simulator.calls().count(CallLog.CREATE_RELEASE, 503)).isEqualTo(1);
    assertThat(simulator.calls().count(CallLog.LIST_PIPELINES, 409)).isEqualTo(1);
  }

  @Test
  void failNextWith429SendsRetryAfter() {
    simulator.faults().failNext(1, 429);
    Reply reply = http.get(PIPELINES);
    assertError(reply, 429, "Injected");
    assertThat(reply.header("Retry-After")).isEqualTo("1");
  }

  @Test
  void respondNextSendsExactlyThatAnswer() {
    http.createRelease("shop", "checkout", "{\"releasePipelineKey\":\"two-step\"}");
    simulator
        .faults()
        .respondNext(1, 200, "text/html", "<html>login</html>")
        .respondNext(1, 200, "application/json", "")
        .respondNext(1, 200, "application/json", "{\"name\":\"x\"}");

    Reply html = http.getRelease("shop", "checkout");
    assertThat(html.status()).isEqualTo(200);
    assertThat(html.header("Content-Type")).isEqualTo("text/html");
    assertThat(html.body()).isEqualTo("<html>login</html>");
    Reply empty = http.getRelease("shop", "checkout");
    assertThat(empty.body()).isEmpty();
    assertThat(http.getRelease("shop", "checkout").body()).isEqualTo("{\"name\":\"x\"}");
    assertThat(http.getRelease("shop", "checkout").status()).isEqualTo(200);
    assertThat(simulator.calls().count(CallLog.GET_RELEASE, 200)).isEqualTo(4);
  }

  @Test
  void clearRemovesEveryFault() {
    simulator
        .faults()
        .latency(Duration.ofSeconds(5))
        .serverErrorRate(1)
        .dropConnectionRate(1)
        .rateLimitStorm(Duration.ofMinutes(1), Duration.ofSeconds(1))
        .rateLimit(0, Duration.ofMinutes(1))
        .failNext(3, 500);
    simulator.faults().clear();
    long started = System.nanoTime();
    assertThat(http.get(PIPELINES).status()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void badFaultSettingsAreRefused() {
    assertThatThrownBy(() -> simulator.faults().serverErrorRate(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> simulator.faults().failNext(0, 500))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> simulator.faults().failNext(1, 200))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> simulator.faults().rateLimit(1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
