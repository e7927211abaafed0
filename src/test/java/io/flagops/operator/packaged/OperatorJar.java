package io.flagops.operator.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.HttpPort;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}, built by the package phase)
 * run as a user runs it: a separate process, in a directory, with an environment of its own (no
 * variable of the machine running the tests leaks in).
 */
final class OperatorJar implements AutoCloseable {
  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
  static final Path EXAMPLES = Path.of("examples").toAbsolutePath();
  static final String CANNOT_START = "flagrelease-operator cannot start: ";

  /** Generous: two cores, and other builds on the same machine. */
  static final Duration START = Duration.ofSeconds(90);

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Thread stdoutReader;
  private final Thread stderrReader;

  private OperatorJar(Process process) {
    this.process = process;
    this.stdoutReader = reader(process.getInputStream(), stdout, "stdout");
    this.stderrReader = reader(process.getErrorStream(), stderr, "stderr");
  }

  /**
   * Starts {@code java <javaOptions> -jar quarkus-run.jar} in workDir with only HOME (workDir/home)
   * and env in its environment.
   */
  static OperatorJar start(Path workDir, Map<String, String> env, String... javaOptions) {
    assertThat(JAR).as("the packaged operator; run the package phase first").isRegularFile();
    List<String> arguments = new ArrayList<>(List.of(javaOptions));
    arguments.addAll(List.of("-jar", JAR.toString()));
    return java(workDir, env, arguments);
  }

  /** Starts the dev kit's sandbox as {@code make run} does; it starts the packaged operator. */
  static OperatorJar startSandbox(Path workDir, Map<String, String> env, String... javaOptions) {
    assertThat(JAR).as("the packaged operator; run the package phase first").isRegularFile();
    Path target = JAR.getParent().getParent();
    String classpath;
    try {
      classpath =
          String.join(
              File.pathSeparator,
              target.resolve("test-classes").toString(),
              target.resolve("classes").toString(),
              Files.readString(target.resolve("devkit.classpath")).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> arguments = new ArrayList<>(List.of(javaOptions));
    arguments.add("-Dflagops.sandbox.operator-jar=" + JAR);
    arguments.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    arguments.addAll(List.of("-cp", classpath, "io.flagops.operator.sandbox.SandboxLauncher"));
    return java(workDir, env, arguments);
  }

  private static OperatorJar java(Path workDir, Map<String, String> env, List<String> arguments) {
    Path home = workDir.resolve("home");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Duser.home=" + home);
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().clear();
    builder.environment().put("HOME", home.toString());
    builder.environment().putAll(env);
    try {
      Files.createDirectories(home);
      return new OperatorJar(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a finished run printed. */
  record Result(int exitCode, List<String> stdout, List<String> stderr) {}

  /** Asks the process to stop (SIGTERM, as the kubelet does) and waits until it has ended. */
  Result stop() {
    process.destroy();
    return awaitExit();
  }

  /** Waits until the process ends on its own. */
  Result awaitExit() {
    try {
      assertThat(process.waitFor(START.toSeconds(), TimeUnit.SECONDS))
          .as("the operator ends by itself; stdout %s, stderr %s", stdout, stderr)
          .isTrue();
      stdoutReader.join(START.toMillis());
      stderrReader.join(START.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new Result(process.exitValue(), List.copyOf(stdout), List.copyOf(stderr));
  }

  /** Waits until a line of stdout matches; returns its match. */
  Matcher awaitStdout(Pattern line) {
    await()
        .atMost(START)
        .pollInterval(Duration.ofMillis(100))
        .failFast("the operator ended; stderr " + stderr, () -> !process.isAlive())
        .until(() -> find(line).isPresent());
    return find(line).orElseThrow();
  }

  private Optional<Matcher> find(Pattern line) {
    return stdout.stream().map(line::matcher).filter(Matcher::find).findFirst();
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  List<String> stdout() {
    return List.copyOf(stdout);
  }

  List<String> stderr() {
    return List.copyOf(stderr);
  }

  /** Asks the process to stop (Ctrl-C), then kills it if it does not. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Asserts the one-line refusal: exit code 2, one line on stderr, nothing on stdout. */
  static String assertCannotStart(Result result) {
    assertThat(result.stderr())
        .as("stderr: one line, no stack trace (stdout %s)", result.stdout())
        .hasSize(1);
    String line = result.stderr().get(0);
    assertThat(line).startsWith(CANNOT_START).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(result.stdout()).as("stdout").isEmpty();
    assertThat(result.exitCode()).as("exit code; stderr %s", line).isEqualTo(2);
    return line;
  }

  /**
   * A port nothing listens on (free when this returns), chosen as the sandbox chooses one: not from
   * the range a test in the other JVM may be handed for its own sockets meanwhile.
   */
  static int freePort() {
    return new HttpPort("0.0.0.0", 0).anyFree().number();
  }

  /** Writes a kubeconfig whose current context points at server (with a dummy token). */
  static Path writeKubeconfig(Path file, String server) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: test",
            "  cluster:",
            "    server: " + server,
            "users:",
            "- name: test",
            "  user:",
            "    token: not-a-secret",
            "contexts:",
            "- name: test",
            "  context:",
            "    cluster: test",
            "    user: test",
            "    namespace: default",
            "current-context: test",
            "");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private static Thread reader(InputStream in, List<String> lines, String name) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "operator-jar-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
