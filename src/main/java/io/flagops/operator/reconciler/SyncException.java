package io.flagops.operator.reconciler;

import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;

/**
 * A LaunchDarkly call failed part way through a pass. Carries what was seen and owned up to then,
 * so the status still tells the truth about the writes that did happen.
 */
public class SyncException extends RuntimeException {
  private final transient Seen seen;
  private final String ownedPipelineKey;

  public SyncException(LaunchDarklyException cause, Seen seen, String ownedPipelineKey) {
    super(cause.getMessage(), cause, false, false);
    this.seen = seen;
    this.ownedPipelineKey = ownedPipelineKey;
  }

  public LaunchDarklyException launchDarklyError() {
    return (LaunchDarklyException) getCause();
  }

  public Seen seen() {
    return seen;
  }

  public String ownedPipelineKey() {
    return ownedPipelineKey;
  }
}
