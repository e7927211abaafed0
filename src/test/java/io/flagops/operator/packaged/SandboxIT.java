package io.flagops.operator.packaged;

import static io.flagops.operator.packaged.OperatorJar.assertCannotStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.sandbox.Kubectl;
import io.flagops.operator.sandbox.Sandbox;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make run}: the sandbox starts when its HTTP port is taken, and a second one in the same
 * directory refuses to start instead of taking over the first one's kubeconfig. One sandbox serves
 * both tests (it is the slow part).
 */
class SandboxIT {
  private static final Pattern CHOSEN_PORT =
      Pattern.compile("^Port (\\d+) is taken: .* on port (\\d+) instead\\.$");

  private static final Pattern SETTLED =
      Pattern.compile("^All (\\d+) examples settled \\(Ready or Suspended\\)");

  @TempDir static Path dir;

  private static ServerSocket taken;
  private static OperatorJar first;

  @BeforeAll
  static void startSandboxWhileItsPortIsTaken() throws IOException {
    taken = new ServerSocket(0);
    first = sandbox();
    first.awaitStdout(Pattern.compile("^Applied \\d+ FlagReleases"));
  }

  @AfterAll
  static void stop() throws IOException {
    if (first != null) {
      first.close();
    }
    if (taken != null) {
      taken.close();
    }
  }

  @Test
  void picksAnotherPortWhenItsHttpPortIsTaken() {
    var chosen = first.awaitStdout(CHOSEN_PORT);
    assertThat(Integer.parseInt(chosen.group(1))).isEqualTo(taken.getLocalPort());
    int port = Integer.parseInt(chosen.group(2));
    assertThat(port).isNotEqualTo(taken.getLocalPort());
    assertThat(first.stdout()).anyMatch(line -> line.contains("localhost:" + port + "/q/metrics"));

    HttpClient http = HttpClient.newHttpClient();
    URI health = URI.create("http://127.0.0.1:" + port + "/q/health/live");
    await()
        .atMost(OperatorJar.START)
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(health).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
  }

  @Test
  void theExamplesSettleUnderTheOperatorTheSandboxStarted() {
    var settled = first.awaitStdout(SETTLED);
    assertThat(Integer.parseInt(settled.group(1))).isPositive();
    assertThat(dir.resolve(".sandbox").resolve("operator.log"))
        .content()
        .contains("Installed features")
        .doesNotContain(Sandbox.DEFAULT_TOKEN);
  }

  /** The README's next step: kubectl apply of an example make run applied. */
  @Test
  void applyingAnAppliedExampleAgainChangesNothingAndWarnsNothing() {
    Kubectl.requireInstalled();
    first.awaitStdout(SETTLED);
    Kubectl kubectl = new Kubectl(dir.resolve(".sandbox").resolve("kubeconfig"));

    Kubectl.Result applied =
        kubectl.run(
            "apply", "-f", OperatorJar.EXAMPLES.resolve("token-from-secret.yaml").toString());

    assertThat(applied.exitCode()).as(applied.output()).isZero();
    // no warning that the annotation is missing; stringData is write-only, so a Secret that
    // has it is patched again by every apply, as on a cluster
    assertThat(applied.output())
        .isEqualTo(
            "secret/launchdarkly-team-token configured\n"
                + "flagrelease.flagops.io/gift-cards unchanged\n");
  }

  @Test
  void aSecondSandboxInTheSameDirectoryRefusesToStart() throws IOException {
    Path kubeconfig = dir.resolve(".sandbox").resolve("kubeconfig");
    byte[] before = Files.readAllBytes(kubeconfig);

    String line;
    try (OperatorJar second = sandbox()) {
      line = assertCannotStart(second.awaitExit());
    }

    assertThat(line).contains("already running", "pid " + first.pid(), "kill " + first.pid());
    assertThat(Files.readAllBytes(kubeconfig))
        .as("the first sandbox's kubeconfig")
        .isEqualTo(before);
    assertThat(first.isAlive()).isTrue();
  }

  private static OperatorJar sandbox() {
    return OperatorJar.startSandbox(
        dir,
        Map.of(),
        "-Dflagops.sandbox.examples=" + OperatorJar.EXAMPLES,
        "-Dquarkus.http.port=" + taken.getLocalPort());
  }
}
