package io.flagops.operator.launchdarkly.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** One phase of a release. {@code status} and {@code started} are absent on old releases. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleasePhase(
    @JsonProperty("_id") String id,
    @JsonProperty("_name") String name,
    @JsonProperty("complete") Boolean complete,
    @JsonProperty("_creationDate") Long creationDate,
    @JsonProperty("_completionDate") Long completionDate,
    @JsonProperty("_audiences") List<ReleaseAudience> audiences,
    @JsonProperty("status") String status,
    @JsonProperty("started") Boolean started,
    @JsonProperty("_startedDate") Long startedDate) {

  /** LaunchDarkly's phase status values. */
  public static final String NOT_STARTED = "NotStarted";

  public static final String READY_TO_START = "ReadyToStart";
  public static final String STARTED = "Started";
  public static final String PAUSED = "Paused";
  public static final String COMPLETE = "Complete";

  /** Every status LaunchDarkly documents for a phase. */
  public static final List<String> KNOWN_STATUSES =
      List.of(NOT_STARTED, READY_TO_START, STARTED, PAUSED, COMPLETE);

  /**
   * The documented statuses under the spellings LaunchDarkly's own answers have been seen to use
   * (kebab-case "not-started", "ready-to-start", "active", "completed"): each is the status it
   * names, so that a release read in that spelling is planned, not stopped as unknown.
   */
  private static final Map<String, String> SPELLINGS =
      Map.of(
          "notstarted", NOT_STARTED,
          "readytostart", READY_TO_START,
          "started", STARTED,
          "active", STARTED,
          "paused", PAUSED,
          "complete", COMPLETE,
          "completed", COMPLETE);

  public ReleasePhase {
    status = documented(status);
  }

  /**
   * The documented status {@code status} spells, or {@code status} itself when none (null stays):
   * also for statuses an older operator recorded as LaunchDarkly spelled them.
   */
  public static String documented(String status) {
    if (status == null) {
      return null;
    }
    String key = status.replaceAll("[-_\\s]", "").toLowerCase(Locale.ROOT);
    return SPELLINGS.getOrDefault(key, status);
  }

  void requireComplete(String where) {
    Malformed.require(id, where + "._id");
    Malformed.require(name, where + "._name");
    Malformed.require(complete, where + ".complete");
    Malformed.require(audiences, where + "._audiences");
    for (int i = 0; i < audiences.size(); i++) {
      ReleaseAudience audience =
          Malformed.require(audiences.get(i), where + "._audiences[" + i + "]");
      Malformed.require(audience.id(), where + "._audiences[" + i + "]._id");
      Malformed.require(audience.name(), where + "._audiences[" + i + "].name");
    }
  }

  /** Whether the status is absent (a release made before phases had one) or documented. */
  public boolean hasKnownStatus() {
    return status == null || KNOWN_STATUSES.contains(status);
  }

  public boolean isComplete() {
    return Boolean.TRUE.equals(complete) || COMPLETE.equals(status);
  }

  /**
   * Started as far as the read tells: its {@code status}, else {@code started}, else a {@code
   * _startedDate} (all three optional), so that a read leaving out the first two does not have a
   * started phase started again.
   */
  public boolean isStarted() {
    return STARTED.equals(status)
        || (status == null
            && (Boolean.TRUE.equals(started) || (started == null && startedDate != null)));
  }

  public boolean isPaused() {
    return PAUSED.equals(status);
  }

  /**
   * Shown not started although LaunchDarkly says it started before ({@code started} or {@code
   * _startedDate}): moved back, by a guarded rollout's rollback or a person. How LaunchDarkly shows
   * a rollback is not documented; starting such a phase again would undo that decision.
   */
  public boolean isMovedBack() {
    return (NOT_STARTED.equals(status) || READY_TO_START.equals(status))
        && !isComplete()
        && (Boolean.TRUE.equals(started) || startedDate != null);
  }

  /** The longest monitoring window of its guarded audiences, or 0 when no audience is guarded. */
  public long monitoringWindowMillis() {
    return audiences.stream()
        .map(ReleaseAudience::guardian)
        .filter(Objects::nonNull)
        .map(ReleaseGuardianConfiguration::monitoringWindowMilliseconds)
        .filter(Objects::nonNull)
        .mapToLong(Long::longValue)
        .max()
        .orElse(0);
  }

  /** The guarded rollout LaunchDarkly applies to the audience of that name, or null. */
  public ReleaseGuardianConfiguration guardianOf(String audienceName) {
    return audiences.stream()
        .filter(a -> Objects.equals(a.name(), audienceName))
        .map(ReleaseAudience::guardian)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** Audiences that require approval and whose change LaunchDarkly does not show as live. */
  public List<ReleaseAudience> audiencesAwaitingApproval() {
    return audiences.stream().filter(ReleaseAudience::awaitsApproval).toList();
  }

  /**
   * Whether this read leaves out every audience's configuration (an optional field): it then says
   * nothing of the phase's guarded rollout or approval, not that it has none.
   */
  public boolean saysNothingOfGuardrails() {
    return !audiences.isEmpty() && audiences.stream().allMatch(a -> a.configuration() == null);
  }

  /** Audiences that require approval before their change goes live. */
  public List<ReleaseAudience> audiencesRequiringApproval() {
    return audiences.stream().filter(ReleaseAudience::requiresApproval).toList();
  }
}
