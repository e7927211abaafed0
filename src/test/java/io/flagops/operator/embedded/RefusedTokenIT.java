package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.reconciler.status.Conditions;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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

  /**
   * A refused token replaced by one LaunchDarkly refuses too: the FlagReleases waiting for their
   * turn to try it stay Stalled, never told the new token works before LaunchDarkly answered.
   */
  @Test
  void aRefusedTokenReplacedByAnotherRefusedOneStaysStalled() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    harness.tokenSecret("team-token", "api-revoked-1a2b3c4d");
    operator =
        EmbeddedOperator.start(
            harness.newClient(),
            EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN).withBudget(2, 1),
            null);
    List<String> names =
        IntStream.rangeClosed(1, 5).mapToObj(i -> String.format("c-%02d", i)).toList();
    names.forEach(name -> harness.create(name, throughTeamToken(name)));
    awaitUnauthorized(names);
    Map<String, String> before = new HashMap<>();
    names.forEach(name -> before.put(name, harness.get(name).getStatus().getTokenVersion()));

    List<String> lifted = new CopyOnWriteArrayList<>();
    try (Watch watch =
        harness
            .client
            .resources(FlagRelease.class)
            .inNamespace(Harness.NAMESPACE)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, FlagRelease resource) {
                    if (Conditions.findTrue(resource.getStatus().getConditions(), "Stalled")
                        == null) {
                      lifted.add(resource.getMetadata().getName());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      harness.tokenSecret("team-token", "api-revoked-5e6f7a8b");
      await() // each has tried the new token, at its turn of a budget of two calls a second
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  names.stream()
                      .noneMatch(
                          n -> before.get(n).equals(harness.get(n).getStatus().getTokenVersion())));
      assertThat(lifted).as("statuses that lifted the stall").isEmpty();
    }
  }

  private static FlagReleaseSpec throughTeamToken(String flag) {
    FlagReleaseSpec spec = Harness.twoStep(flag, DesiredPhaseStatus.Started);
    spec.setAccessTokenSecretRef(new SecretKeyReference("team-token", "token"));
    return spec;
  }

  private void awaitUnauthorized(List<String> names) {
    harness.awaitAll(
        names,
        Duration.ofSeconds(20),
        r -> {
          FlagReleaseCondition stalled =
              Conditions.findTrue(r.getStatus().getConditions(), "Stalled");
          return stalled != null && "Unauthorized".equals(stalled.getReason());
        });
  }
}
