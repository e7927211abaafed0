package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Secrets are watched: a fixed or rotated token takes effect within seconds, although nothing would
 * poll for ten minutes, and a refused write is tried again with the new token.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
@TestProfile(CredentialsIT.SlowPolls.class)
class CredentialsIT extends OperatorTestBase {
  /** Well before a poll: only the Secret watch explains a recovery within it. */
  private static final Duration WITHIN_SECONDS = Duration.ofSeconds(60);

  /** Polls so rare that only the Secret watch can explain a quick recovery. */
  public static class SlowPolls implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "flagrelease.polling.settled", "10m",
          "flagrelease.polling.unauthorized", "10m");
    }
  }

  @Test
  void aFixedSecretMakesTheReleaseReadyWithinSeconds() {
    tokenSecret("team-token", "api-not-a-valid-token");
    create("rotated", specWithSecret("flag-31", "team-token"));
    awaitCondition("rotated", ConditionTypes.STALLED, "True", "Unauthorized");

    long started = System.nanoTime();
    tokenSecret("team-token", SimulatorResource.SECRET_TOKEN);
    awaitReady("rotated");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WITHIN_SECONDS);
  }

  @Test
  void aRefusedWriteIsTriedAgainWhenTheTokenChanges() {
    tokenSecret("writer-token", SimulatorResource.SECRET_TOKEN);
    create("refused", specWithSecret("banner-text", "writer-token")); // not boolean: 400
    awaitCondition("refused", ConditionTypes.STALLED, "True", "LaunchDarklyRejected");
    assertThat(countFor("banner-text", CallLog.CREATE_RELEASE)).isEqualTo(1);

    // written again with the same token (a newline a tool added), twice: the second pass reads
    // only after the first one ended, which would have sent the write again
    long reads = countFor("banner-text", CallLog.GET_RELEASE);
    for (String rewritten : List.of("\n", " ")) {
      long before = countFor("banner-text", CallLog.GET_RELEASE);
      tokenSecret("writer-token", SimulatorResource.SECRET_TOKEN + rewritten);
      org.awaitility.Awaitility.await()
          .atMost(WITHIN_SECONDS)
          .until(() -> countFor("banner-text", CallLog.GET_RELEASE) > before);
    }
    assertThat(countFor("banner-text", CallLog.GET_RELEASE)).isGreaterThanOrEqualTo(reads + 2);
    assertThat(countFor("banner-text", CallLog.CREATE_RELEASE))
        .as("a Secret written again with the same token re-arms no refused write")
        .isEqualTo(1);

    // the first try with the new token fails on the way: the next one still goes
    simulator.faults().failNextOn(CallLog.CREATE_RELEASE, 503);
    tokenSecret("writer-token", SimulatorResource.THIRD_TOKEN); // rotated: another token

    org.awaitility.Awaitility.await()
        .atMost(WITHIN_SECONDS)
        .until(() -> countFor("banner-text", CallLog.CREATE_RELEASE) == 3);
    assertThat(callsFor("banner-text").stream().map(c -> c.method() + " " + c.status()))
        .containsSubsequence("PUT 400", "PUT 503", "PUT 400");
  }

  private static FlagReleaseSpec specWithSecret(String flag, String secret) {
    return specThrough(secret, flag, "fast-track", phase("Canary", Started));
  }
}
