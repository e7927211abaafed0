package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.simulator.CallLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two teams' accounts share the process's one request budget, busy enough that turns are reserved:
 * a 429 of the default token's account holds back that account's calls for its Retry-After, and the
 * other team's resources, whose turns were reserved among them or are asked for after it, go on.
 */
class AccountIsolationIT extends EmbeddedOperatorCase {
  private static final String TEAM_TOKEN = "api-e2e-second-account-7d41b0c3";

  @Test
  void aRateLimitOfOneAccountHoldsBackNoTurnOfTheOther() {
    harness = new Harness("/simulator/chaos-seed.yaml");
    harness.tokenSecret("team-token", TEAM_TOKEN);
    // the longest wait the operator takes from a Retry-After: the account still waits at the end
    harness.simulator.faults().rateLimitNextOfToken(Harness.TOKEN, Duration.ofMinutes(5));
    operator =
        EmbeddedOperator.start(
            harness.newClient(),
            EmbeddedSettings.fast(harness.simulator.baseUrl(), Harness.TOKEN).withBudget(4, 2),
            null);

    List<String> team = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      harness.create(String.format("c-%02d", i), spec(String.format("c-%02d", i), null));
      String teamFlag = String.format("c-%02d", 10 + i);
      harness.create(teamFlag, spec(teamFlag, new SecretKeyReference("team-token", "token")));
      team.add(teamFlag);
    }
    harness.awaitReady(team, Duration.ofSeconds(40));

    // many more of the waiting account's resources, then the other team's: those do not queue
    // behind the first ones' turns, which come after the account's wait (10 s, against over 60 s
    // when each of the 36 took a place in the shared line)
    for (int i = 21; i <= 60; i++) {
      if (i < 51 || i > 54) {
        harness.create(String.format("c-%02d", i), spec(String.format("c-%02d", i), null));
      }
    }
    List<String> later = new ArrayList<>();
    for (int i = 51; i <= 54; i++) {
      String teamFlag = String.format("c-%02d", i);
      harness.create(teamFlag, spec(teamFlag, new SecretKeyReference("team-token", "token")));
      later.add(teamFlag);
    }
    harness.awaitReady(later, Duration.ofSeconds(30));
    assertThat(harness.simulator.calls().count(CallLog.GET_RELEASE, 429))
        .as("the default token's one 429, whose account still waits")
        .isEqualTo(1);
  }

  private static FlagReleaseSpec spec(String flag, SecretKeyReference token) {
    FlagReleaseSpec spec = Harness.twoStep(flag, DesiredPhaseStatus.Started);
    spec.setAccessTokenSecretRef(token);
    return spec;
  }
}
