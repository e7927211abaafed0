package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.reconciler.status.Conditions;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A token LaunchDarkly refused (401) is not sent again for the unauthorized interval: the other
 * FlagReleases on it are Stalled Unauthorized without a call, so a team's revoked token does not
 * spend the request budget every team shares.
 */
class RefusedTokenIT extends EmbeddedOperatorCase {
  @Test
  void aRefusedTokenIsNotSentAgainForItsOtherFlagReleases() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    EmbeddedSettings settings =
        EmbeddedSettings.fast(harness.simulator.baseUrl(), "api-revoked-0b6c1f2e")
            .with("flagrelease.polling.unauthorized", "60s"); // no second look in the test
    operator = EmbeddedOperator.start(harness.newClient(), settings, null);

    harness.createTwoStep("c-01", DesiredPhaseStatus.Started);
    awaitUnauthorized(List.of("c-01"));
    List<String> others =
        IntStream.rangeClosed(2, 8).mapToObj(i -> String.format("c-%02d", i)).toList();
    others.forEach(name -> harness.createTwoStep(name, DesiredPhaseStatus.Started));
    awaitUnauthorized(others);

    assertThat(harness.simulator.calls().count(CallLog.GET_RELEASE, 401))
        .as("the first FlagRelease's read alone")
        .isEqualTo(1);
    assertThat(harness.get("c-08").getStatus().getMessage())
        .isEqualTo(harness.get("c-01").getStatus().getMessage());
  }

  private void awaitUnauthorized(List<String> names) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                names.stream()
                    .map(harness::get)
                    .allMatch(
                        r -> {
                          FlagReleaseCondition stalled =
                              r.getStatus() == null
                                  ? null
                                  : Conditions.findTrue(r.getStatus().getConditions(), "Stalled");
                          return stalled != null && "Unauthorized".equals(stalled.getReason());
                        }));
  }
}
