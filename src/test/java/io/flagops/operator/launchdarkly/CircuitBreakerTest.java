package io.flagops.operator.launchdarkly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong();
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), now::get);

  @Test
  void opensAfterTheThresholdOfFailuresInARow() {
    failTimes(2);
    breaker.beforeCall();
    breaker.onFailure();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThatThrownBy(breaker::beforeCall)
        .isInstanceOf(LaunchDarklyException.CircuitOpen.class)
        .hasMessageContaining("calls are paused");
  }

  @Test
  void aSuccessResetsTheCount() {
    failTimes(2);
    breaker.beforeCall();
    breaker.onSuccess();
    failTimes(2);

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void halfOpenLetsOneProbeThroughAndItsOutcomeDecides() {
    failTimes(3);
    now.addAndGet(Duration.ofSeconds(10).toNanos());

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    breaker.beforeCall(); // the probe
    assertThatThrownBy(breaker::beforeCall)
        .as("only one probe at a time")
        .isInstanceOf(LaunchDarklyException.CircuitOpen.class);
    breaker.onFailure();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    breaker.beforeCall();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    breaker.beforeCall();
  }

  @Test
  void theEarlyCheckNeverTakesTheProbe() {
    failTimes(3);
    assertThatThrownBy(breaker::rejectIfOpen).isInstanceOf(LaunchDarklyException.CircuitOpen.class);

    // the open period ends between the early check and the call itself
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    breaker.rejectIfOpen();
    breaker.beforeCall(); // the probe is still free for the call
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  private void failTimes(int times) {
    for (int i = 0; i < times; i++) {
      breaker.beforeCall();
      breaker.onFailure();
    }
  }
}
