package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads the protobuf bodies {@code kubectl create namespace|secret|configmap|serviceaccount} send
 * ({@code application/vnd.kubernetes.protobuf}: the {@code k8s\0} magic and a runtime.Unknown
 * envelope), turning them into the JSON the mock stores. protobuf-java reads the wire format; the
 * field numbers of those kinds (Kubernetes' generated.proto) are listed here, other kinds are
 * refused with 415.
 */
final class KubeProtobuf {
  static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private KubeProtobuf() {}

  private enum Kind {
    STRING,
    BYTES,
    INT,
    BOOL,
    TIME,
    MESSAGE,
    STRING_MAP,
    BYTES_MAP,
    STRINGS,
    MESSAGES
  }

  private record Field(String name, Kind kind, Map<Integer, Field> message) {
    static Field of(String name, Kind kind) {
      return new Field(name, kind, null);
    }

    static Field of(String name, Kind kind, Map<Integer, Field> message) {
      return new Field(name, kind, message);
    }
  }

  private static final Map<Integer, Field> OWNER_REFERENCE =
      Map.of(
          1, Field.of("kind", Kind.STRING),
          3, Field.of("name", Kind.STRING),
          4, Field.of("uid", Kind.STRING),
          5, Field.of("apiVersion", Kind.STRING),
          6, Field.of("controller", Kind.BOOL),
          7, Field.of("blockOwnerDeletion", Kind.BOOL));

  private static final Map<Integer, Field> OBJECT_META =
      Map.ofEntries(
          Map.entry(1, Field.of("name", Kind.STRING)),
          Map.entry(2, Field.of("generateName", Kind.STRING)),
          Map.entry(3, Field.of("namespace", Kind.STRING)),
          Map.entry(5, Field.of("uid", Kind.STRING)),
          Map.entry(6, Field.of("resourceVersion", Kind.STRING)),
          Map.entry(7, Field.of("generation", Kind.INT)),
          Map.entry(8, Field.of("creationTimestamp", Kind.TIME)),
          Map.entry(9, Field.of("deletionTimestamp", Kind.TIME)),
          Map.entry(10, Field.of("deletionGracePeriodSeconds", Kind.INT)),
          Map.entry(11, Field.of("labels", Kind.STRING_MAP)),
          Map.entry(12, Field.of("annotations", Kind.STRING_MAP)),
          Map.entry(13, Field.of("ownerReferences", Kind.MESSAGES, OWNER_REFERENCE)),
          Map.entry(14, Field.of("finalizers", Kind.STRINGS)));

  private static final Map<Integer, Field> OBJECT_REFERENCE =
      Map.of(
          1, Field.of("kind", Kind.STRING),
          2, Field.of("namespace", Kind.STRING),
          3, Field.of("name", Kind.STRING),
          4, Field.of("uid", Kind.STRING),
          5, Field.of("apiVersion", Kind.STRING));

  private static final Map<String, Map<Integer, Field>> KINDS =
      Map.of(
          "Secret",
          Map.of(
              1, Field.of("metadata", Kind.MESSAGE, OBJECT_META),
              2, Field.of("data", Kind.BYTES_MAP),
              3, Field.of("type", Kind.STRING),
              4, Field.of("stringData", Kind.STRING_MAP),
              5, Field.of("immutable", Kind.BOOL)),
          "ConfigMap",
          Map.of(
              1, Field.of("metadata", Kind.MESSAGE, OBJECT_META),
              2, Field.of("data", Kind.STRING_MAP),
              3, Field.of("binaryData", Kind.BYTES_MAP),
              4, Field.of("immutable", Kind.BOOL)),
          "Namespace",
          Map.of(
              1, Field.of("metadata", Kind.MESSAGE, OBJECT_META),
              2, Field.of("spec", Kind.MESSAGE, Map.of(1, Field.of("finalizers", Kind.STRINGS))),
              3, Field.of("status", Kind.MESSAGE, Map.of(1, Field.of("phase", Kind.STRING)))),
          "ServiceAccount",
          Map.of(
              1, Field.of("metadata", Kind.MESSAGE, OBJECT_META),
              2, Field.of("secrets", Kind.MESSAGES, OBJECT_REFERENCE),
              3,
                  Field.of(
                      "imagePullSecrets", Kind.MESSAGES, Map.of(1, Field.of("name", Kind.STRING))),
              4, Field.of("automountServiceAccountToken", Kind.BOOL)));

  /** The object as JSON; {@link IllegalArgumentException} when it cannot be read. */
  static JsonNode decode(byte[] body) {
    if (body.length < MAGIC.length
        || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new IllegalArgumentException("not a Kubernetes protobuf body");
    }
    UnknownFieldSet envelope =
        parse(ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
    UnknownFieldSet typeMeta = parse(last(envelope, 1));
    String apiVersion = last(typeMeta, 1).toStringUtf8();
    String kind = last(typeMeta, 2).toStringUtf8();
    Map<Integer, Field> message = KINDS.get(kind);
    if (message == null || !"v1".equals(apiVersion) || !envelope.hasField(2)) {
      throw new IllegalArgumentException(
          "protobuf bodies of " + apiVersion + " " + kind + " are not supported; send JSON");
    }
    ObjectNode object = Json.object();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    read(parse(last(envelope, 2)), message, object);
    return object;
  }

  private static void read(UnknownFieldSet in, Map<Integer, Field> message, ObjectNode out) {
    in.asMap()
        .forEach(
            (number, values) -> {
              Field field = message.get(number);
              if (field != null) {
                read(field, values, out);
              }
            });
  }

  private static void read(Field field, UnknownFieldSet.Field values, ObjectNode out) {
    List<ByteString> bytes = values.getLengthDelimitedList();
    List<Long> varints = values.getVarintList();
    String name = field.name();
    switch (field.kind()) {
      case STRING -> {
        String value = bytes.get(bytes.size() - 1).toStringUtf8();
        if (!value.isEmpty()) {
          out.put(name, value); // Go writes every string, set or not
        }
      }
      case BYTES -> out.put(name, base64(bytes.get(bytes.size() - 1)));
      case INT -> {
        long value = varints.get(varints.size() - 1);
        if (value != 0 || !name.equals("generation")) {
          out.put(name, value);
        }
      }
      case BOOL -> out.put(name, varints.get(varints.size() - 1) != 0);
      case TIME -> {
        UnknownFieldSet time = parse(bytes.get(bytes.size() - 1));
        long seconds = time.hasField(1) ? time.getField(1).getVarintList().get(0) : 0;
        if (seconds != 0) { // the zero time: not set
          out.put(name, Ages.format(Instant.ofEpochSecond(seconds)));
        }
      }
      case MESSAGE ->
          read(parse(bytes.get(bytes.size() - 1)), field.message(), out.putObject(name));
      case MESSAGES ->
          bytes.forEach(
              b -> read(parse(b), field.message(), out.withArrayProperty(name).addObject()));
      case STRINGS -> bytes.forEach(b -> out.withArrayProperty(name).add(b.toStringUtf8()));
      case STRING_MAP, BYTES_MAP -> {
        ObjectNode map = out.withObjectProperty(name);
        for (ByteString entry : bytes) {
          UnknownFieldSet pair = parse(entry);
          ByteString value = pair.hasField(2) ? last(pair, 2) : ByteString.EMPTY;
          map.put(
              last(pair, 1).toStringUtf8(),
              field.kind() == Kind.BYTES_MAP ? base64(value) : value.toStringUtf8());
        }
      }
    }
  }

  /** The last value of a length-delimited field (the one that wins in protobuf), or empty. */
  private static ByteString last(UnknownFieldSet message, int number) {
    List<ByteString> values =
        message.hasField(number) ? message.getField(number).getLengthDelimitedList() : List.of();
    return values.isEmpty() ? ByteString.EMPTY : values.get(values.size() - 1);
  }

  private static UnknownFieldSet parse(ByteString bytes) {
    try {
      return UnknownFieldSet.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("malformed protobuf: " + e.getMessage(), e);
    }
  }

  private static String base64(ByteString bytes) {
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
