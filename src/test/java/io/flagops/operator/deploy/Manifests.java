package io.flagops.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;

/** Rendered Kubernetes manifests (helm template, kubectl kustomize) as Fabric8 objects. */
final class Manifests {
  static final YAMLMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** The repository's CRD, the source every copy must equal. */
  static final Path CRD = Path.of("crds/flagreleases.flagops.io-v1.yml");

  final List<JsonNode> documents;
  final List<HasMetadata> objects;

  private Manifests(List<JsonNode> documents) {
    this.documents = documents;
    this.objects =
        documents.stream()
            .map(d -> SERIALIZATION.unmarshal(d.toString(), HasMetadata.class))
            .toList();
  }

  static Manifests parse(String yaml) {
    return new Manifests(readDocuments(yaml));
  }

  /** Every non-empty YAML document of a multi-document stream. */
  static List<JsonNode> readDocuments(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("not YAML: " + e.getMessage() + "\n" + yaml, e);
    }
    return docs;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
    return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
  }

  List<String> kinds() {
    return objects.stream().map(HasMetadata::getKind).toList();
  }

  /** The JSON of the first document of a kind (for kinds Fabric8 does not model). */
  Optional<JsonNode> document(String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst();
  }

  // ---- helpers shared by the tests ----

  /** name -> value, or name -> "valueFrom:<secret or field>" for variables not set literally. */
  static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container.getEnv()) {
      String value = var.getValue();
      if (var.getValueFrom() != null) {
        var from = var.getValueFrom();
        if (from.getFieldRef() != null) {
          value = "fieldRef:" + from.getFieldRef().getFieldPath();
        } else if (from.getSecretKeyRef() != null) {
          value =
              "secretKeyRef:"
                  + from.getSecretKeyRef().getName()
                  + "/"
                  + from.getSecretKeyRef().getKey();
        }
      }
      assertThat(env.put(var.getName(), value)).as("%s set twice", var.getName()).isNull();
    }
    return env;
  }

  /** A rule as one comparable line: "apiGroups resources[ named names]: verbs". */
  static List<String> rules(List<PolicyRule> rules) {
    return rules.stream()
        .map(
            r -> {
              assertThat(r.getNonResourceURLs()).as("nonResourceURLs").isNullOrEmpty();
              return String.join(",", r.getApiGroups())
                  + " "
                  + String.join(",", r.getResources())
                  + (r.getResourceNames() == null || r.getResourceNames().isEmpty()
                      ? ""
                      : " named " + String.join(",", r.getResourceNames()))
                  + ": "
                  + String.join(",", r.getVerbs());
            })
        .collect(Collectors.toList());
  }

  /** What the operator may do with the FlagReleases it watches and their Events. */
  static final List<String> WATCH_RULES =
      List.of(
          "flagops.io flagreleases: get,list,watch,patch",
          "flagops.io flagreleases/status: get,patch",
          "flagops.io flagreleases/finalizers: update",
          " events: create");

  /** Reading token Secrets, where FlagReleases may name their own (Role or ClusterRole). */
  static final List<String> SECRET_RULES = List.of(" secrets: get,list,watch");

  /** Reading the FlagRelease CRD, and no other: the only cluster-wide grant of a scoped install. */
  static final List<String> CRD_RULES =
      List.of("apiextensions.k8s.io customresourcedefinitions named flagreleases.flagops.io: get");

  /**
   * Asserts the one cluster-wide grant of an install scoped to namespaces: reading the CRD, bound
   * to the operator's ServiceAccount {@code serviceAccount} of {@code namespace}.
   */
  void onlyReadsTheCrdClusterWide(String serviceAccount, String namespace) {
    assertThat(all(ClusterRole.class))
        .singleElement()
        .satisfies(r -> assertThat(rules(r.getRules())).isEqualTo(CRD_RULES));
    assertThat(all(ClusterRoleBinding.class))
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.getRoleRef().getName())
                  .isEqualTo(one(ClusterRole.class).getMetadata().getName());
              assertThat(b.getSubjects())
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.getName()).isEqualTo(serviceAccount);
                        assertThat(s.getNamespace()).isEqualTo(namespace);
                      });
            });
  }

  /**
   * Leader election, only in the operator's own namespace: any Lease may be created (RBAC cannot
   * name what does not exist yet), but only the one the operator is told to use is read or renewed.
   */
  static List<String> leaseRules(String leaseName) {
    return List.of(
        "coordination.k8s.io leases: create",
        "coordination.k8s.io leases named " + leaseName + ": get,update,patch");
  }

  /** JSON trees compared with numbers by value (100 equals 100.0), everything else exactly. */
  static final Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  static JsonNode crdAsJson() {
    try {
      return YAML.readTree(Files.readString(CRD));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** project/version of pom.xml. */
  static String pomVersion() {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(false);
      var doc = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
      var children = doc.getDocumentElement().getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        if ("version".equals(children.item(i).getNodeName())) {
          return children.item(i).getTextContent().trim();
        }
      }
      throw new IllegalStateException("pom.xml has no project version");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether an image reference names a registry host: by the container image reference rules, the
   * first path component is a host when it contains a '.' or a ':' or is "localhost".
   */
  static boolean hasRegistryHost(String image) {
    int slash = image.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String first = image.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }
}
