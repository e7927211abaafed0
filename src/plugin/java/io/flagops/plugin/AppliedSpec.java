package io.flagops.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The spec {@code kubectl apply} (and Argo CD's sync) leaves in the cluster: a field the manifest
 * does not set keeps the cluster's value (set by {@code kubectl patch}, say), unless the manifest
 * applied last set it, and applying removes it. Server-side apply keeps no such record here, so it
 * is taken as keeping every field the manifest leaves out.
 */
final class AppliedSpec {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  private static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

  private AppliedSpec() {}

  /**
   * Sets on {@code resource} the fields it keeps from {@code found}, and says which ones differ.
   */
  static void keepUnset(
      FlagRelease resource, JsonNode written, FlagRelease found, PrintWriter out) {
    if (written == null || !written.isObject() || found.getSpec() == null) {
      return;
    }
    ObjectNode merged = written.deepCopy();
    JsonNode live = JSON.valueToTree(found.getSpec());
    JsonNode alone = JSON.valueToTree(resource.getSpec());
    Set<String> removedByApply = lastAppliedSpecFields(found);
    for (Map.Entry<String, JsonNode> field : live.properties()) {
      String name = field.getKey();
      if (merged.has(name) || field.getValue().isNull() || removedByApply.contains(name)) {
        continue;
      }
      merged.set(name, field.getValue());
      if (!field.getValue().equals(alone.get(name))) {
        out.println(
            "Kept from the cluster: spec."
                + name
                + " is "
                + field.getValue()
                + " there and not set in the manifest, and applying it keeps it so.");
      }
    }
    try {
      resource.setSpec(JSON.treeToValue(merged, FlagReleaseSpec.class));
    } catch (JsonProcessingException e) {
      throw new PluginError(
          "flagrelease \"" + resource.getMetadata().getName() + "\": " + Messages.oneLine(e));
    }
  }

  /** The spec fields the manifest applied last set (none recorded: none). */
  private static Set<String> lastAppliedSpecFields(FlagRelease found) {
    Map<String, String> annotations = found.getMetadata().getAnnotations();
    String lastApplied = annotations == null ? null : annotations.get(LAST_APPLIED);
    Set<String> fields = new HashSet<>();
    if (lastApplied == null) {
      return fields;
    }
    try {
      JSON.readTree(lastApplied).path("spec").fieldNames().forEachRemaining(fields::add);
    } catch (JsonProcessingException unreadable) {
      // not kubectl's record: nothing is known removed
    }
    return fields;
  }
}
