package io.flagops.operator.reconciler.plan;

import io.flagops.operator.api.v1alpha1.PhaseStatus;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The guardrails the last status saw on a started phase, for a read that leaves out its audiences'
 * configuration: the same start of the same phase keeps the approval and the monitoring it had,
 * rather than looking unguarded and being completed around them.
 */
public final class GuardrailsSeenBefore {
  private GuardrailsSeenBefore() {}

  /** The status's record of this very start, when the read says nothing of its guardrails. */
  public static Optional<PhaseStatus> of(ReleasePhase phase, PhaseStatus before) {
    if (before == null
        || !phase.isStarted()
        || phase.startedDate() == null
        || !phase.saysNothingOfGuardrails()
        || !Objects.equals(before.getId(), phase.id())
        || !Instant.ofEpochMilli(phase.startedDate()).toString().equals(before.getStartedAt())) {
      return Optional.empty();
    }
    return Optional.of(before);
  }
}
