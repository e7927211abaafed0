package io.flagops.operator.reconciler.status;

import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import java.util.List;

/**
 * What a reconcile concluded, in the words the status shows.
 *
 * @param warns whether it also goes out as a Warning event (every Failed outcome does)
 * @param wouldDo in Observe mode, the writes Manage would make now, in order
 */
public record Outcome(
    ReleaseState state, String reason, String message, boolean warns, List<String> wouldDo) {

  public Outcome(ReleaseState state, String reason, String message) {
    this(state, reason, message, state == ReleaseState.Failed);
  }

  public Outcome(ReleaseState state, String reason, String message, boolean warns) {
    this(state, reason, message, warns, List.of());
  }

  /** A stall the status shows said again: a refused write still held back or still refused. */
  public static Outcome stillStalled(FlagReleaseCondition stalled) {
    return new Outcome(ReleaseState.Failed, stalled.getReason(), stalled.getMessage());
  }
}
