package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The parts of a release pipeline the operator needs: whether it is a legacy one. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleasePipeline(
    @JsonProperty("key") String key,
    @JsonProperty("name") String name,
    @JsonProperty("_isLegacy") Boolean isLegacy) {

  public ReleasePipeline requireComplete() {
    Malformed.require(key, "key");
    Malformed.require(name, "name");
    return this;
  }

  public boolean legacy() {
    return Boolean.TRUE.equals(isLegacy);
  }
}
