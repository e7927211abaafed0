package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reads the protobuf bodies {@code kubectl create namespace|secret|configmap|...} sends ({@code
 * application/vnd.kubernetes.protobuf}: the {@code k8s\0} magic and a runtime.Unknown envelope),
 * turning them into the JSON the mock stores. The messages are the Kubernetes client's generated
 * ones (client-java-proto) for every core v1 kind; this only walks them into JSON as the API server
 * writes it (a field Go writes empty is left out, times in RFC 3339).
 */
final class KubeProtobuf {
  static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final String TIME = "k8s.io.apimachinery.pkg.apis.meta.v1.Time";

  private KubeProtobuf() {}

  /** The object as JSON; {@link IllegalArgumentException} when it cannot be read. */
  static JsonNode decode(byte[] body) {
    if (body.length < MAGIC.length
        || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException("not a Kubernetes protobuf body");
    }
    try {
      Runtime.Unknown envelope =
          Runtime.Unknown.parseFrom(
              ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
      String apiVersion = envelope.getTypeMeta().getApiVersion();
      String kind = envelope.getTypeMeta().getKind();
      ObjectNode object = Json.object().put("apiVersion", apiVersion).put("kind", kind);
      object.setAll(json(parse(apiVersion, kind, envelope.getRaw())));
      return object;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("malformed protobuf: " + e.getMessage(), e);
    }
  }

  /** The generated message of a core v1 kind ({@code V1.Secret}), read from its bytes. */
  private static Message parse(String apiVersion, String kind, ByteString raw)
      throws InvalidProtocolBufferException {
    try {
      if (!"v1".equals(apiVersion) || !kind.matches("[A-Z][A-Za-z]*")) {
        throw new ClassNotFoundException(kind);
      }
      Class<?> type = Class.forName("io.kubernetes.client.proto.V1$" + kind);
      return (Message) type.getMethod("parseFrom", ByteString.class).invoke(null, raw);
    } catch (ReflectiveOperationException e) {
      if (e.getCause() instanceof InvalidProtocolBufferException malformed) {
        throw malformed;
      }
      throw new IllegalArgumentException(
          "protobuf bodies of " + apiVersion + " " + kind + " are not supported; send JSON");
    }
  }

  private static ObjectNode json(Message message) {
    ObjectNode out = Json.object();
    message
        .getAllFields()
        .forEach(
            (field, value) -> {
              JsonNode node = field.isMapField() ? map(field, value) : value(field, value);
              if (node != null) {
                out.set(field.getJsonName(), node);
              }
            });
    return out;
  }

  /** A field's value; null for what Go writes although it is not set (empty, zero time). */
  private static JsonNode value(FieldDescriptor field, Object value) {
    if (field.isRepeated()) {
      ArrayNode array = Json.array();
      ((List<?>) value).forEach(item -> array.add(single(field, item)));
      return array;
    }
    return single(field, value);
  }

  private static JsonNode single(FieldDescriptor field, Object value) {
    return switch (field.getJavaType()) {
      case MESSAGE -> {
        Message message = (Message) value;
        if (!message.getDescriptorForType().getFullName().equals(TIME)) {
          yield json(message);
        }
        long seconds = (Long) message.getField(message.getDescriptorForType().findFieldByNumber(1));
        yield seconds == 0
            ? null
            : Json.NODES.textNode(Ages.format(Instant.ofEpochSecond(seconds)));
      }
      case STRING -> ((String) value).isEmpty() ? null : Json.NODES.textNode((String) value);
      case BYTE_STRING -> Json.NODES.textNode(base64((ByteString) value));
      case BOOLEAN -> Json.NODES.booleanNode((Boolean) value);
      case INT, LONG ->
          field.getName().equals("generation") && ((Number) value).longValue() == 0
              ? null
              : Json.NODES.numberNode(((Number) value).longValue());
      case FLOAT, DOUBLE -> Json.NODES.numberNode(((Number) value).doubleValue());
      default -> Json.NODES.textNode(String.valueOf(value)); // enums: Kubernetes' protos have none
    };
  }

  /** A {@code map<string, string|bytes>} field: its entries as an object, empty values kept. */
  private static JsonNode map(FieldDescriptor field, Object entries) {
    ObjectNode map = Json.object();
    FieldDescriptor key = field.getMessageType().findFieldByName("key");
    FieldDescriptor value = field.getMessageType().findFieldByName("value");
    for (Object item : (List<?>) entries) {
      Message entry = (Message) item;
      Object raw = entry.getField(value);
      map.put(
          (String) entry.getField(key),
          raw instanceof ByteString bytes ? base64(bytes) : String.valueOf(raw));
    }
    return map;
  }

  private static String base64(ByteString bytes) {
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
