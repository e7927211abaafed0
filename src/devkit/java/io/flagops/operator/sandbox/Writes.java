package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.flagops.operator.sandbox.Admission.Admitted;
import io.flagops.operator.sandbox.MockClient.Answer;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Create, update, patch and delete. Patches are applied here (read, patch, write back with the read
 * {@code resourceVersion}, again on a conflict) because the mock's merge patch appends to lists;
 * and a write that removes the last finalizer of a deleted object answers that object, where the
 * mock answers an empty body.
 */
final class Writes {
  private static final Logger LOG = Logger.getLogger(Writes.class);
  private static final int ATTEMPTS = 5;
  static final String MERGE = "application/merge-patch+json";
  static final String STRATEGIC = "application/strategic-merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";
  static final String APPLY = "application/apply-patch+yaml";

  private final MockClient mock;

  Writes(MockClient mock) {
    this.mock = mock;
  }

  void create(ApiRequest request, ResourcePath path, ResourceType type) {
    JsonNode body = parseBody(request);
    if (body == null) {
      return;
    }
    Admitted admitted = Admission.admit(type, path, body, null, fieldValidation(request));
    if (admitted.failure() != null) {
      request.status(admitted.failure());
      return;
    }
    warn(request, admitted.warnings());
    if (request.param("dryRun") != null) {
      request.json(201, admitted.object());
      return;
    }
    Answer answer =
        mock.send("POST", path.collectionPath(), ApiRequest.JSON, Json.bytes(admitted.object()));
    relay(request, type, path, answer, admitted.object());
  }

  void update(ApiRequest request, ResourcePath path, ResourceType type) {
    JsonNode body = parseBody(request);
    if (body == null) {
      return;
    }
    Answer current = mock.get(path.objectPath());
    if (current.status() == 404) {
      request.status(Statuses.objectNotFound(type, path.name()));
      return;
    }
    JsonNode old = current.ok() && current.hasBody() ? current.json() : null;
    Admitted admitted = Admission.admit(type, path, body, old, fieldValidation(request));
    if (admitted.failure() != null) {
      request.status(admitted.failure());
      return;
    }
    warn(request, admitted.warnings());
    if (request.param("dryRun") != null) {
      request.json(200, admitted.object());
      return;
    }
    Answer answer = mock.put(path.upstreamPath(), admitted.object());
    relay(request, type, path, answer, admitted.object());
  }

  void patch(ApiRequest request, ResourcePath path, ResourceType type) {
    String contentType = request.contentType();
    List<String> accepted =
        type.custom() ? List.of(JSON_PATCH, MERGE) : List.of(JSON_PATCH, MERGE, STRATEGIC);
    if (!accepted.contains(contentType)) {
      request.status(
          Statuses.unsupportedMediaType(
              contentType.equals(APPLY)
                  ? "server-side apply is not supported by the sandbox: use kubectl apply without"
                      + " --server-side"
                  : "the body of the request was in an unknown format - accepted media types"
                      + " include: "
                      + String.join(", ", accepted)));
      return;
    }
    JsonNode patch = parseBody(request);
    if (patch == null) {
      return;
    }
    boolean pinned = pinsResourceVersion(patch, contentType);
    for (int attempt = 1; ; attempt++) {
      Answer current = mock.get(path.objectPath());
      if (current.status() == 404 || !current.hasBody()) {
        request.status(Statuses.objectNotFound(type, path.name()));
        return;
      }
      if (!current.ok()) {
        relay(request, type, path, current, null);
        return;
      }
      JsonNode stored = StoredObjects.normalize(current.json());
      JsonNode patched;
      try {
        patched = applyPatch(contentType, stored, patch);
      } catch (RuntimeException e) {
        request.status(
            Statuses.failure(422, "Invalid", "the patch cannot be applied: " + e.getMessage()));
        return;
      }
      if ("status".equals(path.subresource())) {
        ObjectNode onlyStatus = stored.deepCopy();
        if (patched.has("status")) {
          onlyStatus.set("status", patched.get("status"));
        } else {
          onlyStatus.remove("status");
        }
        if (pinned) {
          onlyStatus.set("metadata", patched.get("metadata"));
        }
        patched = onlyStatus;
      }
      Admitted admitted = Admission.admit(type, path, patched, stored, fieldValidation(request));
      if (admitted.failure() != null) {
        request.status(admitted.failure());
        return;
      }
      warn(request, admitted.warnings());
      if (admitted.object().equals(stored) || request.param("dryRun") != null) {
        request.json(200, admitted.object());
        return;
      }
      Answer answer = mock.put(path.upstreamPath(), admitted.object());
      if (answer.status() == 409 && !pinned && attempt < ATTEMPTS) {
        LOG.debugf("Conflict patching %s, attempt %d", path.objectPath(), attempt);
        continue;
      }
      relay(request, type, path, answer, admitted.object());
      return;
    }
  }

