package io.flagops.operator.reconciler.status;

import io.flagops.operator.api.v1alpha1.ReleaseState;

/**
 * What a reconcile concluded, in the words the status shows.
 *
 * @param warns whether it also goes out as a Warning event (every Failed outcome does)
 */
public record Outcome(ReleaseState state, String reason, String message, boolean warns) {

  public Outcome(ReleaseState state, String reason, String message) {
    this(state, reason, message, state == ReleaseState.Failed);
  }
}
