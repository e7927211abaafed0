package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Reads the protobuf bodies {@code kubectl create namespace|secret|configmap|serviceaccount} send
 * ({@code application/vnd.kubernetes.protobuf}: the {@code k8s\0} magic and a runtime.Unknown
 * envelope), turning them into the JSON the mock stores. Only the fields of those kinds are known;
 * other kinds are refused with 415.
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
    if (body.length < MAGIC.length) {
      throw new IllegalArgumentException("not a Kubernetes protobuf body");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (body[i] != MAGIC[i]) {
        throw new IllegalArgumentException("not a Kubernetes protobuf body");
      }
    }
    Reader envelope = new Reader(body, MAGIC.length, body.length);
    String apiVersion = null;
    String kind = null;
    byte[] raw = null;
    while (envelope.more()) {
      int tag = (int) envelope.varint();
      int number = tag >>> 3;
      if (number == 1 && (tag & 7) == 2) {
        Reader typeMeta = envelope.sub();
        while (typeMeta.more()) {
          int inner = (int) typeMeta.varint();
          if ((inner >>> 3) == 1) {
            apiVersion = typeMeta.string();
          } else if ((inner >>> 3) == 2) {
            kind = typeMeta.string();
          } else {
            typeMeta.skip(inner & 7);
          }
        }
      } else if (number == 2 && (tag & 7) == 2) {
        raw = envelope.bytes();
      } else {
        envelope.skip(tag & 7);
      }
    }
    Map<Integer, Field> message = kind == null ? null : KINDS.get(kind);
    if (message == null || raw == null || !"v1".equals(apiVersion)) {
      throw new IllegalArgumentException(
          "protobuf bodies of " + apiVersion + " " + kind + " are not supported; send JSON");
    }
    ObjectNode object = Json.object();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    read(new Reader(raw, 0, raw.length), message, object);
    return object;
  }

  private static void read(Reader reader, Map<Integer, Field> message, ObjectNode out) {
    while (reader.more()) {
      int tag = (int) reader.varint();
      Field field = message.get(tag >>> 3);
      if (field == null) {
        reader.skip(tag & 7);
        continue;
      }
      switch (field.kind()) {
        case STRING -> {
          String value = reader.string();
          if (!value.isEmpty()) {
            out.put(field.name(), value); // Go writes every string, set or not
          }
        }
        case BYTES -> out.put(field.name(), Base64.getEncoder().encodeToString(reader.bytes()));
        case INT -> {
          long value = reader.varint();
          if (value != 0 || !field.name().equals("generation")) {
            out.put(field.name(), value);
          }
        }
        case BOOL -> out.put(field.name(), reader.varint() != 0);
        case TIME -> {
          String time = time(reader.sub());
          if (time != null) {
            out.put(field.name(), time);
          }
        }
        case MESSAGE -> read(reader.sub(), field.message(), out.putObject(field.name()));
        case MESSAGES -> {
          ArrayNode list =
              out.get(field.name()) instanceof ArrayNode a ? a : out.putArray(field.name());
          read(reader.sub(), field.message(), list.addObject());
        }
        case STRINGS -> {
          ArrayNode list =
              out.get(field.name()) instanceof ArrayNode a ? a : out.putArray(field.name());
          list.add(reader.string());
        }
        case STRING_MAP, BYTES_MAP -> {
          ObjectNode map =
              out.get(field.name()) instanceof ObjectNode m ? m : out.putObject(field.name());
          Reader entry = reader.sub();
          String key = "";
          String value = "";
          while (entry.more()) {
            int inner = (int) entry.varint();
            if ((inner >>> 3) == 1) {
              key = entry.string();
            } else if ((inner >>> 3) == 2) {
              value =
                  field.kind() == Kind.BYTES_MAP
                      ? Base64.getEncoder().encodeToString(entry.bytes())
                      : entry.string();
            } else {
              entry.skip(inner & 7);
            }
          }
          map.put(key, value);
        }
        default -> reader.skip(tag & 7);
      }
    }
  }

  /** A metav1.Time (seconds, nanos) as RFC 3339, null for the zero time. */
  private static String time(Reader reader) {
    long seconds = 0;
    long nanos = 0;
    while (reader.more()) {
      int tag = (int) reader.varint();
      if ((tag >>> 3) == 1) {
        seconds = reader.varint();
      } else if ((tag >>> 3) == 2) {
        nanos = reader.varint();
      } else {
        reader.skip(tag & 7);
      }
    }
    if (seconds == 0 && nanos == 0) {
      return null; // the zero time: not set
    }
    return Ages.format(Instant.ofEpochSecond(seconds, nanos));
  }

  /** The protobuf wire format, over a slice of bytes. */
  private static final class Reader {
    private final byte[] data;
    private int pos;
    private final int end;

    Reader(byte[] data, int start, int end) {
      this.data = data;
      this.pos = start;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new IllegalArgumentException("truncated protobuf");
        }
        byte b = data[pos++];
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("malformed varint");
    }

    Reader sub() {
      int length = length();
      Reader reader = new Reader(data, pos, pos + length);
      pos += length;
      return reader;
    }

    byte[] bytes() {
      int length = length();
      byte[] out = java.util.Arrays.copyOfRange(data, pos, pos + length);
      pos += length;
      return out;
    }

    String string() {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> {
          int length = length(); // read before moving: pos += length() would add to the old pos
          pos += length;
        }
        case 5 -> pos += 4;
        default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
      }
      if (pos > end) {
        throw new IllegalArgumentException("truncated protobuf");
      }
    }

    private int length() {
      long length = varint();
      if (length < 0 || pos + length > end) {
        throw new IllegalArgumentException("truncated protobuf");
      }
      return (int) length;
    }
  }
}
