package io.flagops.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alerts (files/alerts.yaml) through Prometheus' own tool: valid rules, and each alert
 * fires when it should and not before (src/test/resources/prometheus/alerts-test.yaml).
 */
class AlertRulesTest {
  static final Path ALERTS = HelmChart.DIR.resolve("files/alerts.yaml").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void theRulesAreValid() {
    Run check = promtool("check", "rules", ALERTS.toString());

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 6 rules found");
  }

  @Test
  void eachAlertFiresWhenItShouldAndNotBefore() throws IOException {
    String tests =
        Files.readString(Path.of("src/test/resources/prometheus/alerts-test.yaml"))
            .replace("ALERTS_FILE", ALERTS.toString());
    Path file = Files.writeString(dir.resolve("alerts-test.yaml"), tests);

    Run test = promtool("test", "rules", file.toString());

    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  private record Run(int exitCode, String output) {}

  /** Runs promtool, which .ci/run installs (Debian's prometheus package); fails without it. */
  private static Run promtool(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("promtool did not finish in 60 s");
      }
      return new Run(process.exitValue(), output);
    } catch (IOException e) {
      return fail(
          "promtool is not on the PATH: the alert tests need it; .ci/run installs it (Debian's"
              + " prometheus package), install it the same way to run them here");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }
}
