package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** One phase of the release as LaunchDarkly has it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class PhaseStatus {
  @JsonPropertyDescription("LaunchDarkly's ID of the phase.")
  private String id;

  @JsonPropertyDescription("Name of the phase.")
  private String name;

  @JsonPropertyDescription(
      "LaunchDarkly's status of the phase: NotStarted, ReadyToStart, Started, Paused or"
          + " Complete. Legacy pipelines report only NotStarted or Complete.")
  private String status;

  @JsonPropertyDescription("Whether the phase has started.")
  private Boolean started;

  @JsonPropertyDescription("Whether the phase is complete.")
  private Boolean complete;

  @JsonPropertyDescription("When the phase started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the phase completed (RFC 3339).")
  private String completedAt;

  @JsonPropertyDescription(
      "While a guarded rollout of this phase is monitored: when LaunchDarkly's monitoring"
          + " window ends at the latest (RFC 3339), after which LaunchDarkly completes the phase."
          + " Monitoring begins when the change goes live (at the start, an approval or a resume);"
          + " one the operator did not see is counted from when it saw the phase monitored.")
  private String monitoringEndsAt;

  @JsonPropertyDescription(
      "True when a read after monitoringEndsAt (and a grace of a tenth of the window, at most a"
          + " minute) still showed this phase started and not complete: LaunchDarkly completes a"
          + " phase as its guarded rollout ends, so a regression may have rolled it back. Kept"
          + " until a read shows the phase otherwise; while it is true, a release gone from"
          + " LaunchDarkly is taken as deleted (and made again), never as completed.")
  private Boolean monitoringOverdue;

  @JsonPropertyDescription(
      "Audiences of this started phase whose change waits for approval in LaunchDarkly.")
  private List<String> awaitingApproval;

  @JsonPropertyDescription("Whether this FlagRelease lists the phase in spec.phases.")
  private Boolean managed;

  @JsonPropertyDescription(
      "The status spec.phases asked for this phase when this status was written; but what it"
          + " asked before while a move back it asks now is not made: for a legacy phase moved"
          + " back from Complete, Complete until LaunchDarkly has it incomplete; for a phase of an"
          + " automated pipeline moved back to NotStarted (never made: MoveBackNotApplied), Started"
          + " or Complete while LaunchDarkly shows it on. A legacy phase is marked incomplete"
          + " again only when the spec moves it back, never because LaunchDarkly got ahead of it.")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
  private DesiredPhaseStatus requested;

  public String getId() {
    return id;
  }

  public void setId(String id) {
    this.id = id;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public Boolean getStarted() {
    return started;
  }

  public void setStarted(Boolean started) {
    this.started = started;
  }

  public Boolean getComplete() {
    return complete;
  }

  public void setComplete(Boolean complete) {
    this.complete = complete;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getCompletedAt() {
    return completedAt;
  }

  public void setCompletedAt(String completedAt) {
    this.completedAt = completedAt;
  }

  public String getMonitoringEndsAt() {
    return monitoringEndsAt;
  }

  public void setMonitoringEndsAt(String monitoringEndsAt) {
    this.monitoringEndsAt = monitoringEndsAt;
  }

  public Boolean getMonitoringOverdue() {
    return monitoringOverdue;
  }

  public void setMonitoringOverdue(Boolean monitoringOverdue) {
    this.monitoringOverdue = monitoringOverdue;
  }

  public List<String> getAwaitingApproval() {
    return awaitingApproval;
  }

  public void setAwaitingApproval(List<String> awaitingApproval) {
    this.awaitingApproval = awaitingApproval;
  }

  public Boolean getManaged() {
    return managed;
  }

  public void setManaged(Boolean managed) {
    this.managed = managed;
  }

  public DesiredPhaseStatus getRequested() {
    return requested;
  }

  public void setRequested(DesiredPhaseStatus requested) {
    this.requested = requested;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PhaseStatus other
        && Objects.equals(id, other.id)
        && Objects.equals(name, other.name)
        && Objects.equals(status, other.status)
        && Objects.equals(started, other.started)
        && Objects.equals(complete, other.complete)
        && Objects.equals(startedAt, other.startedAt)
        && Objects.equals(completedAt, other.completedAt)
        && Objects.equals(monitoringEndsAt, other.monitoringEndsAt)
        && Objects.equals(monitoringOverdue, other.monitoringOverdue)
        && Objects.equals(awaitingApproval, other.awaitingApproval)
        && Objects.equals(managed, other.managed)
        && requested == other.requested;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id,
        name,
        status,
        started,
        complete,
        startedAt,
        completedAt,
        monitoringEndsAt,
        monitoringOverdue,
        awaitingApproval,
        managed,
        requested);
  }
}
