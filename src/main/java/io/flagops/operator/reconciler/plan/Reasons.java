package io.flagops.operator.reconciler.plan;

/** Condition reasons and event reasons, in one place so they stay consistent. */
public final class Reasons {
  public static final String IN_SYNC = "InSync";
  public static final String PROGRESSING = "Progressing";
  public static final String WAITING_FOR_PHASE = "WaitingForPhase";
  public static final String DRIFTED = "Drifted";
  public static final String RELEASE_NOT_FOUND = "ReleaseNotFound";
  public static final String SUSPENDED = "Suspended";
  public static final String DELETING = "Deleting";
  public static final String DELETION_BLOCKED = "DeletionBlocked";
  public static final String DELETION_RETRYING = "DeletionRetrying";
  public static final String MOVING_PIPELINE = "MovingPipeline";
  public static final String CREATING_RELEASE = "CreatingRelease";
  public static final String GUARDED_ROLLOUT = "GuardedRolloutInProgress";
  public static final String AWAITING_APPROVAL = "AwaitingApproval";
  public static final String GUARDRAILS_NOT_SHOWN = "GuardrailsNotShown";
  public static final String CONFLICT = "Conflict";
  public static final String WRITE_REFUSED = "WriteRefused";

  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String UNKNOWN_PHASE = "UnknownPhase";
  public static final String UNKNOWN_AUDIENCE = "UnknownAudience";
  public static final String AMBIGUOUS_NAME = "AmbiguousName";
  public static final String IMPOSSIBLE_PHASE_ORDER = "ImpossiblePhaseOrder";
  public static final String PHASE_PAUSED = "PhasePaused";
  public static final String PHASE_MOVED_BACK = "PhaseMovedBack";
  public static final String UNKNOWN_PHASE_STATUS = "UnknownPhaseStatus";
  public static final String LEGACY_PHASE_GUARDED = "LegacyPhaseGuarded";
  public static final String ADOPTED_RELEASE_NOT_MOVED = "AdoptedReleaseNotMoved";
  public static final String GUARDIAN_NOT_APPLIED = "GuardianNotApplied";
  public static final String VARIATION_NOT_APPLIED = "VariationNotApplied";
  public static final String MOVE_BACK_NOT_APPLIED = "MoveBackNotApplied";
  public static final String GUARDED_ROLLOUT_NOT_COMPLETED = "GuardedRolloutNotCompleted";
  public static final String PIPELINE_CONFLICT = "PipelineConflict";
  public static final String PIPELINE_NOT_FOUND = "PipelineNotFound";
  public static final String VARIATION_NOT_VERIFIED = "VariationNotVerified";
  public static final String RELEASE_CANCELED = "ReleaseCanceled";
  public static final String FLAG_CLAIMED = "FlagClaimed";
  public static final String NOT_FOUND = "NotFound";
  public static final String REJECTED = "LaunchDarklyRejected";
  public static final String UNAUTHORIZED = "Unauthorized";
  public static final String TOKEN_UNAVAILABLE = "AccessTokenUnavailable";
  public static final String DEFAULT_TOKEN_NOT_GRANTED = "DefaultTokenNotGranted";
  public static final String UNAVAILABLE = "LaunchDarklyUnavailable";
  public static final String RATE_LIMITED = "RateLimited";
  public static final String CIRCUIT_OPEN = "CircuitOpen";

  private Reasons() {}

  // events only: what the operator did, or left
  public static final String PHASE_STARTED = "PhaseStarted";
  public static final String PHASE_COMPLETED = "PhaseCompleted";
  public static final String RELEASE_CREATED = "ReleaseCreated";
  public static final String RELEASE_ADOPTED = "ReleaseAdopted";
  public static final String RELEASE_DELETED = "ReleaseDeleted";
  public static final String RELEASE_LEFT = "ReleaseLeft";
  public static final String RELEASE_ORPHANED = "ReleaseOrphaned";
  public static final String RELEASE_MOVING = "ReleaseMoving";
  public static final String LEGACY_PHASES_UPDATED = "LegacyPhasesUpdated";
  public static final String UNFINISHED_MOVE_LEFT = "UnfinishedMoveLeft";
  public static final String RECONCILE_ERROR = "ReconcileError";
}
