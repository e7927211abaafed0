package io.flagops.operator.reconciler.support;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.launchdarkly.LaunchDarklySession;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/**
 * Release pipelines as LaunchDarkly defines them. Whether a pipeline is a legacy one never changes
 * after it is created, so that is read once per token and kept in a bounded cache. A pipeline is
 * also kept a few minutes for checks that delete nothing (a move held back, a release on another
 * pipeline, Observe without a release, the guardrails of a legacy release or of a phase read
 * without its configuration): one read per pipeline then serves every resource that asks, however
 * often it polls. A pipeline about to receive a moved release, or one whose create LaunchDarkly
 * answered with 404 (to name the missing key), is read afresh.
 */
@ApplicationScoped
public class PipelineCatalog {
  /** Far more pipelines than any account has; tokens that rotate away age out. */
  static final int MAX_PIPELINES = 10_000;

  private static final Duration FORGET_AFTER = Duration.ofHours(12);

  /** How long a pipeline read for a check that deletes nothing is trusted. */
  static final Duration RECENT_FOR = Duration.ofMinutes(5);

  private final Cache<Key, ReleasePipeline> legacy =
      Caffeine.newBuilder().maximumSize(MAX_PIPELINES).expireAfterAccess(FORGET_AFTER).build();

  private final Cache<Key, Optional<ReleasePipeline>> recent =
      Caffeine.newBuilder().maximumSize(MAX_PIPELINES).expireAfterWrite(RECENT_FOR).build();

  /** A pipeline (empty: the project has none by that key), and whether this call read it. */
  public record Read(Optional<ReleasePipeline> pipeline, boolean fresh) {}

  public boolean isLegacy(LaunchDarklySession session, String projectKey, String pipelineKey) {
    return definition(session, projectKey, pipelineKey).legacy();
  }

  /**
   * The pipeline's definition as last read, read once when not known: whether it is legacy. (Its
   * guardrails, which a person may change, are read through {@link #recent}.)
   */
  public ReleasePipeline definition(
      LaunchDarklySession session, String projectKey, String pipelineKey) {
    // one read per pipeline even when many reconciles ask at once; a failed read caches nothing
    return legacy.get(
        key(session, projectKey, pipelineKey),
        k -> {
          ReleasePipeline read =
              session
                  .getReleasePipeline(projectKey, pipelineKey)
                  .orElseThrow(
                      () ->
                          new LaunchDarklyException.NotFound(
                              "reading the release pipeline: project '"
                                  + projectKey
                                  + "' has no pipeline '"
                                  + pipelineKey
                                  + "'"));
          recent.put(k, Optional.of(read)); // read now: recent too
          return read;
        });
  }

  /** The pipeline as LaunchDarkly has it now, or empty when the project has none by that key. */
  public Optional<ReleasePipeline> read(
      LaunchDarklySession session, String projectKey, String pipelineKey) {
    Optional<ReleasePipeline> pipeline = session.getReleasePipeline(projectKey, pipelineKey);
    Key key = key(session, projectKey, pipelineKey);
    pipeline.ifPresent(p -> legacy.put(key, p));
    recent.put(key, pipeline);
    return pipeline;
  }

  /**
   * The pipeline as read in the last {@link #RECENT_FOR}, else as LaunchDarkly has it now: for a
   * check that deletes nothing.
   */
  public Read recent(LaunchDarklySession session, String projectKey, String pipelineKey) {
    Optional<ReleasePipeline> kept = recent.getIfPresent(key(session, projectKey, pipelineKey));
    return kept != null
        ? new Read(kept, false)
        : new Read(read(session, projectKey, pipelineKey), true);
  }

  /** How many pipelines are remembered now (for tests). */
  long size() {
    legacy.cleanUp();
    return legacy.estimatedSize();
  }

  private static Key key(LaunchDarklySession session, String projectKey, String pipelineKey) {
    return new Key(session.account(), projectKey, pipelineKey);
  }

  /** Two tokens may reach two accounts with the same keys; the fingerprint tells them apart. */
  private record Key(String account, String projectKey, String pipelineKey) {}
}
