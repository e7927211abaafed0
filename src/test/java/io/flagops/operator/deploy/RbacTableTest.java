package io.flagops.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "least privilege" table of deploy/README.md is the RBAC the chart and kustomize really
 * render: every verb on every resource, per install. {@code -Drbac.update=true} rewrites it.
 */
class RbacTableTest {
  private static final Path README = Path.of("deploy/README.md");
  private static final String BEGIN = "<!-- rbac-table:begin (RbacTableTest writes it) -->";
  private static final String END = "<!-- rbac-table:end -->";

  @TempDir Path tmp;

  @Test
  void theReadmeListsExactlyTheRenderedRbac() throws IOException {
    Path chart = HelmChart.copy(tmp);
    Map<String, Manifests> installs = new LinkedHashMap<>();
    installs.put("Helm, defaults (watchNamespaces: all)", HelmChart.render(chart, List.of()));
    installs.put(
        "Helm, watchNamespaces: own, tokenSecrets.namespaces: watched",
        HelmChart.render(
            chart, List.of(), "watchNamespaces", "own", "tokenSecrets.namespaces", "watched"));
    installs.put(
        "Helm, watchNamespaces: [shop, payments], tokenSecrets.namespaces: [shop]",
        HelmChart.render(chart, List.of(HelmChart.CI_VALUES.resolve("watch-list-values.yaml"))));
    installs.put(
        "Helm, tokenSecrets.namespaces: watched (watching all)",
        HelmChart.render(chart, List.of(), "tokenSecrets.namespaces", "watched"));
    installs.put("kustomize all-namespaces", KustomizeTest.kustomize("all-namespaces"));
    installs.put("kustomize single-namespace", KustomizeTest.kustomize("single-namespace"));
    installs.put("kustomize high-availability", KustomizeTest.kustomize("high-availability"));

    String table = table(installs);
    String readme = Files.readString(README);
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertThat(begin).as("the table's markers in %s", README).isNotNegative();
    assertThat(end).isGreaterThan(begin);
    String updated =
        readme.substring(0, begin + BEGIN.length()) + "\n" + table + readme.substring(end);
    if (Boolean.getBoolean("rbac.update")) {
      Files.writeString(README, updated);
      return;
    }
    assertThat(readme)
        .as("deploy/README.md's RBAC table; run the test with -Drbac.update=true to rewrite it")
        .isEqualTo(updated);
  }

  @Test
  void noInstallGrantsClusterWideSecretsByDefault() {
    Manifests defaults = HelmChart.render(HelmChart.copy(tmp), List.of());
    for (ClusterRole role : defaults.all(ClusterRole.class)) {
      assertThat(role.getRules())
          .as(role.getMetadata().getName())
          .noneMatch(r -> r.getResources().contains("secrets"));
    }
    assertThat(defaults.all(Role.class))
        .noneMatch(r -> r.getRules().stream().anyMatch(p -> p.getResources().contains("secrets")));
    for (ClusterRole role : KustomizeTest.kustomize("all-namespaces").all(ClusterRole.class)) {
      assertThat(role.getRules()).noneMatch(r -> r.getResources().contains("secrets"));
    }
  }

  private static String table(Map<String, Manifests> installs) {
    List<String> lines = new ArrayList<>();
    lines.add("| install | where | resources | verbs |");
    lines.add("|---|---|---|---|");
    installs.forEach(
        (install, manifests) -> {
          for (ClusterRole role : manifests.all(ClusterRole.class)) {
            rows(lines, install, "cluster-wide", role.getRules());
          }
          for (Role role : manifests.all(Role.class)) {
            rows(lines, install, "namespace " + role.getMetadata().getNamespace(), role.getRules());
          }
        });
    return String.join("\n", lines) + "\n";
  }

  private static void rows(
      List<String> lines, String install, String where, List<PolicyRule> rules) {
    for (PolicyRule rule : rules) {
      List<String> resources = new ArrayList<>();
      for (String resource : rule.getResources()) {
        for (String group : rule.getApiGroups()) {
          resources.add(resource + " (" + (group.isEmpty() ? "core" : group) + ")");
        }
      }
      if (rule.getResourceNames() != null && !rule.getResourceNames().isEmpty()) {
        resources.add("only " + String.join(", ", rule.getResourceNames()));
      }
      lines.add(
          "| "
              + install
              + " | "
              + where
              + " | "
              + String.join(", ", resources)
              + " | "
              + String.join(", ", new TreeSet<>(rule.getVerbs()))
              + " |");
    }
  }
}
