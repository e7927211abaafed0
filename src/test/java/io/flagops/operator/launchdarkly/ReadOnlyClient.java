package io.flagops.operator.launchdarkly;

import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import java.util.List;
import java.util.Optional;

/** A stand-in for LaunchDarkly in unit tests that only read: a write is a test failure. */
public abstract class ReadOnlyClient implements LaunchDarklyClient {
  @Override
  public Optional<Release> getRelease(AccessToken token, FlagRef flag) {
    throw new UnsupportedOperationException("this test reads no release");
  }

  @Override
  public Optional<ReleasePipeline> getReleasePipeline(
      AccessToken token, String projectKey, String pipelineKey) {
    return Optional.empty();
  }

  @Override
  public Release createRelease(AccessToken token, FlagRef flag, CreateReleaseInput input) {
    throw new UnsupportedOperationException("a read-only test wrote");
  }

  @Override
  public Release updatePhaseStatus(
      AccessToken token, FlagRef flag, String phaseId, UpdatePhaseStatusInput input) {
    throw new UnsupportedOperationException("a read-only test wrote");
  }

  @Override
  public Release patchRelease(AccessToken token, FlagRef flag, List<PatchOperation> patch) {
    throw new UnsupportedOperationException("a read-only test wrote");
  }

  @Override
  public boolean deleteRelease(AccessToken token, FlagRef flag) {
    throw new UnsupportedOperationException("a read-only test wrote");
  }
}
