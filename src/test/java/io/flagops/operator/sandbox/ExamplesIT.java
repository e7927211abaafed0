package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every manifest in examples/ reaches the state examples/README.md promises for it. */
@QuarkusTest
@QuarkusTestResource(value = SandboxResource.class, restrictToAnnotatedClass = true)
class ExamplesIT {
  private static final Pattern PROMISE =
      Pattern.compile("^\\| `([a-z-]+\\.yaml)` \\|.*\\| \\*\\*([A-Za-z]+)\\*\\* \\|$");

  @Inject KubernetesClient kubernetes;

  @InjectSandbox Sandbox sandbox;

  @Test
  void everyExampleReachesWhatItsReadmePromises() throws IOException {
    Map<String, ReleaseState> promised = promises();
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      assertThat(
              files
                  .filter(f -> f.toString().endsWith(".yaml"))
                  .map(f -> f.getFileName().toString()))
          .as("every example has a README entry")
          .containsExactlyInAnyOrderElementsOf(promised.keySet());
    }
    Map<String, ReleaseState> expectedByName = new LinkedHashMap<>();
    for (Map.Entry<String, ReleaseState> entry : promised.entrySet()) {
      try (InputStream in = Files.newInputStream(Path.of("examples", entry.getKey()))) {
        for (HasMetadata item : kubernetes.load(in).items()) {
          kubernetes.resource(item).inNamespace("default").create();
          if ("FlagRelease".equals(item.getKind())) {
            expectedByName.put(item.getMetadata().getName(), entry.getValue());
          }
        }
      }
    }

    expectedByName.forEach(
        (name, state) ->
            await(name + " reaches " + state)
                .atMost(Duration.ofSeconds(60))
                .until(() -> settledIn(name, state)));
    // the observed release was made by hand: Observe mode wrote nothing
    assertThat(
            sandbox.launchDarkly().calls().writes().stream()
                .filter(c -> c.path().contains("/dark-mode/")))
        .isEmpty();
    // the suspended one made no call at all
    assertThat(
            sandbox.launchDarkly().calls().entries().stream()
                .filter(c -> c.path().contains("/wishlist/")))
        .isEmpty();
  }

  private boolean settledIn(String name, ReleaseState state) {
    FlagRelease release =
        kubernetes.resources(FlagRelease.class).inNamespace("default").withName(name).get();
    return release != null && release.isSettledIn(state);
  }

  /** The README's table: file name to the state promised after apply. */
  static Map<String, ReleaseState> promises() throws IOException {
    Map<String, ReleaseState> promises = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("examples/README.md"))) {
      Matcher matcher = PROMISE.matcher(line);
      if (matcher.matches()) {
        promises.put(matcher.group(1), ReleaseState.valueOf(matcher.group(2)));
      }
    }
    return promises;
  }
}