  void delete(ApiRequest request, ResourcePath path, ResourceType type) {
    if (request.param("dryRun") != null) {
      // what would be deleted, deleting nothing
      relay(
          request,
          type,
          path,
          mock.get(path.upstreamPath() + Reads.labelSelectorQuery(request)),
          null);
      return;
    }
    byte[] body = request.body();
    Answer answer =
        mock.send(
            "DELETE",
            path.upstreamPath() + request.rawQuery(),
            body.length == 0 ? null : ApiRequest.JSON,
            body.length == 0 ? null : body);
    if (answer.ok() && path.name() != null && answer.hasBody()) {
      // the mock answers the object as it was; the API server answers it marked for deletion
      Answer after = mock.get(path.objectPath());
      if (after.ok() && after.hasBody()) {
        answer = after;
      }
    }
    relay(request, type, path, answer, null);
  }

  private static JsonNode applyPatch(String contentType, JsonNode stored, JsonNode patch) {
    return switch (contentType) {
      case MERGE -> MergePatch.apply(stored, patch);
      case STRATEGIC -> MergePatch.applyStrategic(stored, patch);
      default -> JsonPatch.apply(patch, stored.deepCopy());
    };
  }

  /** Whether the patch sets metadata.resourceVersion: then a conflict is the client's. */
  private static boolean pinsResourceVersion(JsonNode patch, String contentType) {
    if (contentType.equals(JSON_PATCH)) {
      for (JsonNode op : patch) {
        if (op.path("path").asText().equals("/metadata/resourceVersion")
            && !op.path("op").asText().equals("test")) {
          return true;
        }
      }
      return false;
    }
    return patch.path("metadata").hasNonNull("resourceVersion");
  }

  /**
   * Passes the mock's answer on: a 2xx with no body (the object was deleted because its last
   * finalizer went) becomes 200 with the object written; an error without body gets a Status.
   */
  private static void relay(
      ApiRequest request, ResourceType type, ResourcePath path, Answer answer, JsonNode written) {
    if (answer.ok()) {
      int status = answer.status() == 202 ? 200 : answer.status();
      if (!answer.hasBody()) {
        if (written != null) {
          request.json(200, written);
        } else {
          request.json(200, success());
        }
        return;
      }
      JsonNode object;
      try {
        object = StoredObjects.normalize(answer.json());
      } catch (IllegalArgumentException e) {
        request.send(status, answer.contentType(), answer.body());
        return;
      }
      request.json(status, object);
      return;
    }
    if (answer.hasBody()) {
      request.send(
          answer.status(),
          answer.contentType() == null ? ApiRequest.JSON : answer.contentType(),
          answer.body());
      return;
    }
    ObjectNode status =
        switch (answer.status()) {
          case 404 ->
              path.name() == null
                  ? Statuses.noSuchPath()
                  : Statuses.objectNotFound(type, path.name());
          case 409 ->
              Statuses.conflict(
                  "Operation cannot be fulfilled on "
                      + type.qualifiedPlural()
                      + " \""
                      + path.name()
                      + "\": the object has been modified; please apply your changes to the latest"
                      + " version and try again");
          default ->
              Statuses.failure(
                  answer.status(), "Unknown", "the mock server answered " + answer.status());
        };
    request.status(status);
  }

  private static ObjectNode success() {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.set("metadata", Json.object());
    status.put("status", "Success");
    return status;
  }

  private static JsonNode parseBody(ApiRequest request) {
    if (request.contentType().equals(KubeProtobuf.MEDIA_TYPE)) {
      try {
        return KubeProtobuf.decode(request.body());
      } catch (IllegalArgumentException e) {
        request.status(Statuses.unsupportedMediaType(e.getMessage()));
        return null;
      }
    }
    try {
      return Json.parse(request.body());
    } catch (IllegalArgumentException e) {
      // never echo the body: it may be a Secret
      request.status(Statuses.badRequest("the request body is not valid JSON"));
      return null;
    }
  }

  private static String fieldValidation(ApiRequest request) {
    String value = request.param("fieldValidation");
    return value == null ? "Warn" : value;
  }

  private static void warn(ApiRequest request, List<String> warnings) {
    for (String warning : warnings) {
      request.addHeader("Warning", "299 - " + Json.text(Json.NODES.textNode(warning)));
    }
  }
}
