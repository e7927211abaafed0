package io.flagops.operator.sandbox;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** Starts the same sandbox as {@code make run} and points the operator under test at it. */
public class SandboxResource implements QuarkusTestResourceLifecycleManager {
  private Sandbox sandbox;

  @Override
  public Map<String, String> start() {
    try {
      sandbox = Sandbox.start(Files.createTempDirectory("sandbox"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> config = new HashMap<>(sandbox.launchDarklyConfig());
    config.put("quarkus.kubernetes-client.api-server-url", sandbox.apiServerUrl());
    config.put("quarkus.kubernetes-client.namespace", "default");
    config.put("flagrelease.polling.progressing", "1s");
    return config;
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        sandbox, new TestInjector.AnnotatedAndMatchesType(InjectSandbox.class, Sandbox.class));
  }

  @Override
  public void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }
}
