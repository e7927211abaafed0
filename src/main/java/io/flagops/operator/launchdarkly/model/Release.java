package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/** A flag's release as {@code GET .../flags/{projectKey}/{flagKey}/release} returns it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Release(
    @JsonProperty("name") String name,
    @JsonProperty("releasePipelineKey") String releasePipelineKey,
    @JsonProperty("releasePipelineDescription") String releasePipelineDescription,
    @JsonProperty("phases") List<ReleasePhase> phases,
    @JsonProperty("_version") Long version,
    @JsonProperty("_releaseVariationId") String releaseVariationId,
    @JsonProperty("_canceledAt") Long canceledAt) {

  /**
   * When LaunchDarkly created the release (its phases are created with it; the release has no id of
   * its own); null when it does not say.
   */
  public Long createdAt() {
    return phases == null || phases.isEmpty() ? null : phases.get(0).creationDate();
  }

  /** The first phase whose status LaunchDarkly does not document, if any. */
  public Optional<ReleasePhase> phaseWithUnknownStatus() {
    return phases.stream().filter(phase -> !phase.hasKnownStatus()).findFirst();
  }

  /** Checks the fields the schema requires, so a half-read release never drives a write. */
  public Release requireComplete() {
    Malformed.require(name, "name");
    Malformed.require(releasePipelineKey, "releasePipelineKey");
    Malformed.require(phases, "phases");
    Malformed.require(version, "_version");
    for (int i = 0; i < phases.size(); i++) {
      Malformed.require(phases.get(i), "phases[" + i + "]").requireComplete("phases[" + i + "]");
    }
    return this;
  }
}
