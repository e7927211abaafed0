package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.sandbox.KubectlGatewaySandbox.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl, driven against the gateway in front of the Fabric8 mock server. */
class KubectlGatewayKubectlIT {
  @TempDir static Path dir;
  private static KubectlGatewaySandbox sandbox;

  @BeforeAll
  static void start() throws Exception {
    if (KubectlGatewaySandbox.kubectlMissing() == null) {
      sandbox = KubectlGatewaySandbox.start(dir);
    }
  }

  /** Each test is reported skipped, with the reason, when there is no kubectl. */
  @BeforeEach
  void needKubectl() {
    KubectlGatewaySandbox.assumeKubectl();
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  @Test
  void applyCreatesAFlagReleaseWithClientValidationOn() throws Exception {
    Path file = sandbox.write("apply.yaml", KubectlGatewaySandbox.manifest("applied", "flag-a"));

    Run created = sandbox.kubectl("apply", "-f", file.toString()).succeeded();
    Run again = sandbox.kubectl("apply", "-f", file.toString()).succeeded();

    assertThat(created.out()).contains("flagrelease.flagops.io/applied created");
    assertThat(again.out()).contains("flagrelease.flagops.io/applied unchanged");
    FlagRelease stored = sandbox.get("applied");
    assertThat(stored.getSpec().getFlagKey()).isEqualTo("flag-a");
    assertThat(stored.getSpec().getPhases())
        .extracting(PhaseSpec::getName)
        .containsExactly("Testing", "Production");
    // defaults of the CRD schema are applied as the API server would
    assertThat(stored.getSpec().getDeletionPolicy()).hasToString("Delete");
  }

  @Test
  void applyReportsUnknownFieldsAndBadValues() throws Exception {
    Path unknown =
        sandbox.write(
            "unknown.yaml",
            KubectlGatewaySandbox.manifest("unknown", "flag-u")
                .replace("  projectKey: shop", "  projectKey: shop\n  colour: blue"));
    Path badEnum =
        sandbox.write(
            "bad-enum.yaml",
            KubectlGatewaySandbox.manifest("bad-enum", "flag-e")
                .replace("status: Started", "status: Begun"));

    Run strict = sandbox.kubectl("apply", "-f", unknown.toString());
    Run invalid = sandbox.kubectl("apply", "-f", badEnum.toString());

    assertThat(strict.exitCode()).isNotZero();
    assertThat(strict.err()).contains("unknown field \"spec.colour\"");
    assertThat(invalid.exitCode()).isNotZero();
    assertThat(invalid.err())
        .contains(
            "spec.phases[1].status: Invalid value: \"Begun\": does not have a value in the enumeration")
        .contains("\"Complete\", \"NotStarted\", \"Started\"");
    assertThat(sandbox.get("unknown")).isNull();
    assertThat(sandbox.get("bad-enum")).isNull();
  }

  @Test
  void applyAndCreateSecrets() throws Exception {
    Path file =
        sandbox.write(
            "secret.yaml",
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: Secret",
                "metadata:",
                "  name: ld-token",
                "stringData:",
                "  token: api-one",
                ""));

    sandbox.kubectl("apply", "-f", file.toString()).succeeded();
    Files.writeString(file, Files.readString(file).replace("api-one", "api-two"));
    sandbox.kubectl("apply", "-f", file.toString()).succeeded();
    sandbox
        .kubectl("create", "secret", "generic", "ld-other", "--from-literal=token=api-three")
        .succeeded();
    Run list = sandbox.kubectl("get", "secrets").succeeded();

    assertThat(secretToken("ld-token")).isEqualTo("api-two");
    assertThat(secretToken("ld-other")).isEqualTo("api-three");
    assertThat(list.out()).containsPattern("NAME\\s+TYPE\\s+DATA\\s+AGE");
    assertThat(list.out()).containsPattern("ld-token\\s+Opaque\\s+1\\s+");
  }

  /** kubectl create sends protobuf: the install guide's namespace, then kinds of its own. */
  @Test
  void createNamespaceConfigMapAndServiceAccount() throws Exception {
    sandbox.kubectl("create", "namespace", "team-proto").succeeded();
    sandbox
        .kubectl("-n", "team-proto", "create", "configmap", "settings", "--from-literal=a=b")
        .succeeded();
    sandbox.kubectl("-n", "team-proto", "create", "serviceaccount", "deployer").succeeded();
    Run namespaces = sandbox.kubectl("get", "namespaces").succeeded();

    assertThat(namespaces.out()).containsPattern("team-proto\\s+Active\\s+");
    assertThat(
            sandbox
                .mockClient
                .configMaps()
                .inNamespace("team-proto")
                .withName("settings")
                .get()
                .getData())
        .containsExactly(Map.entry("a", "b"));
    assertThat(
            sandbox
                .mockClient
                .serviceAccounts()
                .inNamespace("team-proto")
                .withName("deployer")
                .get())
        .isNotNull();
  }

