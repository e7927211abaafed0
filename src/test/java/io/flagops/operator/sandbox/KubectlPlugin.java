package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code kubectl flagrelease ...} as a user does: the real kubectl finds the built plugin
 * (target/kubectl-flagrelease) on the PATH; the kubeconfig and the LaunchDarkly settings come from
 * the environment.
 */
final class KubectlPlugin {
  static final Path HOME = Path.of("target", "kubectl-flagrelease").toAbsolutePath();

  private final Map<String, String> environment;

  KubectlPlugin(Path kubeconfig, Map<String, String> environment) {
    assertThat(HOME.resolve("kubectl-flagrelease"))
        .as("the plugin is built by `mvn package` (make package)")
        .isExecutable();
    this.environment = new HashMap<>(environment);
    this.environment.put("KUBECONFIG", kubeconfig.toString());
    this.environment.put("PATH", HOME + ":" + System.getenv("PATH"));
    if (System.getenv("JAVA_HOME") != null) {
      this.environment.putIfAbsent("JAVA_HOME", System.getenv("JAVA_HOME"));
    }
  }

  /** The same user, another cluster or other settings ({@code null} removes a variable). */
  KubectlPlugin with(String name, String value) {
    KubectlPlugin other = new KubectlPlugin(Path.of(environment.get("KUBECONFIG")), environment);
    if (value == null) {
      other.environment.remove(name);
    } else {
      other.environment.put(name, value);
    }
    return other;
  }

  record Result(int exitCode, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  Result run(String... args) {
    List<String> command = new ArrayList<>(List.of("kubectl", "flagrelease"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().clear();
    builder.environment().putAll(environment);
    builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
    try {
      Process process = builder.start();
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl flagrelease " + String.join(" ", args) + " hung");
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Path file(String yaml) {
    try {
      Path file = Files.createTempFile("flagrelease", ".yaml");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        });
  }
}
