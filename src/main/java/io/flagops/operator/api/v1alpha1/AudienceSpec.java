package io.flagops.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Configuration for one audience of a phase, sent when the phase starts. */
public class AudienceSpec extends SpecObject {
  @Required
  @Size(min = 1, max = 256)
  @JsonPropertyDescription("Name of the audience in the pipeline phase.")
  private String name;

  @JsonPropertyDescription(
      "Guarded rollout (Release Guardian) settings for this audience, applied by LaunchDarkly when"
          + " the phase starts.")
  private ReleaseGuardianSpec releaseGuardian;

  @Size(max = 50)
  @JsonPropertyDescription("IDs of LaunchDarkly members notified to review an approval request.")
  private List<String> notifyMemberIds = new ArrayList<>();

  @Size(max = 50)
  @JsonPropertyDescription("Keys of LaunchDarkly teams notified to review an approval request.")
  private List<String> notifyTeamKeys = new ArrayList<>();

  public AudienceSpec() {}

  public AudienceSpec(String name, ReleaseGuardianSpec releaseGuardian) {
    this.name = name;
    this.releaseGuardian = releaseGuardian;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public ReleaseGuardianSpec getReleaseGuardian() {
    return releaseGuardian;
  }

  public void setReleaseGuardian(ReleaseGuardianSpec releaseGuardian) {
    this.releaseGuardian = releaseGuardian;
  }

  public List<String> getNotifyMemberIds() {
    return notifyMemberIds;
  }

  public void setNotifyMemberIds(List<String> notifyMemberIds) {
    this.notifyMemberIds = notifyMemberIds == null ? new ArrayList<>() : notifyMemberIds;
  }

  public List<String> getNotifyTeamKeys() {
    return notifyTeamKeys;
  }

  public void setNotifyTeamKeys(List<String> notifyTeamKeys) {
    this.notifyTeamKeys = notifyTeamKeys == null ? new ArrayList<>() : notifyTeamKeys;
  }
}
