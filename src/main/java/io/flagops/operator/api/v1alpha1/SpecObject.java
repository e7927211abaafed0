package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A part of the spec that remembers what this operator does not know (a later version's field or
 * value, or a typo an API server without the schema let through): the spec is refused naming it,
 * rather than read past it and acted on without what it asks. It is written as read, so that a copy
 * of the resource (the informer's) still has it, and one such resource cannot fail the informer's
 * list of all the others.
 */
public abstract class SpecObject {
  @JsonIgnore private final Map<String, Object> unknownFields = new LinkedHashMap<>();
  @JsonIgnore private final Map<String, String> unknownValues = new LinkedHashMap<>();

  @JsonAnySetter
  void unknownField(String name, Object value) {
    unknownFields.put(name, value);
  }

  @JsonAnyGetter
  Map<String, Object> unknownFieldValues() {
    Map<String, Object> asRead = new LinkedHashMap<>(unknownFields);
    asRead.putAll(unknownValues);
    return asRead;
  }

  /** The names of the fields read that this operator does not know; empty for a spec it knows. */
  @JsonIgnore
  public List<String> getUnknownFields() {
    return List.copyOf(unknownFields.keySet());
  }

  /**
   * The fields read with a value this operator does not know, each with that value; their getters
   * answer null. Empty for a spec it knows.
   */
  @JsonIgnore
  public Map<String, String> getUnknownValues() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(unknownValues)); // in the order read
  }

  /** The field's value as the resource has it, one this version does not know included. */
  public String valueAsWritten(String field, Enum<?> value) {
    return value != null ? value.name() : unknownValues.get(field);
  }

  /**
   * The constant {@code value} names; null, remembered as read, when none does. The field's getter
   * must leave a null out of the JSON ({@code NON_NULL}): the value read is written instead.
   */
  protected <E extends Enum<E>> E valueRead(String field, String value, Class<E> type, E absent) {
    unknownValues.remove(field);
    if (value == null) {
      return absent;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(value)) {
        return constant;
      }
    }
    unknownValues.put(field, value);
    return null;
  }

  /** A value set in code: whatever was read for the field before no longer counts. */
  protected void valueSet(String field) {
    unknownValues.remove(field);
  }

  /** The values a field of this type takes, as a message lists them: "A, B or C". */
  public static String valuesOf(Class<? extends Enum<?>> type) {
    List<String> names =
        Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.toList());
    String last = names.remove(names.size() - 1);
    return names.isEmpty() ? last : String.join(", ", names) + " or " + last;
  }
}
