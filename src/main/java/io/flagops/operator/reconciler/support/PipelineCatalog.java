package io.flagops.operator.reconciler.support;

import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Release pipelines as LaunchDarkly defines them. Whether a pipeline is a legacy one never changes
 * after it is created, so that is read once per process and token; a pipeline about to receive a
 * moved release is always read afresh.
 */
@ApplicationScoped
public class PipelineCatalog {
  private final LaunchDarklyClient launchDarkly;
  private final ConcurrentMap<Key, Boolean> legacy = new ConcurrentHashMap<>();

  public PipelineCatalog(LaunchDarklyClient launchDarkly) {
    this.launchDarkly = launchDarkly;
  }

  public boolean isLegacy(AccessToken token, String projectKey, String pipelineKey) {
    // one read per pipeline even when many reconciles ask at once; a failed read caches nothing
    return legacy.computeIfAbsent(
        new Key(token, projectKey, pipelineKey),
        key ->
            launchDarkly
                .getReleasePipeline(token, projectKey, pipelineKey)
                .orElseThrow(
                    () ->
                        new LaunchDarklyException.NotFound(
                            "reading the release pipeline: project '"
                                + projectKey
                                + "' has no pipeline '"
                                + pipelineKey
                                + "'"))
                .legacy());
  }

  /** The pipeline as LaunchDarkly has it now, or empty when the project has none by that key. */
  public Optional<ReleasePipeline> read(AccessToken token, String projectKey, String pipelineKey) {
    Optional<ReleasePipeline> pipeline =
        launchDarkly.getReleasePipeline(token, projectKey, pipelineKey);
    pipeline.ifPresent(p -> legacy.put(new Key(token, projectKey, pipelineKey), p.legacy()));
    return pipeline;
  }

  /** The token is part of the key: two tokens may reach two accounts with the same keys. */
  private record Key(AccessToken token, String projectKey, String pipelineKey) {}
}
