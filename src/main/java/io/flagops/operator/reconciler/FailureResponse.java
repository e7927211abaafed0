package io.flagops.operator.reconciler;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/**
 * What a failed LaunchDarkly call means for a FlagRelease: the one place the reconciler classifies
 * errors. The status reason, and whether a person must act, it is tried again, or it simply waits
 * for its turn.
 *
 * @param given the wait LaunchDarkly, the breaker or the budget named; null when backoff decides
 */
record FailureResponse(Kind kind, String reason, String message, Duration given) {

  enum Kind {
    /** The operator's own request budget: not an error, the status stays as it was. */
    OWN_TURN,
    /** A person must act (Stalled): the token, or a write LaunchDarkly refused. */
    PERSON_MUST_ACT,
    /** It passes by itself (Progressing, a Warning event): tried again. */
    TRANSIENT
  }

  /**
   * Stalls of a write LaunchDarkly refused: not repeated until the spec, token or release moves.
   */
  private static final Set<String> REFUSED_WRITES = Set.of(Reasons.REJECTED, Reasons.NOT_FOUND);

  static FailureResponse of(LaunchDarklyException error) {
    String message = error.getMessage();
    if (error instanceof LaunchDarklyException.Throttled throttled) {
      return new FailureResponse(Kind.OWN_TURN, null, message, throttled.retryAfter());
    }
    if (error instanceof LaunchDarklyException.Unauthorized) {
      return stall(Reasons.UNAUTHORIZED, message + "; check the access token");
    }
    if (error instanceof LaunchDarklyException.NotFound) {
      return stall(Reasons.NOT_FOUND, message);
    }
    if (error instanceof LaunchDarklyException.Rejected) {
      return stall(Reasons.REJECTED, message);
    }
    if (error instanceof LaunchDarklyException.CircuitOpen open) {
      return new FailureResponse(Kind.TRANSIENT, Reasons.CIRCUIT_OPEN, message, open.retryAfter());
    }
    if (error instanceof LaunchDarklyException.RateLimited limited) {
      return new FailureResponse(
          Kind.TRANSIENT, Reasons.RATE_LIMITED, message, limited.retryAfter());
    }
    if (error instanceof LaunchDarklyException.Conflict) {
      return new FailureResponse(Kind.TRANSIENT, Reasons.CONFLICT, message, null);
    }
    return new FailureResponse(Kind.TRANSIENT, Reasons.UNAVAILABLE, message, null);
  }

  /**
   * Whether a Stalled condition records a write LaunchDarkly refused; a refused read (a 403 on the
   * GET, say) is no reason to hold back the writes of a pass whose read goes through.
   */
  static boolean isRefusedWrite(FlagReleaseCondition stalled) {
    return REFUSED_WRITES.contains(stalled.getReason())
        && !String.valueOf(stalled.getMessage()).startsWith(LaunchDarklyClient.READING);
  }

  /**
   * The Stalled condition of a resource stalled on a write LaunchDarkly refused for its current
   * spec generation; empty otherwise.
   */
  static Optional<FlagReleaseCondition> refusedWriteStall(FlagRelease resource) {
    return Conditions.currentStall(resource).filter(FailureResponse::isRefusedWrite);
  }

  /** The reasons a stall for failing long ({@code retry.stalled-after}) has: no other stall. */
  static final Set<String> FAILING_LONG = Set.of(Reasons.CONFLICT, Reasons.UNAVAILABLE);

  /**
   * The resource's stall for failing long, for its current spec (written before a restart, maybe:
   * the count of a new process starts again); empty otherwise.
   */
  static Optional<FlagReleaseCondition> failingLongStall(FlagRelease resource) {
    return Conditions.currentStall(resource)
        .filter(stalled -> FAILING_LONG.contains(stalled.getReason()));
  }

  /**
   * How long a refused write is held at most: what refused it may lie outside the release (a flag
   * or environment setting a person fixes in LaunchDarkly), which no read of the release shows.
   */
  static final Duration HELD_AT_MOST = Duration.ofHours(1);

  /**
   * Whether the stall of a refused write has lasted {@link #HELD_AT_MOST}: tried again then, once
   * an hour (see {@link io.flagops.operator.reconciler.support.PollSchedule#heldWriteDue}).
   */
  static boolean heldLongEnough(FlagReleaseCondition stalled, Instant now) {
    try {
      Instant since = Instant.parse(String.valueOf(stalled.getLastTransitionTime()));
      return !since.plus(HELD_AT_MOST).isAfter(now);
    } catch (DateTimeParseException e) {
      return false; // no time written: held, as before the hold had an end
    }
  }

  /**
   * Whether a refused write (its stall's reason and message) is tried again at each stalled poll
   * rather than held until the spec, the token or the release changes, as nothing the operator sees
   * changes when what refused it does: any write refused for the token's role (403: the permission
   * granted in LaunchDarkly); and with no release, a create refused with 404 (the project, flag or
   * pipeline not there yet, as when GitOps applies the FlagRelease first) or one that would finish
   * a move (the operator deleted the flag's release, and must not leave it without one because
   * LaunchDarkly refused once, still settling the delete, say).
   */
  static boolean triedAgainAtEachPoll(
      String reason, String message, boolean noRelease, boolean moveUnfinished) {
    boolean forbidden =
        Reasons.REJECTED.equals(reason)
            && String.valueOf(message).contains(": LaunchDarkly answered 403");
    return forbidden || (noRelease && (Reasons.NOT_FOUND.equals(reason) || moveUnfinished));
  }

  private static FailureResponse stall(String reason, String message) {
    return new FailureResponse(Kind.PERSON_MUST_ACT, reason, message, null);
  }
}
