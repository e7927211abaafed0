package io.flagops.operator.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.Config;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * A user's broken kubeconfig must not break the build. The Quarkus build makes a Kubernetes client
 * config (KubernetesClientBuildStep calls {@code Config.autoConfigure(null)}) whatever the
 * application does; the pom turns the kubeconfig off for that build. Checked here without running a
 * second build: the setting is there, and it is what keeps a malformed kubeconfig from being
 * parsed.
 */
class BuildIgnoresKubeconfigIT {
  private static final String TRY_KUBECONFIG = Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY;

  @TempDir Path dir;

  @Test
  void theQuarkusBuildRunsWithTheKubeconfigTurnedOff() throws Exception {
    Document pom =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File("pom.xml"));
    String value =
        XPathFactory.newInstance()
            .newXPath()
            .evaluate(
                "/project/build/plugins/plugin[artifactId='quarkus-maven-plugin']"
                    + "/configuration/systemProperties/"
                    + TRY_KUBECONFIG,
                pom);

    assertThat(value).isEqualTo("false");
  }

  @Test
  void withTheKubeconfigTurnedOffAMalformedOneIsNotRead() throws Exception {
    String malformed =
        Files.writeString(dir.resolve("kubeconfig"), "this: is: not: yaml: [\n").toString();

    // what the build step did before: the same exception that failed the build
    withProperties(
        Map.of(Config.KUBERNETES_KUBECONFIG_FILE, malformed, TRY_KUBECONFIG, "true"),
        () -> assertThatThrownBy(() -> Config.autoConfigure(null)).hasMessageContaining("mapping"));
    withProperties(
        Map.of(Config.KUBERNETES_KUBECONFIG_FILE, malformed, TRY_KUBECONFIG, "false"),
        () -> assertThatCode(() -> Config.autoConfigure(null)).doesNotThrowAnyException());
  }

  private static void withProperties(Map<String, String> properties, Runnable check) {
    Properties before = (Properties) System.getProperties().clone();
    properties.forEach(System::setProperty);
    try {
      check.run();
    } finally {
      System.setProperties(before);
    }
  }
}