  @Test
  void getShowsThePrinterColumns() throws Exception {
    sandbox.create("columns", "flag-c");
    sandbox.create("columns-bare", "flag-d");
    sandbox.setStatus("columns", ReleaseState.Progressing, "Production", "False");

    Run get = sandbox.kubectl("get", "fr").succeeded();

    List<String> lines = get.out().lines().toList();
    assertThat(lines.get(0).split("\\s+")).containsExactlyElementsOf(Kubectl.GET_FR_COLUMNS);
    String row = lines.stream().filter(l -> l.startsWith("columns ")).findFirst().orElseThrow();
    assertThat(row.split("\\s+"))
        .hasSize(9)
        .startsWith(
            "columns",
            "shop",
            "flag-c",
            "standard",
            "Production",
            "Progressing",
            "False",
            "WaitingForPhase");
    assertThat(row.split("\\s+")[8]).matches("\\d+s");
    String bare =
        lines.stream().filter(l -> l.startsWith("columns-bare ")).findFirst().orElseThrow();
    // missing status: empty cells, the age still last
    assertThat(bare.split("\\s+")).hasSize(5).startsWith("columns-bare", "shop", "flag-d");
  }

  @Test
  void wideOutputAddsTheMessage() throws Exception {
    sandbox.create("wide", "flag-w");
    sandbox.setStatus("wide", ReleaseState.Progressing, "Beta", "False");

    Run get = sandbox.kubectl("get", "fr", "wide", "-o", "wide").succeeded();

    List<String> lines = get.out().lines().toList();
    assertThat(lines.get(0)).containsPattern("REASON\\s+AGE\\s+MESSAGE$");
    assertThat(lines.get(1)).containsPattern("WaitingForPhase\\s+\\d+s\\s+waiting for phase Beta$");
  }

  @Test
  void getAsYamlCategoryAndAllNamespaces() throws Exception {
    sandbox.create("listed", "flag-l");

    Run yaml = sandbox.kubectl("get", "fr", "listed", "-o", "yaml").succeeded();
    Run category = sandbox.kubectl("get", "flagops").succeeded();
    Run all = sandbox.kubectl("get", "fr", "-A").succeeded();

    assertThat(yaml.out())
        .contains("kind: FlagRelease")
        .contains("name: listed")
        .contains("flagKey: flag-l");
    assertThat(category.out()).contains("PROJECT").containsPattern("listed\\s+shop\\s+flag-l");
    assertThat(all.out().lines().findFirst().orElseThrow())
        .startsWith("NAMESPACE")
        .contains("READY");
    assertThat(all.out()).containsPattern("default\\s+listed\\s+shop\\s+flag-l");
  }

  @Test
  void describeListsTheEventsOfTheResource() throws Exception {
    FlagRelease resource = sandbox.create("described", "flag-x");
    sandbox.create("described-other", "flag-y");
    event("described-1", resource, "PhaseStarted", "Started phase Production");
    FlagRelease other = sandbox.get("described-other");
    event("described-2", other, "ReleaseCreated", "Not about the described one");

    Run describe = sandbox.kubectl("describe", "fr", "described").succeeded();

    assertThat(describe.out())
        .contains("Name:         described")
        .contains("Flag Key:")
        .contains("Events:")
        .containsPattern("Normal\\s+PhaseStarted\\s+\\S+\\s+flagrelease-operator\\s+Started phase")
        .doesNotContain("Not about the described one");
  }

