package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.simulator.CallLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default token as the chart and kustomize deliver it: a file from a mounted Secret, which may
 * appear after the operator started and changes in place when the token is rotated. Neither needs a
 * restart.
 */
class DefaultTokenRotationIT extends EmbeddedOperatorCase {
  @TempDir Path dir;

  @Test
  void aTokenFileThatAppearsOrChangesIsUsedWithoutARestart() throws IOException {
    harness = new Harness("/simulator/chaos-seed.yaml");
    Path token = dir.resolve("token");
    operator =
        EmbeddedOperator.start(
            harness.newClient(),
            EmbeddedSettings.fast(harness.simulator.baseUrl(), null)
                .with("launchdarkly.access-token-file", token.toString()),
            null);

    harness.createTwoStep("c-01", DesiredPhaseStatus.Started);
    awaitReason("c-01", "AccessTokenUnavailable");
    assertThat(harness.simulator.calls().size()).as("no call without a token").isZero();

    Files.writeString(token, "api-not-the-right-one"); // the Secret is created, with a wrong token
    awaitReason("c-01", "Unauthorized");

    Files.writeString(token, Harness.TOKEN); // rotated in place, as the kubelet does
    harness.awaitReady(List.of("c-01"), Duration.ofSeconds(20));
    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE, 200)).isEqualTo(1);
  }

  private void awaitReason(String name, String reason) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              FlagRelease resource = harness.get(name);
              return resource.getStatus() != null
                  && resource.getStatus().getConditions().stream()
                      .anyMatch(c -> c.getType().equals("Ready") && reason.equals(c.getReason()));
            });
  }
}
