package io.flagops.operator.reconciler.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final AtomicLong nanos = new AtomicLong();
  private final Backoff backoff =
      new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 2.0, nanos::get);
  private final FlagRelease resource = resource();

  @Test
  void theSameStepFailingAgainWaitsLongerAndProgressStartsOver() {
    assertThat(backoff.afterFailure(resource, "read", false)).isBetween(ms(500), ms(1000));
    assertThat(backoff.afterFailure(resource, "read", false)).isBetween(ms(1000), ms(2000));
    assertThat(backoff.afterFailure(resource, "read", false)).isBetween(ms(2000), ms(4000));
    assertThat(backoff.afterFailure(resource, "read", true)).isBetween(ms(500), ms(1000));
  }

  /** A 429 or an open circuit is only noted; the failure after it starts the backoff. */
  @Test
  void aFailureAfterANotedOneStartsTheBackoffAndKeepsCountingFromTheFirst() {
    backoff.noteFailure(resource);
    nanos.addAndGet(Duration.ofSeconds(7).toNanos());

    assertThat(backoff.afterFailure(resource, "read", false)).isBetween(ms(500), ms(1000));
    assertThat(backoff.failingFor(resource)).isEqualTo(Duration.ofSeconds(7));
    assertThat(backoff.afterFailure(resource, "read", false)).isBetween(ms(1000), ms(2000));
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private static FlagRelease resource() {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(new ObjectMetaBuilder().withName("r").withUid("uid-1").build());
    return resource;
  }
}
