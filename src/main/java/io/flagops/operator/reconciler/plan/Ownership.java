package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.launchdarkly.model.Release;

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
   * one read is on another pipeline, or is another release than {@code recorded} (the one known to
   * be this resource's: {@link ReleaseIdentity}), the created one is gone and the one read may be
   * someone else's. It stays the owner for claims, but counts as adopted, so that {@code
   * deletionPolicy: Delete} never deletes what it cannot tell is its own.
   *
   * @param recorded the release this resource created, as far as known ({@link
   *     ReleaseIdentity#UNKNOWN}: nothing is compared then)
   */
  public Ownership seeing(Release live, ReleaseIdentity recorded) {
    if (origin != ReleaseOrigin.Created) {
      return this;
    }
    boolean onOwnPipeline = live != null && owns(live.releasePipelineKey());
    return onOwnPipeline && !madeAgain(live, recorded) ? this : adopted(pipelineKey);
  }

  /** Whether {@code live} is another release than {@code recorded}, as far as both tell. */
  public static boolean madeAgain(Release live, ReleaseIdentity recorded) {
    return live != null && ReleaseIdentity.of(live).differsFrom(recorded);
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
