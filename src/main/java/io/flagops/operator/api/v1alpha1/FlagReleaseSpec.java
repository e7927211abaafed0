package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonSetter;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** The desired LaunchDarkly release of one flag. */
public class FlagReleaseSpec extends SpecObject {
  /** LaunchDarkly keys: a letter or digit, then letters, digits, '.', '_' or '-'. */
  public static final String KEY_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$";

  public static final String DELETION_POLICY = "deletionPolicy";
  public static final String MANAGEMENT_POLICY = "managementPolicy";

  @Required
  @Pattern(KEY_PATTERN)
  @Size(max = 256)
  @ValidationRule(value = "self == oldSelf", message = "projectKey is immutable")
  @JsonPropertyDescription("Key of the LaunchDarkly project that holds the flag. Immutable.")
  private String projectKey;

  @Required
  @Pattern(KEY_PATTERN)
  @Size(max = 256)
  @ValidationRule(value = "self == oldSelf", message = "flagKey is immutable")
  @JsonPropertyDescription(
      "Key of the boolean feature flag whose release this resource manages. Immutable.")
  private String flagKey;

  @Required
  @Pattern(KEY_PATTERN)
  @Size(max = 256)
  @JsonPropertyDescription(
      "Key of the release pipeline the flag follows. Changing it moves the release to the new"
          + " pipeline (it is deleted and created again), but only after the new pipeline has"
          + " been read and can run spec.phases (every phase and audience named, in an order"
          + " its statuses allow), and not while a phase is paused, awaits approval or is in a"
          + " guarded rollout; a release this resource adopted is moved only with"
          + " deletionPolicy DeleteEvenIfAdopted. Otherwise the live release is left untouched"
          + " and the resource says why.")
  private String releasePipelineKey;

  // no minLength: a schema tightened under existing objects refuses their every update, the
  // finalizer's removal too, where the API server does not ratchet (before 1.30); the operator
  // refuses an empty one itself (SpecChecks)
  @Size(max = 256)
  @JsonPropertyDescription(
      "ID of the flag variation released in every phase. Sent when the release is created. A"
          + " move to another pipeline keeps the variation the live release has; one that names"
          + " another variation is not made (VariationNotVerified): LaunchDarkly would check it"
          + " only after the release was deleted.")
  private String releaseVariationId;

  @Size(max = 10)
  @ValidationRule(
      value = "self.all(p, self.exists_one(q, q.name == p.name))",
      message = "phase names must be unique")
  @JsonPropertyDescription(
      "Desired status of pipeline phases, matched by name. Phases not listed are reported but"
          + " left alone.")
  private List<PhaseSpec> phases = new ArrayList<>();

  @Default("Delete")
  @JsonPropertyDescription(
      "What deleting this resource does to the release in LaunchDarkly. Delete: deletes the"
          + " release this resource created (status.releaseOrigin Created); a release it found"
          + " and adopted is left in place, and is not moved to another pipeline either."
          + " DeleteEvenIfAdopted: deletes (or moves) the release whether this resource created"
          + " or adopted it. Orphan: leaves the release as it is.")
  @JsonInclude(JsonInclude.Include.NON_NULL) // null: a value read that it does not know
  private DeletionPolicy deletionPolicy = DeletionPolicy.Delete;

  @Default("Manage")
  @JsonPropertyDescription(
      "Manage: create and advance the release until LaunchDarkly matches. Observe: read only,"
          + " never write to LaunchDarkly, report the drift.")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  private ManagementPolicy managementPolicy = ManagementPolicy.Manage;

  @Default("false")
  @JsonPropertyDescription("While true the operator makes no call to LaunchDarkly.")
  private boolean suspend;

  @JsonPropertyDescription(
      "Secret in this namespace holding the LaunchDarkly access token. When absent the"
          + " operator's default token is used.")
  private SecretKeyReference accessTokenSecretRef;

  public String getProjectKey() {
    return projectKey;
  }

  public void setProjectKey(String projectKey) {
    this.projectKey = projectKey;
  }

  public String getFlagKey() {
    return flagKey;
  }

  public void setFlagKey(String flagKey) {
    this.flagKey = flagKey;
  }

  public String getReleasePipelineKey() {
    return releasePipelineKey;
  }

  public void setReleasePipelineKey(String releasePipelineKey) {
    this.releasePipelineKey = releasePipelineKey;
  }

  public String getReleaseVariationId() {
    return releaseVariationId;
  }

  public void setReleaseVariationId(String releaseVariationId) {
    this.releaseVariationId = releaseVariationId;
  }

  public List<PhaseSpec> getPhases() {
    return phases;
  }

  public void setPhases(List<PhaseSpec> phases) {
    this.phases = phases == null ? new ArrayList<>() : phases;
  }

  /** Null when the resource has a value this operator does not know (see getUnknownValues). */
  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    valueSet(DELETION_POLICY);
    this.deletionPolicy = deletionPolicy == null ? DeletionPolicy.Delete : deletionPolicy;
  }

  @JsonSetter(DELETION_POLICY)
  private void readDeletionPolicy(String value) {
    deletionPolicy = valueRead(DELETION_POLICY, value, DeletionPolicy.class, DeletionPolicy.Delete);
  }

  /** Null when the resource has a value this operator does not know (see getUnknownValues). */
  public ManagementPolicy getManagementPolicy() {
    return managementPolicy;
  }

  public void setManagementPolicy(ManagementPolicy managementPolicy) {
    valueSet(MANAGEMENT_POLICY);
    this.managementPolicy = managementPolicy == null ? ManagementPolicy.Manage : managementPolicy;
  }

  @JsonSetter(MANAGEMENT_POLICY)
  private void readManagementPolicy(String value) {
    managementPolicy =
        valueRead(MANAGEMENT_POLICY, value, ManagementPolicy.class, ManagementPolicy.Manage);
  }

  public boolean isSuspend() {
    return suspend;
  }

  public void setSuspend(boolean suspend) {
    this.suspend = suspend;
  }

  public SecretKeyReference getAccessTokenSecretRef() {
    return accessTokenSecretRef;
  }

  public void setAccessTokenSecretRef(SecretKeyReference accessTokenSecretRef) {
    this.accessTokenSecretRef = accessTokenSecretRef;
  }
}
