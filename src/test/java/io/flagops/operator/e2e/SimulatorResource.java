package io.flagops.operator.e2e;

import io.flagops.operator.simulator.LaunchDarklySimulator;
import io.flagops.operator.simulator.SimulatorSeed;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Starts the LaunchDarkly simulator for a Quarkus test and points the operator at it. */
public class SimulatorResource implements QuarkusTestResourceLifecycleManager {
  /** The operator's default token; the seed accepts it. */
  public static final String DEFAULT_TOKEN = "api-e2e-default-token-5f2c9a81";

  /** A second valid token, for FlagReleases that name a Secret. */
  public static final String SECRET_TOKEN = "api-e2e-secret-token-7d1e0b44";

  /** A third valid token: another account as far as the operator can tell. */
  public static final String THIRD_TOKEN = "api-e2e-third-token-2b6d9c10";

  private LaunchDarklySimulator simulator;

  @Override
  public Map<String, String> start() {
    simulator = LaunchDarklySimulator.start(0, SimulatorSeed.parse(seed()));
    return Map.of(
        "launchdarkly.base-url", simulator.baseUrl(), "launchdarkly.access-token", DEFAULT_TOKEN);
  }

  @Override
  public void inject(TestInjector injector) {
    injector.injectIntoFields(
        simulator,
        new TestInjector.AnnotatedAndMatchesType(
            InjectSimulator.class, LaunchDarklySimulator.class));
  }

  @Override
  public void stop() {
    if (simulator != null) {
      simulator.close();
    }
  }

  private static String seed() {
    try (InputStream in = SimulatorResource.class.getResourceAsStream("/simulator/e2e-seed.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
