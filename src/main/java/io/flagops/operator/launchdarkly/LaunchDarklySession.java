package io.flagops.operator.launchdarkly;

import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import java.util.List;
import java.util.Optional;

/**
 * The LaunchDarkly API bound to one token: a reconcile pass binds it once ({@link
 * LaunchDarklyClient#as}), so none of its calls can use another resource's token.
 */
public final class LaunchDarklySession {
  private final LaunchDarklyClient client;
  private final AccessToken token;

  LaunchDarklySession(LaunchDarklyClient client, AccessToken token) {
    this.client = client;
    this.token = token;
  }

  /** The account the calls go to, as far as the operator can tell: the token's fingerprint. */
  public String account() {
    return token.fingerprint();
  }

  public Optional<Release> getRelease(FlagRef flag) {
    return client.getRelease(token, flag);
  }

  public Optional<Release> getReleaseAgain(FlagRef flag) {
    return client.getReleaseAgain(token, flag);
  }

  public Optional<ReleasePipeline> getReleasePipeline(String projectKey, String pipelineKey) {
    return client.getReleasePipeline(token, projectKey, pipelineKey);
  }

  public Release createRelease(FlagRef flag, CreateReleaseInput input) {
    return client.createRelease(token, flag, input);
  }

  public Release updatePhaseStatus(FlagRef flag, String phaseId, UpdatePhaseStatusInput input) {
    return client.updatePhaseStatus(token, flag, phaseId, input);
  }

  public Release patchRelease(FlagRef flag, List<PatchOperation> patch) {
    return client.patchRelease(token, flag, patch);
  }

  /** True when this call deleted the release, false when LaunchDarkly had none to delete. */
  public boolean deleteRelease(FlagRef flag) {
    return client.deleteRelease(token, flag);
  }
}
