package io.flagops.operator.reconciler;

import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;

/**
 * A LaunchDarkly call failed part way through a pass. Carries what was seen and owned up to then,
 * so the status still tells the truth about the writes that did happen.
 */
public class SyncException extends RuntimeException {
  private final transient Seen seen;
  private final transient Ownership owned;
  private final boolean progressed;
  private final String step;

  /**
   * @param progressed whether the pass changed the release (or found it changed) before it failed
   * @param step what the pass was doing when the call failed: reading, or which write
   */
  public SyncException(
      LaunchDarklyException cause, Seen seen, Ownership owned, boolean progressed, String step) {
    super(cause.getMessage(), cause, false, false);
    this.seen = seen;
    this.owned = owned;
    this.progressed = progressed;
    this.step = step;
  }

  public boolean progressed() {
    return progressed;
  }

  public String step() {
    return step;
  }

  public LaunchDarklyException launchDarklyError() {
    return (LaunchDarklyException) getCause();
  }

  public Seen seen() {
    return seen;
  }

  public Ownership owned() {
    return owned;
  }
}
