package io.flagops.operator.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and checks request bodies as LaunchDarkly's schemas define them; 400 on anything else. */
final class RequestBodies {
  private static final Pattern COMPLETE_PATH = Pattern.compile("^/phases?/(\\d+)/complete$");

  private RequestBodies() {}

  record CreateInput(String releasePipelineKey, String releaseVariationId) {}

  /** The fields of a ReleaseGuardianConfigurationInput; all optional. */
  record GuardianInput(
      Long monitoringWindowMilliseconds,
      Integer rolloutWeight,
      Boolean rollbackOnRegression,
      String randomizationUnit) {}

  record AudienceInput(
      String audienceId,
      GuardianInput guardian,
      List<String> notifyMemberIds,
      List<String> notifyTeamKeys) {}

  record PhaseUpdate(PhaseStatus status, List<AudienceInput> audiences) {}

  record CompleteOp(int index, boolean complete) {}

  static CreateInput create(String body) {
    JsonNode node = object(body);
    String pipeline = optionalText(node, "releasePipelineKey");
    if (pipeline == null || pipeline.isBlank()) {
      throw ApiError.badRequest("releasePipelineKey is required");
    }
    return new CreateInput(pipeline, optionalText(node, "releaseVariationId"));
  }

  static PhaseUpdate phaseUpdate(String body) {
    JsonNode node = object(body);
    String statusText = optionalText(node, "status");
    if (statusText == null) {
      throw ApiError.badRequest("status is required; one of " + PhaseStatus.allowed());
    }
    PhaseStatus status =
        PhaseStatus.parse(statusText)
            .orElseThrow(
                () ->
                    ApiError.badRequest(
                        "Invalid status '" + statusText + "'; one of " + PhaseStatus.allowed()));
    List<AudienceInput> audiences = new ArrayList<>();
    JsonNode list = present(node, "audiences");
    if (list != null) {
      if (!list.isArray()) {
        throw ApiError.badRequest("audiences must be an array");
      }
      Set<String> seen = new HashSet<>();
      for (JsonNode item : list) {
        AudienceInput audience = audience(item);
        if (!seen.add(audience.audienceId())) {
          throw ApiError.badRequest("Audience '" + audience.audienceId() + "' is listed twice");
        }
        audiences.add(audience);
      }
    }
    return new PhaseUpdate(status, audiences);
  }

  private static AudienceInput audience(JsonNode item) {
    if (!item.isObject()) {
      throw ApiError.badRequest("each audience must be an object");
    }
    String id = optionalText(item, "audienceId");
    if (id == null || id.isBlank()) {
      throw ApiError.badRequest("each audience needs an audienceId");
    }
    JsonNode guardian = present(item, "releaseGuardianConfiguration");
    return new AudienceInput(
        id,
        guardian == null ? null : guardian(guardian, id),
        strings(item, "notifyMemberIds"),
        strings(item, "notifyTeamKeys"));
  }

  private static GuardianInput guardian(JsonNode node, String audienceId) {
    if (!node.isObject()) {
      throw ApiError.badRequest("releaseGuardianConfiguration must be an object");
    }
    String where = " of audience '" + audienceId + "'";
    Long window = null;
    JsonNode windowNode = present(node, "monitoringWindowMilliseconds");
    if (windowNode != null) {
      if (!windowNode.isIntegralNumber() || !windowNode.canConvertToLong()) {
        throw ApiError.badRequest("monitoringWindowMilliseconds" + where + " must be an integer");
      }
      window = windowNode.longValue();
      if (window <= 0) {
        throw ApiError.badRequest(
            "monitoringWindowMilliseconds" + where + " must be positive, got " + window);
      }
    }
    Integer weight = null;
    JsonNode weightNode = present(node, "rolloutWeight");
    if (weightNode != null) {
      if (!weightNode.isIntegralNumber() || !weightNode.canConvertToInt()) {
        throw ApiError.badRequest("rolloutWeight" + where + " must be an integer");
      }
      weight = weightNode.intValue();
      if (weight < 0 || weight > 100) {
        throw ApiError.badRequest(
            "rolloutWeight" + where + " must be within 0..100, got " + weight);
      }
    }
    Boolean rollback = null;
    JsonNode rollbackNode = present(node, "rollbackOnRegression");
    if (rollbackNode != null) {
      if (!rollbackNode.isBoolean()) {
        throw ApiError.badRequest("rollbackOnRegression" + where + " must be a boolean");
      }
      rollback = rollbackNode.booleanValue();
    }
    return new GuardianInput(window, weight, rollback, optionalText(node, "randomizationUnit"));
  }

  static List<CompleteOp> patch(String body) {
    JsonNode node = json(body);
    if (!node.isArray() || node.isEmpty()) {
      throw ApiError.badRequest("A JSON patch must be a non-empty array of operations");
    }
    List<CompleteOp> ops = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode op = node.get(i);
      String where = "Patch operation " + i;
      if (!op.isObject()) {
        throw ApiError.badRequest(where + " must be an object");
      }
      String verb = optionalText(op, "op");
      String path = optionalText(op, "path");
      if (verb == null || path == null) {
        throw ApiError.badRequest(where + " needs 'op' and 'path'");
      }
      if (!verb.equals("replace") && !verb.equals("add")) {
        throw ApiError.badRequest(
            where + ": op '" + verb + "' is not supported; use replace on /phases/{i}/complete");
      }
      Matcher matcher = COMPLETE_PATH.matcher(path);
      if (!matcher.matches()) {
        throw ApiError.badRequest(
            where + ": path '" + path + "' is not supported; only /phases/{i}/complete");
      }
      JsonNode value = op.get("value");
      if (value == null || !value.isBoolean()) {
        throw ApiError.badRequest(where + ": value must be a boolean");
      }
      int index;
      try {
        index = Integer.parseInt(matcher.group(1));
      } catch (NumberFormatException e) {
        throw ApiError.badRequest(where + ": phase index out of range in '" + path + "'");
      }
      ops.add(new CompleteOp(index, value.booleanValue()));
    }
    return ops;
  }

  private static JsonNode object(String body) {
    JsonNode node = json(body);
    if (!node.isObject()) {
      throw ApiError.badRequest("Request body must be a JSON object");
    }
    return node;
  }

  private static JsonNode json(String body) {
    if (body == null || body.isBlank()) {
      throw ApiError.badRequest("Request body is missing");
    }
    try {
      return Answer.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiError.badRequest("Request body is not valid JSON");
    }
  }

  /** The field's value, or null when it is missing or JSON null. */
  private static JsonNode present(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode value = present(node, field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiError.badRequest(field + " must be a string");
    }
    return value.textValue();
  }

  private static List<String> strings(JsonNode node, String field) {
    JsonNode value = present(node, field);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      throw ApiError.badRequest(field + " must be an array of strings");
    }
    List<String> result = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw ApiError.badRequest(field + " must be an array of strings");
      }
      result.add(item.textValue());
    }
    return List.copyOf(result);
  }
}
