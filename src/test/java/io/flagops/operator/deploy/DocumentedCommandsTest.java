package io.flagops.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The install and upgrade commands the docs give work as written. */
class DocumentedCommandsTest {
  private static final List<Path> DOCS =
      List.of(
          Path.of("README.md"),
          Path.of("deploy/README.md"),
          HelmChart.DIR.resolve("README.md"),
          HelmChart.DIR.resolve("templates/NOTES.txt"));
  private static final Pattern SET =
      Pattern.compile("--set(?:-string)? '?([^= ']+)=('[^']*'|[^' ]*)");

  /** Helm's --set splits at every comma that is not escaped: one in a value cuts it short. */
  @Test
  void everySetValueKeepsItsCommasEscaped() throws IOException {
    for (Path doc : DOCS) {
      Matcher set = SET.matcher(Files.readString(doc));
      while (set.find()) {
        // a list in braces ({a,b}) is Helm's own syntax: its commas separate the items
        assertThat(set.group(2).replaceAll("\\{[^}]*}", "{}"))
            .as("%s: --set %s", doc, set.group(1))
            .doesNotContainPattern("(?<!\\\\),");
      }
    }
  }

  /**
   * Helm creates the CRD, so a server-side apply of a newer one conflicts without
   * --force-conflicts; --reuse-values keeps the old chart's values and drops the new defaults.
   */
  @Test
  void upgradesApplyTheCrdWithForceAndPassTheValuesAgain() throws IOException {
    for (Path doc : DOCS) {
      for (String line : Files.readAllLines(doc)) {
        if (line.contains("apply --server-side") && line.contains("crds")) {
          assertThat(line).as(doc.toString()).contains("--force-conflicts");
        }
        assertThat(line).as(doc.toString()).doesNotContain("--reuse-values ");
      }
    }
  }

  /**
   * Run from a laptop against a shared cluster, the operator must not serve every namespace with a
   * personal token: the documented recipe watches one namespace and grants no other.
   */
  @Test
  void theRecipeAgainstARealClusterKeepsToOneNamespace() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int recipe = readme.indexOf("make run SANDBOX=false\n```");
    assertThat(recipe).as("the recipe's code block").isPositive();
    String block = readme.substring(readme.lastIndexOf("```sh", recipe), recipe);

    assertThat(block).containsPattern("export FLAGRELEASE_WATCH_NAMESPACES=[a-z]");
    assertThat(block)
        .containsPattern("export FLAGRELEASE_DEFAULT_TOKEN_GRANTS='[a-z]")
        .doesNotContain("'*=");
  }
}
