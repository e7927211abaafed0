package io.flagops.plugin;

import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.FlagRef;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import java.util.List;
import java.util.Optional;

/**
 * LaunchDarkly for plan: reads go through, a write is a bug and fails before it leaves, so plan can
 * never change a release even if the planner's preview mode were broken.
 */
final class ReadOnlyLaunchDarkly implements LaunchDarklyClient {
  private final LaunchDarklyClient reads;
  private int calls;

  ReadOnlyLaunchDarkly(LaunchDarklyClient reads) {
    this.reads = reads;
  }

  /** How many reads plan made. */
  int calls() {
    return calls;
  }

  @Override
  public Optional<Release> getRelease(AccessToken token, FlagRef flag) {
    calls++;
    return reads.getRelease(token, flag);
  }

  @Override
  public Optional<ReleasePipeline> getReleasePipeline(
      AccessToken token, String projectKey, String pipelineKey) {
    calls++;
    return reads.getReleasePipeline(token, projectKey, pipelineKey);
  }

  @Override
  public Release createRelease(AccessToken token, FlagRef flag, CreateReleaseInput input) {
    throw refused();
  }

  @Override
  public Release updatePhaseStatus(
      AccessToken token, FlagRef flag, String phaseId, UpdatePhaseStatusInput input) {
    throw refused();
  }

  @Override
  public Release patchRelease(AccessToken token, FlagRef flag, List<PatchOperation> patch) {
    throw refused();
  }

  @Override
  public boolean deleteRelease(AccessToken token, FlagRef flag) {
    throw refused();
  }

  private static IllegalStateException refused() {
    return new IllegalStateException("plan tried to write to LaunchDarkly; it never may");
  }
}
