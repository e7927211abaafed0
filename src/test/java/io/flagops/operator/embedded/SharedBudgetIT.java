package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Many FlagReleases against a LaunchDarkly that allows R calls per second: the one budget the
 * process shares keeps them under it, and when it is set too high the rate-limit headers and the
 * first 429 slow everyone down, so LaunchDarkly seldom has to refuse, and all converge.
 */
class SharedBudgetIT extends EmbeddedOperatorCase {
  // about 75 calls: several one-second windows at either budget, in half the time 30 took
  private static final int RESOURCES = 15;
  private static final int LIMIT_PER_SECOND = 10;

  @BeforeEach
  void start() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    harness.simulator.faults().rateLimit(LIMIT_PER_SECOND, Duration.ofSeconds(1));
  }

  // A budget over the limit meets 429s while it learns the limit: the calls in flight then, at
  // most one burst of them. Under the limit, a write that follows its read may still cross a
  // window boundary now and then.
  @ParameterizedTest(name = "budget {0}/s, burst {1}: at most {2} answers 429")
  @CsvSource({"8, 4, 4", "50, 20, 20"})
  void manyResourcesStayUnderTheLimitAndConverge(double budget, int burst, int most429s) {
    EmbeddedSettings settings =
        EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN)
            .withPolls(Duration.ofSeconds(30), Duration.ofSeconds(1))
            .withBudget(budget, burst);
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);
    long started = System.nanoTime();

    List<String> names =
        IntStream.rangeClosed(1, RESOURCES).mapToObj(i -> String.format("c-%02d", i)).toList();
    names.forEach(name -> harness.createTwoStep(name, DesiredPhaseStatus.Complete));
    harness.awaitReady(names, Duration.ofMinutes(2));
    double seconds = (System.nanoTime() - started) / 1e9;

    long limited =
        harness.simulator.calls().entries().stream().filter(c -> c.status() == 429).count();
    long calls = harness.simulator.calls().size();
    String summary =
        String.format(
            "budget %.0f/s burst %d against %d/s: %d resources Ready in %.1f s, %d calls (%.1f/s),"
                + " %d answered 429",
            budget, burst, LIMIT_PER_SECOND, RESOURCES, seconds, calls, calls / seconds, limited);
    assertThat(limited).as(summary).isLessThanOrEqualTo(most429s);
    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE, 200)).isEqualTo(RESOURCES);
  }
}
