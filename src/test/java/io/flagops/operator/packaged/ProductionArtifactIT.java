package io.flagops.operator.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator's artifact ({@code target/quarkus-app}, which the image copies whole) holds the
 * operator alone: none of the dev kit's classes (src/devkit) and none of its libraries, nor the
 * kubectl plugin (src/plugin).
 */
class ProductionArtifactIT {
  private static final Path APP = Path.of("target", "quarkus-app");

  /** The dev kit's packages: the sandbox, the simulator, the benchmark, the embedded operator. */
  private static final List<String> DEVKIT_PACKAGES =
      List.of("sandbox", "simulator", "bench", "embedded").stream()
          .map(name -> "io/flagops/operator/" + name + "/")
          .toList();

  /** The kubectl plugin ships apart (target/kubectl-flagrelease), not in the operator. */
  private static final String PLUGIN_PACKAGE = "io/flagops/plugin/";

  /** The libraries only the dev kit needs: the mock API server, its web server, its TLS. */
  private static final List<String> DEVKIT_LIBRARIES =
      List.of("kubernetes-server-mock", "mockwebserver", "bouncycastle", "picocli");

  @Test
  void holdsNoClassOfTheDevKit() throws IOException {
    List<String> classes = classesOf(APP);
    assertThat(classes)
        .as("classes of the packaged operator")
        .anyMatch(name -> name.startsWith("io/flagops/operator/reconciler/"))
        .noneMatch(name -> DEVKIT_PACKAGES.stream().anyMatch(name::startsWith))
        .noneMatch(name -> name.startsWith(PLUGIN_PACKAGE));
  }

  @Test
  void holdsNoLibraryOfTheDevKit() throws IOException {
    List<String> libraries;
    try (Stream<Path> jars = Files.list(APP.resolve("lib").resolve("main"))) {
      libraries = jars.map(jar -> jar.getFileName().toString()).sorted().toList();
    }
    assertThat(libraries)
        .as("runtime libraries of the packaged operator")
        .anyMatch(name -> name.contains("operator-framework"))
        .noneMatch(name -> DEVKIT_LIBRARIES.stream().anyMatch(name::contains));
  }

  /** Every class file in every jar of the application, as jar entry names. */
  private static List<String> classesOf(Path app) throws IOException {
    List<String> classes = new ArrayList<>();
    try (Stream<Path> files = Files.walk(app)) {
      for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
        try (JarFile file = new JarFile(jar.toFile())) {
          file.stream()
              .map(entry -> entry.getName())
              .filter(name -> name.endsWith(".class"))
              .forEach(classes::add);
        }
      }
    }
    return classes;
  }
}
