package io.flagops.operator.sandbox;

import io.flagops.operator.CannotStart;
import io.flagops.operator.HttpPort;
import io.quarkus.runtime.Quarkus;
import java.nio.file.Path;

/** Starts the sandbox, points the operator's configuration at it, then starts the operator. */
public final class SandboxLauncher {
  private static final Path WORK_DIR = Path.of(".sandbox");

  private SandboxLauncher() {}

  public static void run(String... args) {
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
    Sandbox sandbox = Sandbox.start(WORK_DIR);
    sandbox.launchDarklyConfig().forEach(System::setProperty);
    // the Fabric8 client's own settings: the sandbox's API, never the user's kubeconfig
    System.setProperty("kubernetes.master", sandbox.apiServerUrl());
    System.setProperty("kubernetes.namespace", "default");
    System.setProperty("kubernetes.auth.tryKubeConfig", "false");
    System.setProperty("kubernetes.auth.tryServiceAccount", "false");
    System.setProperty(HttpPort.PROPERTY, String.valueOf(port.number()));
    // one team, one sandbox: every namespace may use the default token and its own Secrets
    System.setProperty("flagrelease.default-token.grants", "*=*");
    System.setProperty("flagrelease.token-secrets.namespaces", "*");
    // guarded phases last seconds here: poll as often while one is in progress
    System.setProperty("flagrelease.polling.progressing", "1s");
    // the terminal shows the dashboard; the operator's log goes to a file
    System.setProperty("quarkus.log.console.enabled", "false");
    System.setProperty("quarkus.log.file.enabled", "true");
    System.setProperty("quarkus.log.file.path", WORK_DIR.resolve("operator.log").toString());
    System.setProperty("quarkus.banner.enabled", "false");
    System.setProperty("quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");
    SandboxApp.sandbox = sandbox;
    SandboxApp.httpPort = port.number();
    SandboxApp.examples = Path.of(System.getProperty("flagops.sandbox.examples", "examples"));
    // the servers go once the operator has stopped, so it never calls a closed one
    Quarkus.run(
        SandboxApp.class,
        (exitCode, error) -> {
          sandbox.close();
          System.exit(exitCode);
        },
        args);
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
