package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One change the operator saw of the release: a phase's status, or the release's pipeline. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReleaseChange {
  @JsonPropertyDescription("When the operator saw the change (RFC 3339).")
  private String at;

  @JsonPropertyDescription("The phase that changed; absent when the release itself did.")
  private String phase;

  @JsonPropertyDescription(
      "The phase's status before (NotStarted, Started, Complete...), or the release's pipeline"
          + " before; absent when there was no release.")
  private String from;

  @JsonPropertyDescription(
      "The phase's status after, or the release's pipeline after; absent when the release is"
          + " gone.")
  private String to;

  @JsonPropertyDescription(
      "Who made the change: Operator (this operator's write), LaunchDarkly (its own steps: a"
          + " phase made ready to start, a guarded rollout ending its monitoring) or Unknown"
          + " (someone in LaunchDarkly, another tool).")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
  private ChangedBy by;

  public ReleaseChange() {}

  public ReleaseChange(String at, String phase, String from, String to, ChangedBy by) {
    this.at = at;
    this.phase = phase;
    this.from = from;
    this.to = to;
    this.by = by;
  }

  public String getAt() {
    return at;
  }

  public void setAt(String at) {
    this.at = at;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
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

  public ChangedBy getBy() {
    return by;
  }

  public void setBy(ChangedBy by) {
    this.by = by;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReleaseChange other
        && Objects.equals(at, other.at)
        && Objects.equals(phase, other.phase)
        && Objects.equals(from, other.from)
        && Objects.equals(to, other.to)
        && by == other.by;
  }

  @Override
  public int hashCode() {
    return Objects.hash(at, phase, from, to, by);
  }

  @Override
  public String toString() {
    return at + " " + (phase == null ? "release" : phase) + ": " + from + " -> " + to + " by " + by;
  }
}
