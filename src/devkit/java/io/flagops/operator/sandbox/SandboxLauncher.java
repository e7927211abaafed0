package io.flagops.operator.sandbox;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.flagops.operator.CannotStart;
import io.flagops.operator.HttpPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code make run}: starts the sandbox (Kubernetes API, LaunchDarkly simulator), then the packaged
 * operator against it as a child process, then the console. Ctrl-C stops the operator first, so it
 * never calls a closed server.
 */
public final class SandboxLauncher {
  private static final Path WORK_DIR = Path.of(".sandbox");

  private SandboxLauncher() {}

  public static void main(String... args) {
    // the terminal shows the console; the servers' request logs would bury it
    Logger.getLogger("").setLevel(Level.WARNING);
    String locked = SandboxLock.acquire(WORK_DIR);
    if (locked != null) {
      CannotStart.exit(locked);
    }
    HttpPort port;
    try {
      port = httpPort();
    } catch (RuntimeException e) {
      CannotStart.exit(e.getMessage());
      return;
    }
    Path jar =
        Path.of(System.getProperty("flagops.sandbox.operator-jar", OperatorProcess.JAR.toString()));
    if (!Files.isRegularFile(jar)) {
      CannotStart.exit(
          "the packaged operator " + jar + " is missing: build it with `make package`");
    }
    Sandbox sandbox = Sandbox.start(WORK_DIR);
    OperatorProcess operator =
        OperatorProcess.start(
            jar,
            operatorEnvironment(sandbox),
            operatorSettings(port),
            WORK_DIR.resolve("operator.log"));
    AtomicBoolean stopping = new AtomicBoolean();
    Thread stop =
        new Thread(
            () -> {
              stopping.set(true);
              System.out.println();
              System.out.println("Stopping the operator and the sandbox.");
              operator.close();
              sandbox.close();
            },
            "sandbox-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    Path examples = Path.of(System.getProperty("flagops.sandbox.examples", "examples"));
    int exitCode;
    try (KubernetesClient kubernetes = client(sandbox)) {
      exitCode = new SandboxConsole(sandbox, kubernetes, operator, examples, port.number()).run();
    } catch (IOException | RuntimeException e) {
      System.out.println("The sandbox failed: " + CannotStart.cause(e));
      exitCode = 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (stopping.get()) {
      return; // Ctrl-C: the operator ended because it was asked to
    }
    System.out.println();
    System.out.println(stopped(exitCode, operator));
    System.exit(exitCode == 0 ? 1 : exitCode);
  }

  /** Why the operator ended on its own (Ctrl-C ends the launcher before it gets here). */
  private static String stopped(int exitCode, OperatorProcess operator) {
    String last = operator.lastLine();
    if (last.startsWith(CannotStart.PREFIX)) {
      return last;
    }
    return "The operator stopped (exit code "
        + exitCode
        + "); its last line: "
        + last
        + " (all of it in .sandbox/operator.log)";
  }

  /** The sandbox is the operator's cluster and LaunchDarkly; the token goes by environment. */
  private static Map<String, String> operatorEnvironment(Sandbox sandbox) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("KUBECONFIG", sandbox.kubeconfig().toAbsolutePath().toString());
    sandbox
        .launchDarklyConfig()
        .forEach(
            (property, value) ->
                environment.put(property.replaceAll("[.-]", "_").toUpperCase(Locale.ROOT), value));
    return environment;
  }

  private static Map<String, String> operatorSettings(HttpPort port) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(HttpPort.PROPERTY, String.valueOf(port.number()));
    // one team, one sandbox: every namespace may use the default token and its own Secrets
    settings.put("flagrelease.default-token.grants", "*=*");
    settings.put("flagrelease.token-secrets.namespaces", "*");
    // guarded phases last seconds here: poll as often while one is in progress
    settings.put("flagrelease.polling.progressing", "1s");
    settings.put("quarkus.banner.enabled", "false");
    return settings;
  }

  private static KubernetesClient client(Sandbox sandbox) throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(sandbox.kubeconfig()));
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * The configured HTTP port, or another free one when it is taken: the sandbox is a dev tool, it
   * should start whatever else runs on 8080.
   */
  private static HttpPort httpPort() {
    HttpPort wanted = HttpPort.configured();
    if (wanted.number() != 0 && wanted.isFree()) {
      return wanted;
    }
    HttpPort chosen = wanted.anyFree();
    if (wanted.number() != 0) {
      System.out.println(
          "Port "
              + wanted.number()
              + " is taken: the operator's /q/metrics and /q/health are on port "
              + chosen.number()
              + " instead.");
    }
    return chosen;
  }
}
