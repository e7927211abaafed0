package io.flagops.operator.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flagops.operator.simulator.SimulatorSeed.AudienceSeed;
import io.flagops.operator.simulator.SimulatorSeed.FlagSeed;
import io.flagops.operator.simulator.SimulatorSeed.PhaseSeed;
import io.flagops.operator.simulator.SimulatorSeed.PipelineSeed;
import io.flagops.operator.simulator.SimulatorSeed.ProjectSeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading seeds: the default one, YAML and JSON files, and refusing broken ones. */
class SimulatorSeedTest {
  private static final String MINIMAL =
      """
      tokens: [t]
      projects:
        - key: p
          flags:
            - key: f
          pipelines:
            - key: pl
              name: Pipeline
              phases:
                - name: One
                  audiences:
                    - name: All
                      environmentKey: production
      """;

  @Test
  void defaultSeedLoadsAndServes() {
    SimulatorSeed seed = SimulatorSeed.defaultSeed();

    assertThat(seed.tokens()).contains("api-sim-token-0000");
    assertThat(seed.projects()).hasSizeGreaterThanOrEqualTo(2);
    List<FlagSeed> flags = seed.projects().stream().flatMap(p -> p.flags().stream()).toList();
    assertThat(flags).anyMatch(FlagSeed::isBoolean).anyMatch(f -> !f.isBoolean());
    List<PipelineSeed> pipelines =
        seed.projects().stream().flatMap(p -> p.pipelines().stream()).toList();
    assertThat(pipelines).anyMatch(PipelineSeed::legacy);
    assertThat(pipelines).allMatch(p -> p.phases().size() >= 2 && p.phases().size() <= 4);
    assertThat(pipelines.stream().map(p -> p.phases().size()).distinct()).hasSizeGreaterThan(1);
    assertThat(pipelines)
        .anyMatch(
            p ->
                p.phases().stream()
                    .flatMap(ph -> ph.audiences().stream())
                    .anyMatch(a -> a.releaseGuardian() != null));

    try (LaunchDarklySimulator simulator = LaunchDarklySimulator.start(0, seed)) {
      SimHttp.Reply reply =
          new SimHttp(simulator)
              .send(
                  "GET",
                  "/api/v2/projects/web-shop/release-pipelines",
                  null,
                  Map.of("Authorization", "api-sim-token-0000", "LD-API-Version", "beta"));
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.json().path("totalCount").asInt())
          .isEqualTo(seed.projects().get(0).pipelines().size());
    }
  }

  @Test
  void minimalSeedGetsDefaults() {
    SimulatorSeed seed = SimulatorSeed.parse(MINIMAL);
    ProjectSeed project = seed.projects().get(0);
    assertThat(project.name()).isEqualTo("p");
    FlagSeed flag = project.flags().get(0);
    assertThat(flag.kind()).isEqualTo("boolean");
    assertThat(flag.variations())
        .extracting(SimulatorSeed.VariationSeed::value)
        .containsExactly(true, false);
    assertThat(SimulatorSeed.parse(MINIMAL).projects().get(0).flags().get(0).variations())
        .as("default variation ids are stable")
        .isEqualTo(flag.variations());
    PipelineSeed pipeline = project.pipelines().get(0);
    assertThat(pipeline.description()).isEmpty();
    assertThat(pipeline.legacy()).isFalse();
    AudienceSeed audience = pipeline.phases().get(0).audiences().get(0);
    assertThat(audience.segmentKeys()).isEmpty();
    assertThat(audience.requireApproval()).isFalse();
    assertThat(audience.releaseGuardian()).isNull();
  }

  @Test
  void loadsYamlAndJsonFiles(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("seed.yaml");
    Files.writeString(yaml, MINIMAL);
    Path json = dir.resolve("seed.json");
    Files.writeString(
        json,
        "{\"tokens\":[\"t\"],\"projects\":[{\"key\":\"p\",\"flags\":[{\"key\":\"f\"}],"
            + "\"pipelines\":[{\"key\":\"pl\",\"name\":\"Pipeline\",\"phases\":[{\"name\":\"One\","
            + "\"audiences\":[{\"name\":\"All\",\"environmentKey\":\"production\"}]}]}]}]}");
    assertThat(SimulatorSeed.load(json)).isEqualTo(SimulatorSeed.load(yaml));
  }

  @Test
  void brokenSeedsAreRefused() {
    assertRefused(MINIMAL.replace("tokens: [t]", "tokens: []"), "access token");
    assertRefused(MINIMAL.replace("environmentKey", "environment"), "environment");
    assertRefused(MINIMAL + "\n  - key: p\n", "duplicate project key 'p'");
    assertRefused(
        MINIMAL.replace("name: Pipeline", "name: Pipeline\n        legacy: maybe"), "legacy");
    assertRefused(
        MINIMAL.replace(
            "environmentKey: production",
            "environmentKey: production\n                releaseGuardian:\n"
                + "                  monitoringWindowMilliseconds: 1000"),
        "rolloutWeight");
    assertRefused(
        MINIMAL.replace(
            "environmentKey: production",
            "environmentKey: production\n                releaseGuardian:\n"
                + "                  monitoringWindowMilliseconds: 0\n"
                + "                  rolloutWeight: 5"),
        "monitoringWindowMilliseconds must be positive");
    assertRefused(
        MINIMAL.replace("- key: f", "- key: f\n        kind: multivariate"), "variations");
    assertRefused("", "empty");
  }

  @Test
  void recordsCheckThemselvesWhenBuiltInCode() {
    assertThatThrownBy(() -> new PhaseSeed("One", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one audience");
    assertThatThrownBy(() -> new SimulatorSeed.GuardianSeed(1000, 101, false, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRefused(String seed, String messagePart) {
    assertThatThrownBy(() -> SimulatorSeed.parse(seed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(messagePart);
  }
}
