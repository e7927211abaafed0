package io.flagops.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Generates the CRD from the API types and checks that {@code crds/} holds exactly that. Run {@code
 * make crds} to update the committed file after changing the types.
 */
class CrdGenerationTest {
  static final Path COMMITTED = Path.of("crds/flagreleases.flagops.io-v1.yml");
  private static final Path GENERATED_DIR = Path.of("target/crds");

  @Test
  void committedCrdMatchesTheApiTypes() throws IOException {
    Path generated = generate();
    if (Boolean.getBoolean("crd.update")) {
      Files.createDirectories(COMMITTED.getParent());
      Files.copy(generated, COMMITTED, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    assertThat(COMMITTED)
        .as("crds/ is out of date: run `make crds` and commit the result")
        .exists()
        .hasSameTextualContentAs(generated);
  }

  static Path generate() throws IOException {
    Files.createDirectories(GENERATED_DIR);
    new CRDGenerator()
        .customResourceClasses(FlagRelease.class)
        .forCRDVersions("v1")
        .withPostProcessor(new PostProcessing()) // one: a second replaces it
        .inOutputDir(GENERATED_DIR.toFile())
        .generate();
    return GENERATED_DIR.resolve(COMMITTED.getFileName());
  }

  /**
   * The generator sorts printer columns by name; kubectl shows them in the CRD's order. Also marks
   * the CRD to be kept by GitOps tools: deleting it deletes every FlagRelease, and the running
   * operator would then delete each release it created. Argo CD (deleting the operator's
   * Application, or pruning) and Flux (pruning) leave it in place; removing it stays a person's
   * deliberate last step (deploy/README.md).
   */
  static final class PostProcessing implements CRDPostProcessor {
    static final Map<String, String> KEPT_BY_GITOPS_TOOLS =
        Map.of(
            "argocd.argoproj.io/sync-options", "Delete=false,Prune=false",
            "kustomize.toolkit.fluxcd.io/prune", "disabled");

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      List<String> order =
          Arrays.stream(FlagRelease.class.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      ((CustomResourceDefinition) crd)
          .getSpec()
          .getVersions()
          .forEach(
              version ->
                  version
                      .getAdditionalPrinterColumns()
                      .sort(
                          Comparator.comparingInt(
                              (CustomResourceColumnDefinition c) -> order.indexOf(c.getName()))));
      crd.getMetadata().setAnnotations(new TreeMap<>(KEPT_BY_GITOPS_TOOLS));
      return crd;
    }
  }
}
