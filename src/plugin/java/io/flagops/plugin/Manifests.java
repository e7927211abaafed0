package io.flagops.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The FlagReleases of a manifest file (YAML or JSON, one or more documents; "-" is stdin). */
final class Manifests {
  private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

  /**
   * A FlagRelease of a manifest, and its spec as written: which fields it sets (one it leaves out
   * keeps the cluster's value when applied).
   */
  record Document(FlagRelease resource, JsonNode spec) {}

  private Manifests() {}

  static List<Document> read(String file) {
    try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
      return parse(in, file);
    } catch (NoSuchFileException e) {
      throw new PluginError(file + ": no such file");
    } catch (IOException e) {
      throw new PluginError(file + ": " + Messages.oneLine(e));
    }
  }

  static List<Document> parse(InputStream in, String file) {
    try {
      List<Document> found = new ArrayList<>();
      var documents =
          new YAMLMapper(new YAMLFactory())
              .readValues(new YAMLFactory().createParser(in), JsonNode.class);
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null
            && "FlagRelease".equals(document.path("kind").asText())
            && HasMetadata.getApiVersion(FlagRelease.class)
                .equals(document.path("apiVersion").asText())) {
          found.add(
              new Document(JSON.treeToValue(document, FlagRelease.class), document.path("spec")));
        }
      }
      if (found.isEmpty()) {
        throw new PluginError(
            file
                + ": no FlagRelease in it (kind: FlagRelease, apiVersion: "
                + HasMetadata.getApiVersion(FlagRelease.class)
                + ")");
      }
      return found;
    } catch (IOException e) {
      throw new PluginError(file + ": not a readable manifest (" + Messages.oneLine(e) + ")");
    }
  }
}
