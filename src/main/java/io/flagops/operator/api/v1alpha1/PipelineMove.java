package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A move to another pipeline that deleted the release and has not made the new one yet: recorded
 * before the delete, so that the create that finishes it (in a later pass, or after a restart)
 * keeps the variation the release had.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class PipelineMove {
  @JsonPropertyDescription("The pipeline the release was deleted from.")
  private String from;

  @JsonPropertyDescription("The pipeline the release is being created on.")
  private String to;

  @JsonPropertyDescription(
      "The variation the deleted release released, which the new one keeps; unset for"
          + " LaunchDarkly's default.")
  private String releaseVariationId;

  public PipelineMove() {}

  public PipelineMove(String from, String to, String releaseVariationId) {
    this.from = from;
    this.to = to;
    this.releaseVariationId = releaseVariationId;
  }

  public String getFrom() {
    return from;
  }

  public void setFrom(String from) {
    this.from = from;
  }

  public String getTo() {
    return to;
  }

  public void setTo(String to) {
    this.to = to;
  }

  public String getReleaseVariationId() {
    return releaseVariationId;
  }

  public void setReleaseVariationId(String releaseVariationId) {
    this.releaseVariationId = releaseVariationId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PipelineMove other
        && Objects.equals(from, other.from)
        && Objects.equals(to, other.to)
        && Objects.equals(releaseVariationId, other.releaseVariationId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, to, releaseVariationId);
  }
}