  @Test
  void mergePatchReplacesThePhases() throws Exception {
    sandbox.create("patched", "flag-p");

    sandbox
        .kubectl(
            "patch",
            "fr",
            "patched",
            "--type",
            "merge",
            "-p",
            "{\"spec\":{\"phases\":[{\"name\":\"Testing\",\"status\":\"Complete\"},"
                + "{\"name\":\"Production\",\"status\":\"Complete\"}]}}")
        .succeeded();

    FlagRelease patched = sandbox.get("patched");
    assertThat(patched.getSpec().getPhases())
        .extracting(p -> p.getName() + "=" + p.getStatus())
        .containsExactly("Testing=Complete", "Production=Complete");
    assertThat(patched.getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void editWithANonInteractiveEditor() throws Exception {
    sandbox.create("edited", "flag-ed");
    Path editor =
        sandbox.write(
            "editor.sh", "#!/bin/sh\nsed -i 's/status: Started/status: NotStarted/' \"$1\"\n");
    editor.toFile().setExecutable(true);

    Run edit = sandbox.kubectl(Map.of("KUBE_EDITOR", editor.toString()), null, "edit", "fr/edited");

    assertThat(edit.exitCode()).as(edit.err()).isZero();
    assertThat(edit.out()).contains("flagrelease.flagops.io/edited edited");
    assertThat(sandbox.get("edited").getSpec().getPhases())
        .extracting(p -> p.getName() + "=" + p.getStatus())
        .containsExactly("Testing=Complete", "Production=NotStarted");
  }

  @Test
  void waitForReadyEndsWhenTheConditionIsSet() throws Exception {
    sandbox.create("awaited", "flag-w");
    sandbox.setStatus("awaited", ReleaseState.Progressing, "Production", "False");
    CompletableFuture<Void> later =
        CompletableFuture.runAsync(
            () -> sandbox.setStatus("awaited", ReleaseState.Ready, null, "True"),
            CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));

    long started = System.nanoTime();
    Run wait = sandbox.kubectl("wait", "--for=condition=Ready", "fr/awaited", "--timeout=30s");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    later.join();

    assertThat(wait.exitCode()).as(wait.err()).isZero();
    assertThat(wait.out()).contains("flagrelease.flagops.io/awaited condition met");
    assertThat(took).isGreaterThan(Duration.ofMillis(1500)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void getWatchPrintsTheModifiedRow() throws Exception {
    sandbox.create("watched", "flag-wa");
    Path out = dir.resolve("watch.out");
    Path err = dir.resolve("watch.err");
    Process watch = sandbox.start(Map.of(), out, err, "get", "fr", "watched", "-w");
    try {
      await().atMost(Duration.ofSeconds(15)).until(() -> Files.readString(out).contains("watched"));
      sandbox.setStatus("watched", ReleaseState.Failed, "Production", "False");
      await().atMost(Duration.ofSeconds(15)).until(() -> Files.readString(out).contains("Failed"));
    } finally {
      watch.destroy();
      watch.waitFor(5, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readString(out, StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).startsWith("NAME").contains("CURRENT-PHASE");
    assertThat(lines).filteredOn(l -> l.startsWith("NAME")).hasSize(1);
    assertThat(lines)
        .anyMatch(
            l ->
                l.matches(
                    "watched\\s+shop\\s+flag-wa\\s+standard\\s+Production\\s+Failed\\s+False"
                        + "\\s+WaitingForPhase\\s+\\d+s"));
  }

  @Test
  void deleteThenWaitForDeleteUntilTheFinalizerGoes() throws Exception {
    sandbox.create("doomed", "flag-z", "flagops.io/finalizer");

    sandbox.kubectl("delete", "fr", "doomed", "--wait=false").succeeded();
    Run stamp =
        sandbox
            .kubectl("get", "fr", "doomed", "-o", "jsonpath={.metadata.deletionTimestamp}")
            .succeeded();
    assertThat(stamp.out()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    Path out = dir.resolve("wait-delete.out");
    Path err = dir.resolve("wait-delete.err");
    Process wait =
        sandbox.start(Map.of(), out, err, "wait", "--for=delete", "fr/doomed", "--timeout=30s");
    // kubectl wait must still be waiting a second later: the finalizer holds the object
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(wait::isAlive);

    Run unblock =
        sandbox
            .kubectl(
                "patch",
                "fr",
                "doomed",
                "--type",
                "merge",
                "-p",
                "{\"metadata\":{\"finalizers\":null}}")
            .succeeded();

    assertThat(wait.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(wait.exitValue()).as(Files.readString(err)).isZero();
    assertThat(Files.readString(out)).contains("flagrelease.flagops.io/doomed condition met");
    assertThat(unblock.out()).contains("flagrelease.flagops.io/doomed patched");
    assertThat(sandbox.get("doomed")).isNull();
  }

  @Test
  void explainReadsTheSchema() throws Exception {
    Run explain = sandbox.kubectl("explain", "fr.spec.phases").succeeded();

    assertThat(explain.out())
        .contains("KIND:       FlagRelease")
        .contains("enum: Complete, NotStarted, Started");
  }

  private static String secretToken(String name) {
    Secret secret = sandbox.mockClient.secrets().inNamespace("default").withName(name).get();
    return new String(
        Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
  }

  private static void event(String name, FlagRelease about, String reason, String message) {
    String now =
        java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    sandbox
        .mockClient
        .v1()
        .events()
        .inNamespace("default")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("flagops.io/v1alpha1")
                .withKind("FlagRelease")
                .withName(about.getMetadata().getName())
                .withNamespace("default")
                .withUid(about.getMetadata().getUid())
                .endInvolvedObject()
                .withType("Normal")
                .withReason(reason)
                .withMessage(message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource()
                .withComponent("flagrelease-operator")
                .endSource()
                .build())
        .create();
  }
}
