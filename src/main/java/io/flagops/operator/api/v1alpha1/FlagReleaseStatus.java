package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What the operator last saw in LaunchDarkly and what it thinks of it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class FlagReleaseStatus {
  /**
   * Status fields a later operator wrote that this one does not know: kept and written back as they
   * are, so that rolling the operator back loses none of a later one's records (the API server
   * keeps them while the CRD declares them).
   */
  @JsonIgnore private Map<String, Object> laterFields = new LinkedHashMap<>();

  /** How many changes {@link #getHistory()} keeps. */
  public static final int HISTORY_SIZE = 20;

  /** How many writes {@link #getPlannedChanges()} lists. */
  public static final int PLANNED_SIZE = 10;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Ready, Reconciling and Stalled, following kstatus conventions.")
  private List<FlagReleaseCondition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "One word summary: Pending, Progressing, Ready, Suspended, Failed or Deleting.")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
  private ReleaseState state;

  @JsonPropertyDescription("The release LaunchDarkly holds for the flag, if any.")
  private ObservedRelease release;

  @JsonPropertyDescription("Every phase of the release, in pipeline order, as LaunchDarkly has it.")
  private List<PhaseStatus> phases = new ArrayList<>();

  @JsonPropertyDescription("Name of the first phase that is not complete.")
  private String currentPhase;

  @JsonPropertyDescription("The latest human-readable explanation.")
  private String message;

  @JsonPropertyDescription(
      "A move to another pipeline that deleted (or was deleting) the release and has not"
          + " created it on the new pipeline yet (a failed or interrupted create): the create that"
          + " finishes it keeps the variation recorded here. Unset once the flag has a release"
          + " again, or when the resource starts waiting for another's flag (FlagClaimed).")
  private PipelineMove unfinishedMove;

  @JsonPropertyDescription(
      "Phase writes whose outcome LaunchDarkly did not say (an answer lost, a server error, a"
          + " timeout) and that the read right after them did not show made, or that failed too;"
          + " the next read that shows one made records it as the operator's. Empty otherwise.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private List<UncertainWrite> uncertainWrites = new ArrayList<>();

  @JsonPropertyDescription(
      "Pipeline key of the release this resource last saw with every phase complete. Kept when"
          + " LaunchDarkly then stops returning the release (it may list only releases under way,"
          + " or a person deleted it): the operator does not create it again on that pipeline,"
          + " which would run its phases again. Unset when the flag has an unfinished release,"
          + " and by a move to another pipeline.")
  private String completedPipelineKey;

  @JsonPropertyDescription(
      "Pipeline key of the release this resource created or adopted. Only that release is"
          + " moved to another pipeline or deleted by the operator.")
  private String ownedPipelineKey;

  @JsonPropertyDescription(
      "Whether this resource created the release (Created) or found it and adopted it"
          + " (Adopted). With deletionPolicy Delete, deleting the resource deletes only a release"
          + " it created. A release created with a token from another source (another Secret or"
          + " key, or the default token) counts as Adopted once the source changes.")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
  private ReleaseOrigin releaseOrigin;

  @JsonPropertyDescription(
      "Which token the last call used: the token Secret's name and key, or the default token's"
          + " file or variable, then a 12-digit digest that tells one token from another (never"
          + " the token). A refused write is tried again when it changes; a Secret or file"
          + " written again with the same token changes nothing.")
  private String tokenVersion;

  @JsonPropertyDescription(
      "The last changes of the release the operator saw (at most "
          + FlagReleaseStatus.HISTORY_SIZE
          + ", oldest first): each phase status change and pipeline change, when, and who made"
          + " it. Written only when something changes.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private List<ReleaseChange> history = new ArrayList<>();

  @JsonPropertyDescription(
      "With managementPolicy Observe: the writes Manage would make now, in order (at most "
          + FlagReleaseStatus.PLANNED_SIZE
          + "), to review before switching to Manage. Empty when LaunchDarkly matches the spec.")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  private List<String> plannedChanges = new ArrayList<>();

  public List<String> getPlannedChanges() {
    return plannedChanges;
  }

  public void setPlannedChanges(List<String> plannedChanges) {
    this.plannedChanges = plannedChanges == null ? new ArrayList<>() : plannedChanges;
  }

  public List<ReleaseChange> getHistory() {
    return history;
  }

  public void setHistory(List<ReleaseChange> history) {
    this.history = history == null ? new ArrayList<>() : history;
  }

  public String getTokenVersion() {
    return tokenVersion;
  }

  public void setTokenVersion(String tokenVersion) {
    this.tokenVersion = tokenVersion;
  }

  public ReleaseOrigin getReleaseOrigin() {
    return releaseOrigin;
  }

  public void setReleaseOrigin(ReleaseOrigin releaseOrigin) {
    this.releaseOrigin = releaseOrigin;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<FlagReleaseCondition> getConditions() {
    return conditions;
  }

  public void setConditions(List<FlagReleaseCondition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public ReleaseState getState() {
    return state;
  }

  public void setState(ReleaseState state) {
    this.state = state;
  }

  public ObservedRelease getRelease() {
    return release;
  }

  public void setRelease(ObservedRelease release) {
    this.release = release;
  }

  public List<PhaseStatus> getPhases() {
    return phases;
  }

  public void setPhases(List<PhaseStatus> phases) {
    this.phases = phases == null ? new ArrayList<>() : phases;
  }

  public String getCurrentPhase() {
    return currentPhase;
  }

  public void setCurrentPhase(String currentPhase) {
    this.currentPhase = currentPhase;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public PipelineMove getUnfinishedMove() {
    return unfinishedMove;
  }

  public void setUnfinishedMove(PipelineMove unfinishedMove) {
    this.unfinishedMove = unfinishedMove;
  }

  public List<UncertainWrite> getUncertainWrites() {
    return uncertainWrites;
  }

  public void setUncertainWrites(List<UncertainWrite> uncertainWrites) {
    this.uncertainWrites = uncertainWrites == null ? new ArrayList<>() : uncertainWrites;
  }

  public String getCompletedPipelineKey() {
    return completedPipelineKey;
  }

  public void setCompletedPipelineKey(String completedPipelineKey) {
    this.completedPipelineKey = completedPipelineKey;
  }

  public String getOwnedPipelineKey() {
    return ownedPipelineKey;
  }

  public void setOwnedPipelineKey(String ownedPipelineKey) {
    this.ownedPipelineKey = ownedPipelineKey;
  }

  @JsonAnyGetter
  public Map<String, Object> getLaterFields() {
    return laterFields;
  }

  @JsonAnySetter
  public void setLaterField(String name, Object value) {
    laterFields.put(name, value);
  }

  public void setLaterFields(Map<String, Object> fields) {
    this.laterFields = fields == null ? new LinkedHashMap<>() : new LinkedHashMap<>(fields);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlagReleaseStatus other
        && Objects.equals(observedGeneration, other.observedGeneration)
        && Objects.equals(conditions, other.conditions)
        && state == other.state
        && Objects.equals(release, other.release)
        && Objects.equals(phases, other.phases)
        && Objects.equals(currentPhase, other.currentPhase)
        && Objects.equals(message, other.message)
        && Objects.equals(unfinishedMove, other.unfinishedMove)
        && Objects.equals(completedPipelineKey, other.completedPipelineKey)
        && Objects.equals(uncertainWrites, other.uncertainWrites)
        && Objects.equals(ownedPipelineKey, other.ownedPipelineKey)
        && releaseOrigin == other.releaseOrigin
        && Objects.equals(tokenVersion, other.tokenVersion)
        && Objects.equals(history, other.history)
        && Objects.equals(plannedChanges, other.plannedChanges)
        && Objects.equals(laterFields, other.laterFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        conditions,
        state,
        release,
        phases,
        currentPhase,
        message,
        unfinishedMove,
        completedPipelineKey,
        uncertainWrites,
        ownedPipelineKey,
        releaseOrigin,
        tokenVersion,
        history,
        plannedChanges,
        laterFields);
  }
}
