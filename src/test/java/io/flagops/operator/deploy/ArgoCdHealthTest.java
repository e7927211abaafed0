package io.flagops.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The Argo CD health check and resource actions of FlagRelease, run under LuaJ the way Argo CD runs
 * them: the resource, converted from JSON to a Lua table, is the global {@code obj}; a health
 * script returns {status, message}, discovery returns the actions, an action returns the object.
 */
class ArgoCdHealthTest {
  static final Path ARGOCD = Path.of("deploy/argocd");
  static final Path FIXTURES = Path.of("src/test/resources/argocd");

  // ---------------------------------------------------------------- Lua, the Argo CD way

  /** Argo CD opens only these libraries (no io, no os): a script using others fails here too. */
  private static Globals globals() {
    Globals globals = new Globals();
    globals.load(new BaseLib());
    globals.load(new PackageLib());
    globals.load(new TableLib());
    globals.load(new StringLib());
    globals.load(new JseMathLib());
    LoadState.install(globals);
    LuaC.install(globals);
    return globals;
  }

  static LuaValue run(Path script, JsonNode object) throws IOException {
    Globals globals = globals();
    globals.set("obj", toLua(object));
    return globals.load(Files.readString(script), script.toString()).call();
  }

  static LuaValue toLua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        table.set(field.getKey(), toLua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    if (node.isIntegralNumber()) {
      return LuaInteger.valueOf(node.longValue());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    return LuaValue.valueOf(node.asText());
  }

  /** Lua to Java like Argo CD: a table with keys 1..n is a list, any other table a map. */
  static Object fromLua(LuaValue value) {
    if (value.isnil()) {
      return null;
    }
    if (value.istable()) {
      LuaTable table = value.checktable();
      int length = table.length();
      if (length > 0 && table.keyCount() == length) {
        List<Object> list = new ArrayList<>();
        for (int i = 1; i <= length; i++) {
          list.add(fromLua(table.get(i)));
        }
        return list;
      }
      Map<String, Object> map = new LinkedHashMap<>();
      for (LuaValue key : table.keys()) {
        map.put(key.tojstring(), fromLua(table.get(key)));
      }
      return map;
    }
    if (value.isboolean()) {
      return value.toboolean();
    }
    if (value.isinttype()) {
      return value.toint();
    }
    if (value.isnumber()) {
      double d = value.todouble();
      return d == Math.rint(d) ? (Object) (int) d : (Object) d;
    }
    return value.tojstring();
  }

  static JsonNode fixture(String path) throws IOException {
    return Manifests.YAML.readTree(FIXTURES.resolve(path).toFile());
  }

  // ---------------------------------------------------------------- health

  static Stream<Arguments> healthTests() throws IOException {
    JsonNode tests = fixture("health_test.yaml").path("tests");
    List<Arguments> arguments = new ArrayList<>();
    for (JsonNode test : tests) {
      arguments.add(
          Arguments.of(
              test.path("inputPath").asText(),
              test.path("healthStatus").path("status").asText(),
              test.path("healthStatus").path("message").asText()));
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("healthTests")
  void healthOfEveryState(String inputPath, String status, String message) throws IOException {
    LuaValue result = run(ARGOCD.resolve("health.lua"), fixture(inputPath));
    assertThat(result.istable()).as("health.lua returns a table").isTrue();
    assertThat(result.get("status").tojstring()).isEqualTo(status);
    assertThat(result.get("message").tojstring()).isEqualTo(message);
  }

  @Test
  void everyFixtureIsUsedAndEveryArgoCdStatusButMissingAndUnknownIsCovered() throws IOException {
    List<String> statuses =
        healthTests().map(a -> (String) a.get()[1]).distinct().sorted().toList();
    assertThat(statuses).containsExactly("Degraded", "Healthy", "Progressing", "Suspended");
    List<String> used = new ArrayList<>();
    healthTests().forEach(a -> used.add((String) a.get()[0]));
    JsonNode actions = fixture("action_test.yaml");
    actions.path("discoveryTests").forEach(t -> used.add(t.path("inputPath").asText()));
    actions
        .path("actionTests")
        .forEach(
            t -> {
              used.add(t.path("inputPath").asText());
              used.add(t.path("expectedOutputPath").asText());
            });
    try (Stream<Path> files = Files.list(FIXTURES.resolve("testdata"))) {
      assertThat(files.map(p -> "testdata/" + p.getFileName()))
          .allSatisfy(f -> assertThat(used).contains(f));
    }
  }

  // ---------------------------------------------------------------- actions

  static Stream<Arguments> discoveryTests() throws IOException {
    List<Arguments> arguments = new ArrayList<>();
    for (JsonNode test : fixture("action_test.yaml").path("discoveryTests")) {
      Map<String, Boolean> expected = new LinkedHashMap<>();
      test.path("result")
          .forEach(r -> expected.put(r.path("name").asText(), r.path("disabled").asBoolean()));
      arguments.add(Arguments.of(test.path("inputPath").asText(), expected));
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("discoveryTests")
  void discoveryOffersSuspendOrResume(String inputPath, Map<String, Boolean> expected)
      throws IOException {
    LuaValue actions = run(ARGOCD.resolve("actions/discovery.lua"), fixture(inputPath));
    Map<String, Boolean> disabled = new LinkedHashMap<>();
    for (LuaValue name : actions.checktable().keys()) {
      LuaValue action = actions.get(name);
      disabled.put(name.tojstring(), action.get("disabled").toboolean());
      assertThat(action.get("iconClass").isstring()).isTrue();
      assertThat(action.get("displayName").isstring()).isTrue();
    }
    assertThat(disabled).containsExactlyInAnyOrderEntriesOf(expected);
  }

  static Stream<Arguments> actionTests() throws IOException {
    List<Arguments> arguments = new ArrayList<>();
    for (JsonNode test : fixture("action_test.yaml").path("actionTests")) {
      arguments.add(
          Arguments.of(
              test.path("action").asText(),
              test.path("inputPath").asText(),
              test.path("expectedOutputPath").asText()));
    }
    return arguments.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("actionTests")
  void actionsSetSpecSuspendAndNothingElse(String action, String input, String expected)
      throws IOException {
    LuaValue result = run(ARGOCD.resolve("actions/" + action + "/action.lua"), fixture(input));
    Object actual = fromLua(result);
    Object wanted = Manifests.JSON.convertValue(fixture(expected), Map.class);
    assertThat(actual).isEqualTo(wanted);
    assertThat(((Map<?, ?>) ((Map<?, ?>) actual).get("spec")).get("suspend"))
        .isEqualTo(action.equals("suspend"));
  }

  @Test
  void aSuspendedFlagReleaseResumedIsNoLongerSuspended() throws IOException {
    JsonNode suspended = fixture("testdata/suspended.yaml");
    LuaValue resumed = run(ARGOCD.resolve("actions/resume/action.lua"), suspended);
    JsonNode back = Manifests.JSON.valueToTree(fromLua(resumed));
    LuaValue health = run(ARGOCD.resolve("health.lua"), back);
    assertThat(health.get("status").tojstring()).isNotEqualTo("Suspended");
    LuaValue actions = run(ARGOCD.resolve("actions/discovery.lua"), back);
    assertThat(actions.get("suspend").get("disabled").toboolean()).isFalse();
    assertThat(actions.get("resume").get("disabled").toboolean()).isTrue();
  }

  // ---------------------------------------------------------------- argocd-cm.yaml

  @Test
  void argocdCmEmbedsTheLuaFilesByteForByte() throws IOException {
    JsonNode cm = Manifests.YAML.readTree(ARGOCD.resolve("argocd-cm.yaml").toFile());
    assertThat(cm.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(cm.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
    JsonNode data = cm.path("data");
    assertThat(data.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "resource.customizations.health.flagops.io_FlagRelease",
            "resource.customizations.actions.flagops.io_FlagRelease");

    assertThat(data.path("resource.customizations.health.flagops.io_FlagRelease").asText())
        .as("argocd-cm.yaml is stale: run deploy/argocd/render-argocd-cm.sh")
        .isEqualTo(Files.readString(ARGOCD.resolve("health.lua")));

    JsonNode actions =
        Manifests.YAML.readTree(
            data.path("resource.customizations.actions.flagops.io_FlagRelease").asText());
    assertThat(actions.path("discovery.lua").asText())
        .as("argocd-cm.yaml is stale: run deploy/argocd/render-argocd-cm.sh")
        .isEqualTo(Files.readString(ARGOCD.resolve("actions/discovery.lua")));
    List<String> names = new ArrayList<>();
    for (JsonNode definition : actions.path("definitions")) {
      String name = definition.path("name").asText();
      names.add(name);
      assertThat(definition.path("action.lua").asText())
          .as("argocd-cm.yaml is stale: run deploy/argocd/render-argocd-cm.sh")
          .isEqualTo(Files.readString(ARGOCD.resolve("actions/" + name + "/action.lua")));
    }
    assertThat(names).containsExactly("suspend", "resume");
  }

  /**
   * The default token's grants are per namespace: the team's repository must not be able to sync
   * into another namespace, nor create anything but FlagReleases.
   */
  @Test
  void theTeamsApplicationMaySyncOnlyFlagReleasesIntoItsOwnNamespace() throws IOException {
    List<JsonNode> docs =
        Manifests.readDocuments(Files.readString(ARGOCD.resolve("application.yaml")));
    JsonNode team = applications(docs).get(1);
    JsonNode project =
        docs.stream()
            .filter(d -> "AppProject".equals(d.path("kind").asText()))
            .filter(
                d ->
                    d.path("metadata")
                        .path("name")
                        .asText()
                        .equals(team.path("spec").path("project").asText()))
            .findFirst()
            .orElseThrow();

    assertThat(project.path("spec").path("destinations"))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.path("namespace").asText())
                    .isEqualTo(team.path("spec").path("destination").path("namespace").asText()));
    assertThat(project.path("spec").path("clusterResourceWhitelist")).isEmpty();
    assertThat(project.path("spec").path("namespaceResourceWhitelist"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.path("group").asText()).isEqualTo("flagops.io");
              assertThat(r.path("kind").asText()).isEqualTo("FlagRelease");
            });
    assertThat(project.path("spec").path("sourceRepos"))
        .singleElement()
        .satisfies(
            repo ->
                assertThat(repo.asText())
                    .isEqualTo(team.path("spec").path("source").path("repoURL").asText()));
  }

  private static List<JsonNode> applications(List<JsonNode> docs) {
    return docs.stream().filter(d -> "Application".equals(d.path("kind").asText())).toList();
  }

  @Test
  void theExampleApplicationsPointAtThingsThatExist() throws IOException {
    List<JsonNode> apps =
        applications(Manifests.readDocuments(Files.readString(ARGOCD.resolve("application.yaml"))));
    assertThat(apps).hasSize(2);
    for (JsonNode app : apps) {
      assertThat(app.path("apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
      assertThat(app.path("kind").asText()).isEqualTo("Application");
      assertThat(app.path("metadata").path("annotations").has("argocd.argoproj.io/sync-wave"))
          .isTrue();
    }
    Path chartPath = Path.of(apps.get(0).path("spec").path("source").path("path").asText());
    assertThat(chartPath.resolve("Chart.yaml")).exists();
    // Git's spec.suspend must reach the cluster: ignoring it (with RespectIgnoreDifferences, Git's
    // manifests are applied with the live value) would make a committed `suspend: true` a no-op
    JsonNode releases = apps.get(1).path("spec");
    assertThat(releases.toString()).doesNotContain("/spec/suspend", "RespectIgnoreDifferences");
  }

  @Test
  void theOperatorApplicationsValuesInstallAndGrantTheReleasesNamespace(@TempDir Path tmp)
      throws IOException {
    List<JsonNode> apps =
        applications(Manifests.readDocuments(Files.readString(ARGOCD.resolve("application.yaml"))));
    JsonNode values = apps.get(0).path("spec").path("source").path("helm").path("valuesObject");
    String releasesNamespace =
        apps.get(1).path("spec").path("destination").path("namespace").asText();

    LintResult lint = HelmChart.lint(tmp, values);
    assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    Path valuesFile = tmp.resolve("argocd-values.yaml");
    Manifests.YAML.writeValue(valuesFile.toFile(), values);
    Deployment operator =
        HelmChart.render(HelmChart.copy(tmp), List.of(valuesFile)).one(Deployment.class);
    // the Secret both READMEs tell the admin to create in the operator's namespace
    for (Path readme : List.of(Path.of("deploy/README.md"), ARGOCD.resolve("README.md"))) {
      assertThat(Files.readString(readme))
          .as(readme.toString())
          .contains("-n flagrelease-system create secret generic flagrelease-operator-token");
    }
    assertThat(operator.getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(
            v ->
                v.getSecret() != null
                    && "flagrelease-operator-token".equals(v.getSecret().getSecretName()));
    assertThat(Manifests.env(operator.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("FLAGRELEASE_DEFAULT_TOKEN_GRANTS", releasesNamespace + "=shop");
  }
}
