package io.flagops.operator.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart of deploy/helm, run through helm-java (Helm 3.16 in-process).
 *
 * <p>helm-java renders as Kubernetes v1.20.0 and has no --kube-version option, so the chart's
 * kubeVersion constraint (&gt;= 1.25) would refuse every render. The chart is therefore used from a
 * temporary copy without that line; {@code HelmChartTest} checks separately that the constraint is
 * declared and enforced.
 */
final class HelmChart {
  static final Path DIR = Path.of("deploy/helm/flagrelease-operator");
  static final Path CI_VALUES = DIR.resolve("ci");
  static final String RELEASE = "frop";
  static final String NAMESPACE = "flagrelease-system";
  static final String FULLNAME = "frop-flagrelease-operator";

  private HelmChart() {}

  /** A copy of the chart in a new directory under {@code parent}, without kubeVersion. */
  static Path copy(Path parent) {
    try {
      Path target = Files.createTempDirectory(parent, "chart").resolve(DIR.getFileName());
      try (Stream<Path> files = Files.walk(DIR)) {
        for (Path source : files.toList()) {
          Path dest = target.resolve(DIR.relativize(source).toString());
          if (Files.isDirectory(source)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(source, dest);
          }
        }
      }
      Path chartYaml = target.resolve("Chart.yaml");
      Files.writeString(
          chartYaml, Files.readString(chartYaml).replaceAll("(?m)^kubeVersion:.*\\R", ""));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The registry every render names unless a test sets its own: the chart requires one and names
   * none itself.
   */
  static final String REGISTRY = "registry.example.com";

  /** helm template of the chart copy with values files and --set pairs (k, v, k, v...). */
  static String template(Path chart, List<Path> valuesFiles, String... sets) {
    return templateIn(NAMESPACE, chart, valuesFiles, sets);
  }

  /** {@link #template}, installed into {@code namespace}. */
  static String templateIn(String namespace, Path chart, List<Path> valuesFiles, String... sets) {
    TemplateCommand command = new Helm(chart).template().withName(RELEASE).withNamespace(namespace);
    command = command.set("image.registry", REGISTRY);
    for (Path values : valuesFiles) {
      command = command.withValuesFile(values.toAbsolutePath());
    }
    for (int i = 0; i < sets.length; i += 2) {
      command = command.set(sets[i], sets[i + 1]);
    }
    return command.call();
  }

  static Manifests render(Path chart, List<Path> valuesFiles, String... sets) {
    return Manifests.parse(template(chart, valuesFiles, sets));
  }

  /**
   * helm lint --strict of a fresh chart copy whose values.yaml is the chart's merged with {@code
   * overrides} (helm-java's lint takes no values file, and lint validates values.yaml against the
   * schema).
   */
  static LintResult lint(Path parent, JsonNode overrides) {
    Path chart = copy(parent);
    try {
      Path values = chart.resolve("values.yaml");
      ObjectNode merged = (ObjectNode) Manifests.YAML.readTree(values.toFile());
      ((ObjectNode) merged.get("image")).put("registry", REGISTRY);
      if (overrides != null) {
        merge(merged, overrides);
      }
      Manifests.YAML.writeValue(values.toFile(), merged);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Helm(chart).lint().strict().call();
  }

  /** Helm's value merge: maps merge key by key, anything else replaces. */
  static void merge(ObjectNode target, JsonNode overrides) {
    Iterator<Map.Entry<String, JsonNode>> fields = overrides.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode object && field.getValue().isObject()) {
        merge(object, field.getValue());
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  static List<Path> ciValuesFiles() {
    try (Stream<Path> files = Files.list(CI_VALUES)) {
      return files.filter(p -> p.toString().endsWith("-values.yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
