package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.flagops.operator.sandbox.MockClient.Answer;
import java.util.List;

/** GET of one object or a list, as JSON or as a Table, with field selectors applied here. */
final class Reads {
  private final MockClient mock;
  private final Tables tables;

  Reads(MockClient mock, Tables tables) {
    this.mock = mock;
    this.tables = tables;
  }

  void get(ApiRequest request, ResourcePath path, ResourceType type) {
    Answer answer = mock.get(path.objectPath());
    if (answer.status() == 404 || (answer.ok() && !answer.hasBody())) {
      request.status(Statuses.objectNotFound(type, path.name()));
      return;
    }
    if (!answer.ok()) {
      request.send(answer.status(), ApiRequest.JSON, answer.body());
      return;
    }
    JsonNode object = StoredObjects.normalize(answer.json());
    if (request.wantsTable()) {
      sendTable(request, type, List.of(object), StoredObjects.resourceVersion(object));
      return;
    }
    request.json(200, object);
  }

  void list(ApiRequest request, ResourcePath path, ResourceType type) {
    FieldSelector selector = fieldSelector(request);
    if (selector == null) {
      return;
    }
    String query = labelSelectorQuery(request);
    Answer answer = mock.get(path.collectionPath() + query);
    if (!answer.ok() || !answer.hasBody()) {
      request.status(
          Statuses.failure(
              answer.ok() ? 500 : answer.status(),
              "InternalError",
              "the mock server could not list " + type.qualifiedPlural()));
      return;
    }
    JsonNode list = answer.json();
    List<JsonNode> items = StoredObjects.items(list, selector);
    String resourceVersion = list.path("metadata").path("resourceVersion").asText("0");
    if (request.wantsTable()) {
      sendTable(request, type, items, resourceVersion);
      return;
    }
    request.json(200, StoredObjects.list(type, items, resourceVersion));
  }

  private void sendTable(
      ApiRequest request, ResourceType type, List<JsonNode> items, String resourceVersion) {
    request.send(
        200,
        ApiRequest.TABLE_JSON,
        Json.bytes(
            tables.table(type, items, resourceVersion, request.param("includeObject"), true)));
  }

  /**
   * The request's {@code fieldSelector}; null when it cannot be read, after answering 400 Bad
   * Request.
   */
  static FieldSelector fieldSelector(ApiRequest request) {
    try {
      return FieldSelector.parse(request.param("fieldSelector"));
    } catch (IllegalArgumentException e) {
      request.status(Statuses.badRequest(e.getMessage()));
      return null;
    }
  }

  static String labelSelectorQuery(ApiRequest request) {
    String labels = request.param("labelSelector");
    if (labels == null || labels.isEmpty()) {
      return "";
    }
    return "?labelSelector="
        + java.net.URLEncoder.encode(labels, java.nio.charset.StandardCharsets.UTF_8);
  }
}
