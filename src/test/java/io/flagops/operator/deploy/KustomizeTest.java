package io.flagops.operator.deploy;

import static io.flagops.operator.deploy.Manifests.WATCH_RULES;
import static io.flagops.operator.deploy.Manifests.env;
import static io.flagops.operator.deploy.Manifests.leaseRules;
import static io.flagops.operator.deploy.Manifests.rules;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.flagops.operator.sandbox.Kubectl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The kustomize base and overlays, rendered by {@code kubectl kustomize}. */
class KustomizeTest {
  static final Path DIR = Path.of("deploy/kustomize");
  static final String NAMESPACE = "flagrelease-system";
  static final String NAME = "flagrelease-operator";
  private static final Map<String, Manifests> RENDERED = new HashMap<>();

  /** Probed once; each test is skipped (and reported as skipped, with this reason) without it. */
  private static final String KUBECTL = kubectlVersion();

  @BeforeEach
  void kubectlIsThere(TestInfo test) {
    // the Flux snippet and the CRD copy are plain files: they are checked without kubectl
    if (test.getTags().contains("files")) {
      return;
    }
    if (KUBECTL == null) {
      Assertions.fail(Kubectl.MISSING);
    }
  }

  private static String kubectlVersion() {
    try {
      Process process =
          new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static synchronized Manifests kustomize(String directory) {
    return RENDERED.computeIfAbsent(directory, KustomizeTest::run);
  }

  private static Manifests run(String directory) {
    return run(DIR.resolve(directory));
  }

  private static Manifests run(Path directory) {
    try {
      Path stderr = Files.createTempFile("kustomize", ".err");
      Process process =
          new ProcessBuilder("kubectl", "kustomize", directory.toString())
              .redirectError(stderr.toFile())
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
      assertThat(process.exitValue())
          .as("kubectl kustomize %s: %s", directory, Files.readString(stderr))
          .isZero();
      Files.delete(stderr);
      return Manifests.parse(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Container container(Manifests manifests) {
    return manifests.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** The overlay deploy/README.md tells users to write: its registry replaces the placeholder. */
  @Test
  void theReadmesOverlaySetsTheImage() throws IOException {
    String readme = Files.readString(Path.of("deploy/README.md"));
    int start = readme.indexOf("# my-overlay/kustomization.yaml");
    assertThat(start).as("the overlay in deploy/README.md").isNotNegative();
    String overlay =
        readme
            .substring(start, readme.indexOf("```", start))
            .replace("../deploy/kustomize/", "../../../deploy/kustomize/")
            .replace("<your registry>", "registry.example.com");
    Path directory = Files.createDirectories(Path.of("target/readme-overlay/my-overlay"));
    Files.writeString(directory.resolve("kustomization.yaml"), overlay);

    assertThat(container(run(directory)).getImage())
        .isEqualTo("registry.example.com/flagops/flagrelease-operator:" + Manifests.pomVersion());
  }

  // ---------------------------------------------------------------- every overlay

  @ParameterizedTest
  @ValueSource(strings = {"base", "all-namespaces", "single-namespace", "high-availability"})
  void rendersToKubernetesObjectsWithTheCrdAsInCrds(String overlay) {
    Manifests manifests = kustomize(overlay);
    assertThat(manifests.kinds())
        .contains(
            "CustomResourceDefinition",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "Service",
            "Deployment");
    // the CRD comes through untouched: no label, no namespace, no name prefix
    JsonNode crd =
        manifests.documents.stream()
            .filter(d -> d.path("kind").asText().equals("CustomResourceDefinition"))
            .findFirst()
            .orElseThrow();
    // kustomize rewrites the YAML (quotes, key order, 100.0 as 100), so compare the trees
    assertThat(crd.equals(Manifests.NUMBERS_BY_VALUE, Manifests.crdAsJson()))
        .as("the CRD rendered by kustomize %s equals %s", overlay, Manifests.CRD)
        .isTrue();
    assertThat(manifests.one(CustomResourceDefinition.class).getMetadata().getName())
        .isEqualTo("flagreleases.flagops.io");
    // deleting the CRD deletes every FlagRelease, and with them the releases they created
    assertThat(manifests.one(CustomResourceDefinition.class).getMetadata().getAnnotations())
        .as("Argo CD and Flux leave the CRD when they delete or prune the operator")
        .containsEntry("argocd.argoproj.io/sync-options", "Delete=false,Prune=false")
        .containsEntry("kustomize.toolkit.fluxcd.io/prune", "disabled");
    // neither the namespace nor a Secret: `kubectl delete -k` must never take the team's token
    assertThat(manifests.kinds()).doesNotContain("Namespace", "Secret");
    // every namespaced object lands in the operator's namespace
    for (var object : manifests.objects) {
      if (object instanceof Deployment
          || object instanceof Service
          || object instanceof ServiceAccount
          || object instanceof Role
          || object instanceof RoleBinding
          || object instanceof PodDisruptionBudget) {
        assertThat(object.getMetadata().getNamespace())
            .as("%s %s", object.getKind(), object.getMetadata().getName())
            .isEqualTo(NAMESPACE);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "all-namespaces", "single-namespace", "high-availability"})
  void theDeploymentHasTheChartsSecuritySettingsAndImage(String overlay) {
    Manifests manifests = kustomize(overlay);
    PodSpec pod = manifests.one(Deployment.class).getSpec().getTemplate().getSpec();
    Container container = container(manifests);
    assertThat(container.getImage())
        .isEqualTo("registry.invalid/flagops/flagrelease-operator:" + Manifests.pomVersion());
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var context = container.getSecurityContext();
    assertThat(context.getRunAsNonRoot()).isTrue();
    assertThat(context.getRunAsUser()).isEqualTo(65532L);
    assertThat(context.getRunAsGroup()).isEqualTo(65532L);
    assertThat(context.getReadOnlyRootFilesystem()).isTrue();
    assertThat(context.getAllowPrivilegeEscalation()).isFalse();
    assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo(NAME);
    assertThat(container.getVolumeMounts())
        .extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly("tmp:/tmp:null", "launchdarkly-token:/var/run/secrets/launchdarkly:true");
    assertThat(pod.getVolumes())
        .extracting(
            v ->
                v.getName()
                    + ":"
                    + (v.getEmptyDir() != null
                        ? "emptyDir"
                        : v.getSecret().getSecretName()
                            + ",optional="
                            + v.getSecret().getOptional()))
        .containsExactlyInAnyOrder(
            "tmp:emptyDir", "launchdarkly-token:flagrelease-operator-token,optional=true");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(env(container))
        .containsKeys(
            "POD_NAMESPACE",
            "POD_NAME",
            "LAUNCHDARKLY_BASE_URL",
            "LAUNCHDARKLY_ACCESS_TOKEN_FILE",
            "FLAGRELEASE_REQUIRE_DEFAULT_TOKEN",
            "FLAGRELEASE_POLLING_SETTLED",
            "FLAGRELEASE_POLLING_PROGRESSING",
            "FLAGRELEASE_POLLING_UNAUTHORIZED",
            "FLAGRELEASE_POLLING_JITTER",
            "FLAGRELEASE_RETRY_INITIAL_INTERVAL",
            "FLAGRELEASE_RETRY_MAX_INTERVAL",
            "FLAGRELEASE_BUDGET_REQUESTS_PER_SECOND",
            "FLAGRELEASE_BUDGET_BURST",
            "FLAGRELEASE_CIRCUIT_BREAKER_FAILURE_RATE",
            "FLAGRELEASE_CIRCUIT_BREAKER_WINDOW_SIZE",
            "FLAGRELEASE_CIRCUIT_BREAKER_OPEN_FOR",
            "FLAGRELEASE_WATCH_NAMESPACES",
            "FLAGRELEASE_LEADER_ELECTION_ENABLED",
            "FLAGRELEASE_LEADER_ELECTION_LEASE_NAME",
            "FLAGRELEASE_DEFAULT_TOKEN_GRANTS",
            "FLAGRELEASE_TOKEN_SECRETS_NAMESPACES",
            "JAVA_TOOL_OPTIONS")
        .containsEntry("POD_NAMESPACE", "fieldRef:metadata.namespace")
        .containsEntry("POD_NAME", "fieldRef:metadata.name")
        .containsEntry("LAUNCHDARKLY_ACCESS_TOKEN_FILE", "/var/run/secrets/launchdarkly/token")
        // the token Secret is optional, so the operator must not insist on a default token
        .containsEntry("FLAGRELEASE_REQUIRE_DEFAULT_TOKEN", "false")
        .containsEntry("FLAGRELEASE_LEADER_ELECTION_ENABLED", "true");
    // leader election: the Lease Role in the operator's namespace, and only there
    Role lease = manifests.named(Role.class, NAME + "-leader-election").orElseThrow();
    assertThat(rules(lease.getRules()))
        .isEqualTo(
            leaseRules(env(container(manifests)).get("FLAGRELEASE_LEADER_ELECTION_LEASE_NAME")));
    RoleBinding leaseBinding =
        manifests.named(RoleBinding.class, NAME + "-leader-election").orElseThrow();
    assertThat(leaseBinding.getSubjects().get(0).getName()).isEqualTo(NAME);
    assertThat(leaseBinding.getSubjects().get(0).getNamespace()).isEqualTo(NAMESPACE);
    for (ClusterRole clusterRole : manifests.all(ClusterRole.class)) {
      assertThat(clusterRole.getRules())
          .flatExtracting(r -> r.getResources())
          .doesNotContain("leases", "*");
    }
  }

  @Test
  @Tag("files")
  void theBaseCarriesAByteIdenticalCopyOfTheCrd() throws IOException {
    Path copy = DIR.resolve("base/crds").resolve(Manifests.CRD.getFileName());
    assertThat(Files.readAllBytes(copy))
        .as("%s differs from %s: run `make crds`", copy, Manifests.CRD)
        .isEqualTo(Files.readAllBytes(Manifests.CRD));
  }

  // ---------------------------------------------------------------- per overlay

  @ParameterizedTest
  @ValueSource(strings = {"all-namespaces", "high-availability"})
  void watchingAllNamespacesUsesAClusterRole(String overlay) {
    Manifests manifests = kustomize(overlay);
    assertThat(env(container(manifests))).containsEntry("FLAGRELEASE_WATCH_NAMESPACES", "");
    ClusterRole role = manifests.named(ClusterRole.class, NAME).orElseThrow();
    assertThat(rules(role.getRules())).containsExactlyElementsOf(WATCH_RULES);
    assertThat(rules(manifests.named(ClusterRole.class, NAME + "-crd").orElseThrow().getRules()))
        .isEqualTo(Manifests.CRD_RULES);
    assertThat(manifests.all(ClusterRole.class)).hasSize(2);
    ClusterRoleBinding binding = manifests.named(ClusterRoleBinding.class, NAME).orElseThrow();
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo(NAME);
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
    assertThat(manifests.all(Role.class)).hasSize(1); // the Lease Role only
    // a shared cluster: nobody may use the default token, nobody's Secrets are read
    assertThat(env(container(manifests)))
        .containsEntry("FLAGRELEASE_DEFAULT_TOKEN_GRANTS", "")
        .containsEntry("FLAGRELEASE_TOKEN_SECRETS_NAMESPACES", "");
  }

  @Test
  void allNamespacesRunsOnePod() {
    assertThat(kustomize("all-namespaces").one(Deployment.class).getSpec().getReplicas())
        .isEqualTo(1);
    assertThat(kustomize("all-namespaces").all(PodDisruptionBudget.class)).isEmpty();
  }

  @Test
  void singleNamespaceWatchesItsOwnNamespaceWithRolesOnly() {
    Manifests manifests = kustomize("single-namespace");
    manifests.onlyReadsTheCrdClusterWide(NAME, NAMESPACE);
    // the one object outside the namespace, named after it (an install per namespace: see there)
    assertThat(manifests.one(ClusterRoleBinding.class).getMetadata().getName())
        .isEqualTo(NAME + "-crd-" + NAMESPACE);
    assertThat(manifests.one(ClusterRole.class).getMetadata().getName())
        .isEqualTo(NAME + "-crd-" + NAMESPACE);
    // from the downward API: the pod's namespace, whatever namespace an overlay sets
    assertThat(env(container(manifests)))
        .containsEntry("FLAGRELEASE_WATCH_NAMESPACES", "fieldRef:metadata.namespace");
    Role role = manifests.named(Role.class, NAME).orElseThrow();
    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    // its FlagReleases, their Events and the token Secrets they name, there and only there
    List<String> rules = new java.util.ArrayList<>(WATCH_RULES);
    rules.addAll(Manifests.SECRET_RULES);
    assertThat(rules(role.getRules())).containsExactlyElementsOf(rules);
    assertThat(env(container(manifests)))
        .containsEntry("FLAGRELEASE_DEFAULT_TOKEN_GRANTS", "*=*")
        .containsEntry("FLAGRELEASE_TOKEN_SECRETS_NAMESPACES", "*");
    RoleBinding binding = manifests.named(RoleBinding.class, NAME).orElseThrow();
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(NAME);
    assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo(NAMESPACE);
    assertThat(manifests.one(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void highAvailabilityRunsSeveralElectedPodsApartWithADisruptionBudget() {
    Manifests manifests = kustomize("high-availability");
    Deployment deployment = manifests.one(Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(env(container(manifests)))
        .containsEntry("FLAGRELEASE_LEADER_ELECTION_ENABLED", "true");
    var selector = deployment.getSpec().getSelector().getMatchLabels();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getPodAffinityTerm().getTopologyKey())
                  .isEqualTo("kubernetes.io/hostname");
              assertThat(t.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                  .isEqualTo(selector);
            });
    assertThat(pod.getTopologySpreadConstraints()).isNotEmpty();
    PodDisruptionBudget pdb = manifests.one(PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(selector);
  }

  // ---------------------------------------------------------------- Flux

  @Test
  @Tag("files")
  void theFluxKustomizationsWaitOnFlagReleases() throws IOException {
    List<JsonNode> docs =
        Manifests.readDocuments(Files.readString(Path.of("deploy/flux/kustomization.yaml")))
            .stream()
            .filter(doc -> doc.path("kind").asText().equals("Kustomization"))
            .toList();
    assertThat(docs).hasSize(3);
    for (JsonNode doc : docs) {
      assertThat(doc.path("apiVersion").asText()).isEqualTo("kustomize.toolkit.fluxcd.io/v1");
      JsonNode spec = doc.path("spec");
      boolean waits = spec.path("wait").asBoolean(false);
      boolean checksFlagReleases = false;
      for (JsonNode check : spec.path("healthChecks")) {
        checksFlagReleases |=
            check.path("apiVersion").asText().equals("flagops.io/v1alpha1")
                && check.path("kind").asText().equals("FlagRelease");
      }
      assertThat(waits || checksFlagReleases)
          .as(doc.path("metadata").path("name").asText())
          .isTrue();
    }
    JsonNode exprs = docs.get(2).path("spec").path("healthCheckExprs").get(0);
    assertThat(exprs.path("apiVersion").asText()).isEqualTo("flagops.io/v1alpha1");
    assertThat(exprs.path("kind").asText()).isEqualTo("FlagRelease");
    assertThat(exprs.path("inProgress").asText())
        .contains("Reconciling", "observedGeneration", "suspend");
    assertThat(exprs.path("failed").asText()).contains("'Stalled'");
    assertThat(exprs.path("current").asText()).contains("'Ready'");
  }

  /**
   * Default-token grants are per namespace: a team's Kustomizations apply only into their own
   * namespace, from a source there, as a ServiceAccount that may manage FlagReleases there only.
   */
  @Test
  @Tag("files")
  void theFluxKustomizationsKeepATeamInItsNamespace() throws IOException {
    List<JsonNode> docs =
        Manifests.readDocuments(Files.readString(Path.of("deploy/flux/kustomization.yaml")));
    for (JsonNode doc : docs) {
      String namespace = doc.path("metadata").path("namespace").asText();
      assertThat(namespace).as(doc.path("metadata").path("name").asText()).isEqualTo("shop");
      JsonNode spec = doc.path("spec");
      if (doc.path("kind").asText().equals("Kustomization")) {
        assertThat(spec.path("serviceAccountName").asText()).isEqualTo("flagreleases");
        assertThat(spec.path("targetNamespace").asText()).isEqualTo(namespace);
        assertThat(spec.path("sourceRef").path("namespace").asText(namespace)).isEqualTo(namespace);
      }
      if (doc.path("kind").asText().equals("Role")) {
        assertThat(doc.path("rules"))
            .singleElement()
            .satisfies(
                rule ->
                    assertThat(rule.path("resources").toString()).isEqualTo("[\"flagreleases\"]"));
      }
    }
    assertThat(docs)
        .extracting(doc -> doc.path("kind").asText())
        .contains("ServiceAccount", "Role", "RoleBinding", "GitRepository");
  }
}
