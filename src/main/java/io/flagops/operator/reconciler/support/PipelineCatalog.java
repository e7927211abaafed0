package io.flagops.operator.reconciler.support;

import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Remembers whether a pipeline is a legacy one. A release does not say, and a pipeline's kind never
 * changes after it is created, so each pipeline is read once per process and token.
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
        new Key(token, projectKey, pipelineKey), key -> read(token, projectKey, pipelineKey));
  }

  private boolean read(AccessToken token, String projectKey, String pipelineKey) {
    ReleasePipeline pipeline =
        launchDarkly
            .getReleasePipeline(token, projectKey, pipelineKey)
            .orElseThrow(
                () ->
                    new LaunchDarklyException.NotFound(
                        "reading the release pipeline: project '"
                            + projectKey
                            + "' has no pipeline '"
                            + pipelineKey
                            + "'"));
    return pipeline.legacy();
  }

  /** The token is part of the key: two tokens may reach two accounts with the same keys. */
  private record Key(AccessToken token, String projectKey, String pipelineKey) {}
}
