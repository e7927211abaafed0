package io.flagops.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image: the Dockerfile (images cannot be built on these machines, so its instructions are
 * checked), and the image reference the chart and kustomize deploy, which must be {@code
 * flagops/flagrelease-operator:<pom version>}.
 */
class ContainerImageTest {
  static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile");
  static final String REPOSITORY = "flagops/flagrelease-operator";

  @TempDir static Path tmp;
  private static List<String> instructions;

  @BeforeAll
  static void readDockerfile() throws IOException {
    assertThat(DOCKERFILE).exists();
    instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(DOCKERFILE)) {
      String trimmed = line.strip();
      if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
      } else {
        current.append(trimmed);
        instructions.add(current.toString());
        current.setLength(0);
      }
    }
  }

  private static List<String> instruction(String name) {
    return instructions.stream()
        .filter(i -> i.regionMatches(true, 0, name + " ", 0, name.length() + 1))
        .map(i -> i.substring(name.length() + 1).strip())
        .toList();
  }

  @Test
  void basedOnAMinimalJava17RuntimeWithoutARegistryHost() {
    // the chiselled JRE: no shell and no package manager at run time
    assertThat(instruction("FROM")).containsExactly("ubuntu/jre:17_edge");
    assertThat(Manifests.hasRegistryHost(instruction("FROM").get(0))).isFalse();
  }

  @Test
  void copiesTheQuarkusFastJarIntoDeployments() {
    assertThat(instruction("COPY"))
        .containsExactlyInAnyOrder(
            "target/quarkus-app/lib/ /deployments/lib/",
            "target/quarkus-app/app/ /deployments/app/",
            "target/quarkus-app/quarkus/ /deployments/quarkus/",
            "target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar");
  }

  @Test
  void runsAsANumericNonRootUserThatTheChartAgreesWith() throws IOException {
    List<String> users = instruction("USER");
    assertThat(users).hasSize(1);
    Matcher user = Pattern.compile("^(\\d+)(?::(\\d+))?$").matcher(users.get(0));
    assertThat(user.matches()).as("numeric USER, got %s", users.get(0)).isTrue();
    long uid = Long.parseLong(user.group(1));
    assertThat(uid).isPositive();
    assertThat(user.group(2)).isNotNull();
    // USER comes after everything that needs root, and nothing switches back
    int userAt = instructions.indexOf("USER " + users.get(0));
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).startsWith("COPY") || instructions.get(i).startsWith("RUN")) {
        assertThat(i).as("%s before USER", instructions.get(i)).isLessThan(userAt);
      }
    }

    JsonNode values = Manifests.YAML.readTree(HelmChart.DIR.resolve("values.yaml").toFile());
    assertThat(values.path("podSecurityContext").path("runAsUser").asLong()).isEqualTo(uid);
    assertThat(values.path("securityContext").path("runAsUser").asLong()).isEqualTo(uid);
    assertThat(values.path("securityContext").path("runAsGroup").asLong())
        .isEqualTo(Long.parseLong(user.group(2)));
  }

  @Test
  void exposesTheHttpPort() {
    assertThat(instruction("EXPOSE")).containsExactly("8080");
  }

  @Test
  void startsJavaAsPidOneWithoutAShell() {
    List<String> entrypoints = instruction("ENTRYPOINT");
    assertThat(entrypoints).hasSize(1);
    assertThat(entrypoints.get(0))
        .isEqualTo("[\"/opt/java/bin/java\", \"-jar\", \"/deployments/quarkus-run.jar\"]");
    assertThat(instruction("CMD")).isEmpty();
    assertThat(instruction("RUN")).as("nothing runs in the image, not even at build").isEmpty();
    // the JVM reads its options itself; nothing needs a shell to expand them
    assertThat(instruction("ENV")).anyMatch(e -> e.contains("JAVA_TOOL_OPTIONS="));
  }

  @Test
  void theChartDeploysThisVersionOfTheImageByDefault() throws IOException {
    String version = Manifests.pomVersion();
    JsonNode chartYaml = Manifests.YAML.readTree(HelmChart.DIR.resolve("Chart.yaml").toFile());
    assertThat(chartYaml.path("appVersion").asText()).isEqualTo(version);
    JsonNode values = Manifests.YAML.readTree(HelmChart.DIR.resolve("values.yaml").toFile());
    assertThat(values.path("image").path("repository").asText()).isEqualTo(REPOSITORY);
    assertThat(values.path("image").path("tag").asText()).as("empty: the appVersion").isEmpty();
    assertThat(values.path("image").path("registry").asText())
        .as("the chart names no registry of its own")
        .isEmpty();

    Path chart = HelmChart.copy(tmp);
    assertThat(image(HelmChart.render(chart, List.of())))
        .as("fully qualified")
        .isEqualTo(HelmChart.REGISTRY + "/" + REPOSITORY + ":" + version);
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    assertThat(image(HelmChart.render(chart, List.of(), "image.digest", digest)))
        .as("pinned by digest")
        .isEqualTo(HelmChart.REGISTRY + "/" + REPOSITORY + "@" + digest);
    assertThatThrownBy(() -> HelmChart.template(chart, List.of(), "image.registry", ""))
        .hasMessageContaining("image.registry is required");
  }

  private static String image(Manifests rendered) {
    return rendered
        .one(Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  @Test
  void kustomizeDeploysThisVersionOfTheImage() throws IOException {
    JsonNode kustomization =
        Manifests.YAML.readTree(Path.of("deploy/kustomize/base/kustomization.yaml").toFile());
    JsonNode images = kustomization.path("images");
    assertThat(images).hasSize(1);
    assertThat(images.get(0).path("name").asText()).isEqualTo(REPOSITORY);
    assertThat(images.get(0).path("newTag").asText()).isEqualTo(Manifests.pomVersion());
    // fully qualified, with a placeholder registry that never resolves: overlays set theirs
    assertThat(images.get(0).path("newName").asText()).isEqualTo("registry.invalid/" + REPOSITORY);
  }

  @Test
  void registryHostsAreRecognised() {
    // the check above must be able to fail
    assertThat(Manifests.hasRegistryHost("mirror.invalid/flagops/flagrelease-operator:1")).isTrue();
    assertThat(Manifests.hasRegistryHost("localhost:5000/flagrelease-operator:1")).isTrue();
    assertThat(Manifests.hasRegistryHost("localhost/flagrelease-operator")).isTrue();
    assertThat(Manifests.hasRegistryHost("flagops/flagrelease-operator:1")).isFalse();
    assertThat(Manifests.hasRegistryHost("eclipse-temurin:17-jre")).isFalse();
  }
}
