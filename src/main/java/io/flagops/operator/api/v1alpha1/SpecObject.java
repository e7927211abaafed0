package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A part of the spec that remembers the fields this operator does not know (a later version's, or a
 * typo an API server without the schema let through): the spec is refused naming them, rather than
 * read past them and acted on without what they ask. They are written as read, so that a copy of
 * the resource (the informer's) still has them.
 */
public abstract class SpecObject {
  @JsonIgnore private final Map<String, Object> unknownFields = new LinkedHashMap<>();

  @JsonAnySetter
  void unknownField(String name, Object value) {
    unknownFields.put(name, value);
  }

  @JsonAnyGetter
  Map<String, Object> unknownFieldValues() {
    return unknownFields;
  }

  /** The names of the fields read that this operator does not know; empty for a spec it knows. */
  @JsonIgnore
  public List<String> getUnknownFields() {
    return List.copyOf(unknownFields.keySet());
  }
}
