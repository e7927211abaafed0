package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;

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

  public boolean owns(String pipeline) {
    return pipelineKey != null && pipelineKey.equals(pipeline);
  }

  public boolean ownsAny() {
    return pipelineKey != null;
  }
}
