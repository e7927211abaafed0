package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The release LaunchDarkly holds for the flag. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ObservedRelease {
  @JsonPropertyDescription("Key of the pipeline the release follows.")
  private String pipelineKey;

  @JsonPropertyDescription("Name of the pipeline the release follows.")
  private String pipelineName;

  @JsonPropertyDescription("ID of the variation released in every phase, if LaunchDarkly set one.")
  private String variationId;

  @JsonPropertyDescription("LaunchDarkly's _version of the release.")
  private Long version;

  @JsonPropertyDescription(
      "True when the pipeline is a legacy one: its phases are only marked complete or not.")
  private Boolean legacy;

  @JsonPropertyDescription(
      "When LaunchDarkly created the release (RFC 3339, its phases' creation date): a release"
          + " deleted and made again, even on the same pipeline, has another, unless LaunchDarkly"
          + " dates phases by their pipeline's (undocumented); audienceIds tells them apart then.")
  private String createdAt;

  @JsonPropertyDescription(
      "A short digest of each of LaunchDarkly's IDs of the release's audiences (only a"
          + " release's audiences carry one), separated by spaces: with createdAt, what tells this"
          + " release from one deleted and made again on the same pipeline (LaunchDarkly gives a"
          + " release no ID of its own). A release made at another time, or with none of these"
          + " audiences, is never deleted or moved as this resource's.")
  private String audienceIds;

  public ObservedRelease() {}

  public ObservedRelease(
      String pipelineKey,
      String pipelineName,
      String variationId,
      Long version,
      Boolean legacy,
      String createdAt) {
    this.pipelineKey = pipelineKey;
    this.pipelineName = pipelineName;
    this.variationId = variationId;
    this.version = version;
    this.legacy = legacy;
    this.createdAt = createdAt;
  }

  public String getPipelineKey() {
    return pipelineKey;
  }

  public void setPipelineKey(String pipelineKey) {
    this.pipelineKey = pipelineKey;
  }

  public String getPipelineName() {
    return pipelineName;
  }

  public void setPipelineName(String pipelineName) {
    this.pipelineName = pipelineName;
  }

  public String getVariationId() {
    return variationId;
  }

  public void setVariationId(String variationId) {
    this.variationId = variationId;
  }

  public Long getVersion() {
    return version;
  }

  public void setVersion(Long version) {
    this.version = version;
  }

  public Boolean getLegacy() {
    return legacy;
  }

  public void setLegacy(Boolean legacy) {
    this.legacy = legacy;
  }

  public String getCreatedAt() {
    return createdAt;
  }

  public void setCreatedAt(String createdAt) {
    this.createdAt = createdAt;
  }

  public String getAudienceIds() {
    return audienceIds;
  }

  public void setAudienceIds(String audienceIds) {
    this.audienceIds = audienceIds;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObservedRelease other
        && Objects.equals(pipelineKey, other.pipelineKey)
        && Objects.equals(pipelineName, other.pipelineName)
        && Objects.equals(variationId, other.variationId)
        && Objects.equals(version, other.version)
        && Objects.equals(legacy, other.legacy)
        && Objects.equals(createdAt, other.createdAt)
        && Objects.equals(audienceIds, other.audienceIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        pipelineKey, pipelineName, variationId, version, legacy, createdAt, audienceIds);
  }
}
