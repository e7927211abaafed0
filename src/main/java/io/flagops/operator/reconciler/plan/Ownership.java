package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.launchdarkly.model.Release;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The release a FlagRelease manages: the pipeline it is on and whether the resource created or
 * adopted it. Only that release is ever moved or deleted.
 *
 * @param pipelineKey the pipeline of the owned release, or null when the resource owns none
 * @param origin how it became the resource's; null only when it owns none
 */
public record Ownership(String pipelineKey, ReleaseOrigin origin) {
  public static final Ownership NONE = new Ownership(null, null);

  public static Ownership created(String pipelineKey) {
    return new Ownership(pipelineKey, ReleaseOrigin.Created);
  }

  public static Ownership adopted(String pipelineKey) {
    return new Ownership(pipelineKey, ReleaseOrigin.Adopted);
  }

  /**
   * What the status records. A status written before the origin was recorded counts as adopted: the
   * side on which deletion never removes a release by mistake.
   */
  public static Ownership of(FlagReleaseStatus status) {
    if (status == null || status.getOwnedPipelineKey() == null) {
      return NONE;
    }
    ReleaseOrigin origin =
        status.getReleaseOrigin() == null ? ReleaseOrigin.Adopted : status.getReleaseOrigin();
    return new Ownership(status.getOwnedPipelineKey(), origin);
  }

  /**
   * What a read of the flag's release leaves of a Created origin. A flag has one release: when the
   * one read is on another pipeline, or was created at another time than {@code createdAt} (the
   * creation time of the release known to be this resource's), the created one is gone and the one
   * read may be someone else's. It stays the owner for claims, but counts as adopted, so that
   * {@code deletionPolicy: Delete} never deletes what it cannot tell is its own.
   *
   * @param createdAt the creation time (epoch ms) of the release this resource created, or null
   *     when not known (nothing is compared then)
   */
  public Ownership seeing(Release live, Long createdAt) {
    if (origin != ReleaseOrigin.Created) {
      return this;
    }
    boolean onOwnPipeline = live != null && owns(live.releasePipelineKey());
    return onOwnPipeline && !madeAgain(live, createdAt) ? this : adopted(pipelineKey);
  }

  /** Whether {@code live} was created at another time than {@code createdAt}, both known. */
  public static boolean madeAgain(Release live, Long createdAt) {
    return live != null
        && createdAt != null
        && live.createdAt() != null
        && !Objects.equals(live.createdAt(), createdAt);
  }

  /**
   * The creation time (epoch ms) of the release the status last recorded; null when it recorded
   * none or an unreadable one (written by an older operator: nothing is compared then).
   */
  public static Long recordedCreatedAt(FlagReleaseStatus status) {
    String recorded =
        status == null || status.getRelease() == null ? null : status.getRelease().getCreatedAt();
    try {
      return recorded == null ? null : Instant.parse(recorded).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Whether the release must be left in place rather than deleted, by the resource's deletion or by
   * a move to another pipeline: one it adopted (which may be someone else's) goes only when {@code
   * deletionPolicy} is DeleteEvenIfAdopted.
   */
  public boolean keepsAdopted(DeletionPolicy policy) {
    return origin == ReleaseOrigin.Adopted && policy != DeletionPolicy.DeleteEvenIfAdopted;
  }

  public boolean owns(String pipeline) {
    return pipelineKey != null && pipelineKey.equals(pipeline);
  }

  public boolean ownsAny() {
    return pipelineKey != null;
  }
}
