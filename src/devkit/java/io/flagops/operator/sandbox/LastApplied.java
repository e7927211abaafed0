package io.flagops.operator.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code kubectl.kubernetes.io/last-applied-configuration} annotation {@code kubectl apply}
 * writes: the manifest as JSON with its namespace set, the annotation itself left out, keys sorted
 * (Go's encoding) and a final newline. Without it, applying an example again (the README's next
 * step) warns that the annotation is missing; with the same text, it answers "unchanged".
 */
final class LastApplied {
  static final String ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper SORTED =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private LastApplied() {}

  /** The annotation of each document of a manifest file, in order. */
  static List<String> of(Path manifest, String namespace) throws IOException {
    List<String> annotations = new ArrayList<>();
    try (var documents =
        YAML.readerFor(ObjectNode.class).<ObjectNode>readValues(manifest.toFile())) {
      while (documents.hasNext()) {
        annotations.add(of(documents.next(), namespace));
      }
    }
    return annotations;
  }

  private static String of(ObjectNode document, String namespace) throws JsonProcessingException {
    ObjectNode metadata = document.withObjectProperty("metadata");
    if (!metadata.hasNonNull("namespace")) {
      metadata.put("namespace", namespace);
    }
    metadata.withObjectProperty("annotations").remove(ANNOTATION);
    Object tree = SORTED.treeToValue(document, Object.class); // maps, so that keys get sorted
    return SORTED.writeValueAsString(tree) + "\n";
  }
}
