package io.flagops.operator.reconciler;

import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.plan.ReleasePlan;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;

/**
 * What one observe-plan-act pass ended with.
 *
 * @param seen the release as last seen (after the writes that were made)
 * @param plan the plan for what is still to do; its writes were not made (Observe mode or writes
 *     held back), or it has none
 * @param owned the release this resource now owns, and how it came to
 * @param stopped the pass stopped before a write it planned (the FlagRelease changed, or could not
 *     be read again): the next one comes soon, not at the next poll
 */
public record SyncResult(Seen seen, ReleasePlan plan, Ownership owned, boolean stopped) {
  public SyncResult(Seen seen, ReleasePlan plan, Ownership owned) {
    this(seen, plan, owned, false);
  }
}
