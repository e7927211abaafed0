package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A phase write sent to LaunchDarkly whose outcome it did not say (an answer lost, a server error,
 * a timeout) and that the read right after it did not show made, or that failed too: kept so that
 * the next read showing it made gives it to the operator (in the history and an event), not to
 * someone else.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class UncertainWrite {
  @JsonPropertyDescription("The _id of the phase written to.")
  private String phaseId;

  @JsonPropertyDescription("The phase's name.")
  private String phase;

  @JsonPropertyDescription("The status the write asked for (Started or Complete).")
  private String status;

  public UncertainWrite() {}

  public UncertainWrite(String phaseId, String phase, String status) {
    this.phaseId = phaseId;
    this.phase = phase;
    this.status = status;
  }

  public String getPhaseId() {
    return phaseId;
  }

  public void setPhaseId(String phaseId) {
    this.phaseId = phaseId;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UncertainWrite other
        && Objects.equals(phaseId, other.phaseId)
        && Objects.equals(phase, other.phase)
        && Objects.equals(status, other.status);
  }

  @Override
  public int hashCode() {
    return Objects.hash(phaseId, phase, status);
  }
}
