package io.flagops.operator.reconciler;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.EventRecorder;

/**
 * A release the resource created with a token from another source (another Secret or key, or the
 * default token) may not be the one the calls reach now: the new token may belong to another
 * account, which has a release of its own for the same flag. Such a release counts as adopted from
 * then on, so that deleting the resource with deletionPolicy Delete cannot delete someone else's
 * release.
 */
public final class TokenSourceChange {
  private TokenSourceChange() {}

  /**
   * Marks the status's Created release Adopted when the token's source changed since the status was
   * written (in memory: the pass's status write, or the deletion's decision, takes it from there);
   * says so in an event.
   */
  static void adoptCreatedRelease(
      FlagRelease resource, AccessTokens.Resolved token, EventRecorder events) {
    adoptCreatedRelease(resource, token.version(), events);
  }

  /**
   * The same, from the source of the token the spec names now: known without reading the token (the
   * operator's default token counts as the source the status recorded for it).
   */
  public static void adoptCreatedRelease(FlagRelease resource, EventRecorder events) {
    FlagReleaseStatus status = resource.getStatus();
    String recorded = status == null ? null : status.getTokenVersion();
    adoptCreatedRelease(resource, AccessTokens.sourceNamedBy(resource.getSpec(), recorded), events);
  }

  private static void adoptCreatedRelease(
      FlagRelease resource, String tokenVersion, EventRecorder events) {
    FlagReleaseStatus status = resource.getStatus();
    if (status == null
        || status.getReleaseOrigin() != ReleaseOrigin.Created
        || status.getTokenVersion() == null
        || AccessTokens.sameSource(status.getTokenVersion(), tokenVersion)
        // the same token from another Secret reaches the same account
        || AccessTokens.sameToken(status.getTokenVersion(), tokenVersion)) {
      return;
    }
    status.setReleaseOrigin(ReleaseOrigin.Adopted);
    events.normal(
        resource,
        Reasons.RELEASE_ADOPTED,
        "The access token now comes from another source, which may reach another LaunchDarkly"
            + " account: the release on pipeline '"
            + status.getOwnedPipelineKey()
            + "' counts as adopted from now on (deletionPolicy Delete leaves it in LaunchDarkly,"
            + " DeleteEvenIfAdopted deletes it)");
  }
}
