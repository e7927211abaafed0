package io.flagops.operator.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flagops.operator.simulator.SimulatorSeed.AudienceSeed;
import io.flagops.operator.simulator.SimulatorSeed.GuardianSeed;
import io.flagops.operator.simulator.SimulatorSeed.PhaseSeed;
import io.flagops.operator.simulator.SimulatorSeed.PipelineSeed;
import java.util.List;
import java.util.Locale;

/**
 * Renders the simulator's model as LaunchDarkly's JSON representations (Release, ReleasePhase,
 * ReleaseAudience, ReleasePipeline, EnvironmentSummary), field names as in the official schemas.
 */
final class ReleaseJson {
  private static final String[] COLORS = {"F5A623", "417505", "D0021B", "4A90E2", "9013FE"};

  private ReleaseJson() {}

  /**
   * @param windowScale how fast monitoring runs here: windows are shown as they last, so that a
   *     client's reckoning of a rollout's end matches when it completes
   */
  static ObjectNode release(SimRelease release, double windowScale) {
    ObjectNode node = object();
    node.set(
        "_links",
        links("/api/v2/flags/" + release.projectKey + "/" + release.flagKey + "/release"));
    node.put("name", release.pipeline.name());
    node.put("releasePipelineKey", release.pipeline.key());
    node.put("releasePipelineDescription", release.pipeline.description());
    ArrayNode phases = node.putArray("phases");
    for (SimRelease.Phase phase : release.phases) {
      phases.add(phase(release, phase, windowScale));
    }
    node.put("_version", release.version);
    if (release.variationId != null) {
      node.put("_releaseVariationId", release.variationId);
    }
    if (release.canceledAt != null) {
      node.put("_canceledAt", release.canceledAt);
    }
    return node;
  }

  private static ObjectNode phase(SimRelease release, SimRelease.Phase phase, double windowScale) {
    ObjectNode node = object();
    node.put("_id", phase.id);
    node.put("_name", phase.name);
    node.put("complete", phase.complete);
    node.put("_creationDate", phase.creationDate);
    if (phase.completionDate != null) {
      node.put("_completionDate", phase.completionDate);
    }
    ArrayNode audiences = node.putArray("_audiences");
    for (SimRelease.Audience audience : phase.audiences) {
      audiences.add(audience(release, audience, windowScale));
    }
    // Legacy releases predate phase automation: no status, started or _startedDate.
    if (!release.legacy()) {
      node.put("status", phase.shownStatus != null ? phase.shownStatus : phase.status.json);
      node.put("started", phase.startedDate != null);
      if (phase.startedDate != null) {
        node.put("_startedDate", phase.startedDate);
      }
    }
    return node;
  }

  private static ObjectNode audience(
      SimRelease release, SimRelease.Audience audience, double windowScale) {
    ObjectNode node = object();
    node.put("_id", audience.id);
    node.set("environment", environment(release.projectKey, audience.environmentKey));
    node.put("name", audience.name);
    if (!release.legacy()) {
      node.set(
          "configuration",
          configuration(
              audience.releaseStrategy(),
              audience.requireApproval,
              audience.notifyMemberIds,
              audience.notifyTeamKeys,
              audience.guardian,
              windowScale));
    }
    strings(node.putArray("segmentKeys"), audience.segmentKeys);
    if (!release.legacy()) {
      node.put("status", audience.status);
    }
    return node;
  }

  static ObjectNode pipeline(
      String projectKey, PipelineSeed pipeline, boolean projectDefault, String createdAt) {
    ObjectNode node = object();
    node.put("createdAt", createdAt);
    node.put("description", pipeline.description());
    node.put("key", pipeline.key());
    node.put("name", pipeline.name());
    ArrayNode phases = node.putArray("phases");
    for (int i = 0; i < pipeline.phases().size(); i++) {
      PhaseSeed phase = pipeline.phases().get(i);
      ObjectNode phaseNode = phases.addObject();
      phaseNode.put("id", Ids.phaseId(projectKey, pipeline.key(), i));
      phaseNode.put("name", phase.name());
      ArrayNode audiences = phaseNode.putArray("audiences");
      for (AudienceSeed audience : phase.audiences()) {
        ObjectNode audienceNode = audiences.addObject();
        audienceNode.set("environment", environment(projectKey, audience.environmentKey()));
        audienceNode.put("name", audience.name());
        audienceNode.set(
            "configuration",
            configuration(
                SimRelease.Audience.releaseStrategy(audience.releaseGuardian()),
                audience.requireApproval(),
                audience.notifyMemberIds(),
                audience.notifyTeamKeys(),
                audience.releaseGuardian(),
                1.0));
        strings(audienceNode.putArray("segmentKeys"), audience.segmentKeys());
      }
    }
    node.putArray("tags");
    node.put("_version", 1);
    node.put("isProjectDefault", projectDefault);
    node.put("_isLegacy", pipeline.legacy());
    return node;
  }

  private static ObjectNode configuration(
      String strategy,
      boolean requireApproval,
      List<String> notifyMemberIds,
      List<String> notifyTeamKeys,
      GuardianSeed guardian,
      double windowScale) {
    ObjectNode node = object();
    node.put("releaseStrategy", strategy);
    node.put("requireApproval", requireApproval);
    strings(node.putArray("notifyMemberIds"), notifyMemberIds);
    strings(node.putArray("notifyTeamKeys"), notifyTeamKeys);
    if (guardian != null) {
      ObjectNode g = node.putObject("releaseGuardianConfiguration");
      g.put(
          "monitoringWindowMilliseconds",
          (long) Math.ceil(guardian.monitoringWindowMilliseconds() * windowScale));
      g.put("rolloutWeight", guardian.rolloutWeight());
      g.put("rollbackOnRegression", guardian.rollbackOnRegression());
      if (guardian.randomizationUnit() != null) {
        g.put("randomizationUnit", guardian.randomizationUnit());
      }
    }
    return node;
  }

  /** The seed names only environment keys; name and color are derived so they stay stable. */
  static ObjectNode environment(String projectKey, String environmentKey) {
    ObjectNode node = object();
    node.set("_links", links("/api/v2/projects/" + projectKey + "/environments/" + environmentKey));
    node.put("key", environmentKey);
    node.put("name", title(environmentKey));
    node.put("color", COLORS[Math.floorMod(environmentKey.hashCode(), COLORS.length)]);
    return node;
  }

  private static ObjectNode links(String self) {
    ObjectNode links = object();
    ObjectNode link = links.putObject("self");
    link.put("href", self);
    link.put("type", Answer.JSON);
    return links;
  }

  private static String title(String key) {
    StringBuilder name = new StringBuilder();
    for (String word : key.split("[-_.]+")) {
      if (word.isEmpty()) {
        continue;
      }
      if (name.length() > 0) {
        name.append(' ');
      }
      name.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
    }
    return name.length() == 0 ? key : name.toString();
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  static ObjectNode object() {
    return Answer.MAPPER.createObjectNode();
  }
}
