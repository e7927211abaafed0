package io.flagops.operator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.e2e.LogCapture;
import io.flagops.operator.simulator.CallLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
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
    startWithTokenFile(token.toString());

    harness.createTwoStep("c-01", DesiredPhaseStatus.Started);
    awaitReason("c-01", "AccessTokenUnavailable");
    assertThat(harness.simulator.calls().size()).as("no call without a token").isZero();

    Files.writeString(token, "api-not-the-right-one"); // the Secret is created, with a wrong token
    awaitReason("c-01", "Unauthorized");

    Files.writeString(token, Harness.TOKEN); // rotated in place, as the kubelet does
    harness.awaitReady(List.of("c-01"), Duration.ofSeconds(20));
    assertThat(harness.simulator.calls().count(CallLog.CREATE_RELEASE, 200)).isEqualTo(1);
  }

  @Test
  void aTokenGivenWhereItsFileBelongsIsShownNowhere() {
    // the admin put the token in LAUNCHDARKLY_ACCESS_TOKEN_FILE instead of a path to it
    String token = "api-b7d1e0c4-looks-like-a-token";
    LogCapture logs = LogCapture.install();
    try {
      harness = new Harness("/simulator/chaos-seed.yaml");
      startWithTokenFile(token);
      harness.createTwoStep("c-21", DesiredPhaseStatus.Started);
      awaitReason("c-21", "AccessTokenUnavailable");

      FlagRelease resource = harness.get("c-21");
      assertThat(resource.getStatus().getMessage())
          .contains("LAUNCHDARKLY_ACCESS_TOKEN_FILE")
          .doesNotContain(token);
      assertThat(resource.getStatus().getConditions())
          .allSatisfy(c -> assertThat(c.getMessage()).doesNotContain(token));
      assertThat(harness.client.v1().events().inNamespace(Harness.NAMESPACE).list().getItems())
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(token));
      assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(token));
    } finally {
      logs.uninstall();
    }
  }

  @Test
  void theDefaultTokenMovedFromItsVariableToAFileIsTheSameSource() throws IOException {
    startOnChaosSeed();
    harness.createTwoStep("c-22", DesiredPhaseStatus.Started);
    harness.awaitReady(List.of("c-22"), Duration.ofSeconds(20));
    assertThat(harness.get("c-22").getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    operator.close();

    // installed with Helm now: the same token, from a mounted Secret's file
    Path file = dir.resolve("token");
    Files.writeString(file, Harness.TOKEN);
    startWithTokenFile(file.toString());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> harness.get("c-22").getStatus().getTokenVersion().startsWith("file@"));
    assertThat(harness.get("c-22").getStatus().getReleaseOrigin())
        .as("the release this operator created is still its own")
        .isEqualTo(ReleaseOrigin.Created);

    harness.client.resource(harness.get("c-22")).delete();
    await().atMost(Duration.ofSeconds(20)).until(() -> harness.get("c-22") == null);
    assertThat(harness.simulator.release("chaos", "c-22"))
        .as("deletionPolicy Delete deletes the release it created")
        .isEmpty();
  }

  /**
   * A new pod (an upgrade, a drained node, a failover) mounts the token Secret afresh: the file is
   * new, the token the same. Nothing is written again: no status, no write LaunchDarkly refused.
   */
  @Test
  void aRestartThatMountsTheSameTokenAgainWritesNothingAgain() throws IOException {
    harness = new Harness("/simulator/chaos-seed.yaml");
    Path token = dir.resolve("token");
    Files.writeString(token, Harness.TOKEN);
    startWithTokenFile(token.toString());
    harness.createTwoStep("c-24", DesiredPhaseStatus.Started);
    harness.awaitReady(List.of("c-24"), Duration.ofSeconds(20));
    harness.simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);
    harness.simulator.faults().failNextOn(CallLog.UPDATE_PHASE, 400);
    harness.createTwoStep("c-25", DesiredPhaseStatus.Started);
    awaitReason("c-25", "LaunchDarklyRejected");
    String inSync = harness.get("c-24").getMetadata().getResourceVersion();
    long refusedWrites = phaseWritesOf("c-25");
    operator.close();

    Files.writeString(token, Harness.TOKEN);
    Files.setLastModifiedTime(token, FileTime.from(Instant.now().plusSeconds(5)));
    startWithTokenFile(token.toString());
    long reads = harness.simulator.calls().count(CallLog.GET_RELEASE);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> harness.simulator.calls().count(CallLog.GET_RELEASE) >= reads + 6);

    assertThat(harness.get("c-24").getMetadata().getResourceVersion())
        .as("no status write for a token that did not change")
        .isEqualTo(inSync);
    assertThat(phaseWritesOf("c-25"))
        .as("the refused write not sent again")
        .isEqualTo(refusedWrites);
    awaitReason("c-25", "LaunchDarklyRejected");
  }

  private long phaseWritesOf(String flag) {
    return harness.simulator.calls().entries().stream()
        .filter(c -> c.route().equals(CallLog.UPDATE_PHASE) && c.path().contains("/" + flag + "/"))
        .count();
  }

  /** An operator whose default token comes from the file named {@code file}, as Helm sets it. */
  private void startWithTokenFile(String file) {
    operator =
        EmbeddedOperator.start(
            harness.newClient(),
            EmbeddedSettings.fast(harness.simulator.baseUrl(), null)
                .with("launchdarkly.access-token-file", file),
            null);
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
