package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A person in another terminal, driving the sandbox with the real kubectl. */
@QuarkusTest
@QuarkusTestResource(value = SandboxResource.class, restrictToAnnotatedClass = true)
class SandboxKubectlIT {
  @InjectSandbox Sandbox sandbox;

  private Kubectl kubectl;

  @BeforeEach
  void kubectl() {
    Kubectl.requireInstalled();
    kubectl = new Kubectl(sandbox.kubeconfig());
  }

  @Test
  void applyWaitGetEditDescribeAndDeleteWithKubectl() throws IOException {
    Kubectl.Result applied = kubectl.run("apply", "-f", "examples/orphan-deletion.yaml");
    assertThat(applied.output()).contains("flagrelease.flagops.io/one-click-pay created");
    assertThat(applied.exitCode()).isZero();

    assertOk(kubectl.run("wait", "--for=condition=Ready", "fr/one-click-pay", "--timeout=30s"));
    JsonNode release = sandbox.launchDarkly().release("demo-shop", "one-click-pay").orElseThrow();
    assertThat(release.path("releasePipelineKey").asText()).isEqualTo("standard");
    assertThat(phase(release, 0).path("status").asText()).isEqualTo("Started");

    Kubectl.Result table = assertOk(kubectl.run("get", "fr"));
    assertThat(table.output().lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactlyElementsOf(Kubectl.GET_FR_COLUMNS);
    assertThat(table.output())
        .containsPattern(
            "one-click-pay\\s+demo-shop\\s+one-click-pay\\s+standard\\s+Testing\\s+Ready\\s+True"
                + "\\s+InSync");

    // kubectl edit, with an editor that completes the first phase in the spec
    Path editor = Files.createTempFile("editor", ".sh");
    Files.writeString(
        editor, "#!/bin/sh\nsed -i '0,/status: Started/s//status: Complete/' \"$1\"\n");
    editor.toFile().setExecutable(true);
    assertOk(kubectl.run(Map.of("KUBE_EDITOR", editor.toString()), "edit", "fr/one-click-pay"));
    assertOk(
        kubectl.run(
            "wait",
            "--for=jsonpath={.status.currentPhase}=Staging",
            "fr/one-click-pay",
            "--timeout=30s"));
    release = sandbox.launchDarkly().release("demo-shop", "one-click-pay").orElseThrow();
    assertThat(phase(release, 0).path("status").asText()).isEqualTo("Complete");

    Kubectl.Result described = assertOk(kubectl.run("describe", "fr", "one-click-pay"));
    assertThat(described.output()).contains("ReleaseCreated").contains("PhaseCompleted");

    assertOk(kubectl.run("delete", "fr/one-click-pay", "--timeout=30s"));
    assertThat(kubectl.run("get", "fr/one-click-pay").exitCode()).isNotZero();
    assertThat(sandbox.launchDarkly().release("demo-shop", "one-click-pay"))
        .as("deletionPolicy Orphan keeps the release")
        .isPresent();
  }

  @Test
  void deletingWithTheDefaultPolicyDeletesTheRelease() {
    assertOk(kubectl.run("apply", "-f", "examples/attach-to-pipeline.yaml"));
    assertOk(kubectl.run("wait", "--for=condition=Ready", "fr/new-checkout", "--timeout=30s"));
    assertThat(sandbox.launchDarkly().release("demo-shop", "new-checkout")).isPresent();

    assertOk(kubectl.run("delete", "-f", "examples/attach-to-pipeline.yaml", "--timeout=30s"));

    assertThat(sandbox.launchDarkly().release("demo-shop", "new-checkout")).isEmpty();
  }

  private static JsonNode phase(JsonNode release, int index) {
    return release.path("phases").get(index);
  }

  private static Kubectl.Result assertOk(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.output()).isZero();
    return result;
  }
}
