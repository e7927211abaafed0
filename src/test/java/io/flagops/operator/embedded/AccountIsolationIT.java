package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.config.TokenSecretScope;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two teams' accounts share the process's one request budget, busy enough that turns are reserved:
 * a 429 of the default token's account holds back that account's calls for its Retry-After, and the
 * other team's resources, whose turns were reserved among them, go on.
 */
class AccountIsolationIT extends EmbeddedOperatorCase {
  private static final String TEAM_TOKEN = "api-e2e-second-account-7d41b0c3";

  /**
   * The default token's account answers 429 while the team's is calling: it waits for its
   * Retry-After, and the team's calls are neither pushed behind its turns nor slowed.
   */
  @Test
  void aRateLimitOfOneAccountHoldsBackNoTurnOfTheOtherNorSlowsIt() {
    harness = new Harness("/simulator/chaos-seed.yaml");

    List<String> team = startWithEightResourcesPerAccount();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> team.stream().anyMatch(flag -> !callsFor(flag).isEmpty()));
    harness.simulator.faults().rateLimitNextOfToken(Harness.TOKEN, Duration.ofSeconds(60));

    harness.awaitReady(team, Duration.ofSeconds(40));
    assertThat(callsFor("").stream().filter(c -> c.status() == 429))
        .as("the default token's one 429, whose account still waits")
        .hasSize(1);
    assertThat(operator.metrics().get("flagrelease.launchdarkly.budget.rate").gauge().value())
        .as("calls per second the budget allows: not halved by another account's 429")
        .isEqualTo(4.0);
  }

  /**
   * Another client keeps the default token's account at its limit: every answer to it says its
   * window is spent. That account's calls wait for each reset; the other team's do not.
   */
  @Test
  void aSpentWindowOfOneAccountHoldsBackNoCallOfTheOther() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    harness.simulator.faults().keepAccountSpent(Harness.TOKEN, Duration.ofSeconds(10));

    List<String> team = startWithEightResourcesPerAccount();

    harness.awaitReady(team, Duration.ofSeconds(40));
  }

  /**
   * An operator with a budget of 4 calls a second (so turns are reserved), and eight FlagReleases
   * on the default token's account interleaved with eight on the team's token Secret.
   *
   * @return the team's FlagReleases
   */
  private List<String> startWithEightResourcesPerAccount() {
    harness
        .client
        .secrets()
        .inNamespace(Harness.NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("team-token")
                .addToLabels(TokenSecretScope.LABEL, "true")
                .endMetadata()
                .withStringData(Map.of("token", TEAM_TOKEN))
                .build())
        .create();
    operator =
        EmbeddedOperator.start(
            harness.newClient(),
            EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN).withBudget(4, 2),
            null);
    List<String> team = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      harness.create(String.format("c-%02d", i), spec(String.format("c-%02d", i), null));
      String teamFlag = String.format("c-%02d", 10 + i);
      harness.create(teamFlag, spec(teamFlag, new SecretKeyReference("team-token", "token")));
      team.add(teamFlag);
    }
    return team;
  }

  private List<CallLog.Call> callsFor(String flag) {
    return harness.simulator.calls().entries().stream()
        .filter(c -> c.path().contains("/" + flag))
        .toList();
  }

  private static FlagReleaseSpec spec(String flag, SecretKeyReference token) {
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("chaos");
    spec.setFlagKey(flag);
    spec.setReleasePipelineKey("two-step");
    spec.setPhases(List.of(new PhaseSpec("One", DesiredPhaseStatus.Started)));
    spec.setAccessTokenSecretRef(token);
    return spec;
  }
}
