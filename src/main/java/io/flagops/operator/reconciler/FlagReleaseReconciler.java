package io.flagops.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.reconciler.plan.Durations;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.plan.ReleaseAction;
import io.flagops.operator.reconciler.plan.ReleaseIdentity;
import io.flagops.operator.reconciler.plan.ReleasePlan;
import io.flagops.operator.reconciler.plan.ReleasePlanner;
import io.flagops.operator.reconciler.plan.Verdict;
import io.flagops.operator.reconciler.status.Conditions;
import io.flagops.operator.reconciler.status.Outcome;
import io.flagops.operator.reconciler.status.StatusFactory;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.EventRecorder;
import io.flagops.operator.reconciler.support.FlagReleaseWatches;
import io.flagops.operator.reconciler.support.JitteredBackoffRetry;
import io.flagops.operator.reconciler.support.PollSchedule;
import io.flagops.operator.reconciler.support.ReconcileMetrics;
import io.flagops.operator.reconciler.support.StatusWriter;
import io.flagops.operator.reconciler.support.StillAsRead;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a flag's LaunchDarkly release in line with its FlagRelease. A pass first checks what stops
 * it before any call (the spec, suspension, the token, another resource's claim, a poll not yet
 * due), then observes (one GET), plans (a pure function), acts (the minimum writes, in pipeline
 * order) through {@link ReleaseSync}, and reports (status and events); its {@link PollSchedule}
 * says when to look again, as LaunchDarkly sends no events.
 *
 * <p>It owns its finalizer (the SDK's all-events mode) rather than leaving it to the SDK: the SDK
 * adds a finalizer in a pass of its own and queues the resource's first real pass behind every
 * other resource's, so with 10,000 new resources nothing was read for seconds. Here the finalizer
 * is added by the first pass that gets its turn in the request budget, just before its first call
 * to LaunchDarkly; a pass whose turn is still to come writes nothing and comes back for it.
 */
@ControllerConfiguration(
    name = FlagReleaseReconciler.NAME,
    retry = JitteredBackoffRetry.class,
    triggerReconcilerOnAllEvents = true)
public class FlagReleaseReconciler implements Reconciler<FlagRelease> {
  public static final String NAME = "flagrelease";

  private final AccessTokens tokens;
  private final FlagClaims claims;
  private final ReleaseSync sync;
  private final ReleaseDeletion deletion;
  private final StatusFactory statuses;
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final ReconcileMetrics metrics;
  private final FlagReleaseWatches watches;
  private final PollSchedule schedule;
  private final Clock clock;

  public FlagReleaseReconciler(
      AccessTokens tokens,
      FlagReleaseWatches watches,
      FlagClaims claims,
      ReleaseSync sync,
      ReleaseDeletion deletion,
      StatusWriter statusWriter,
      EventRecorder events,
      ReconcileMetrics metrics,
      FlagReleaseConfig config,
      Clock clock) {
    this.tokens = tokens;
    this.claims = claims;
    this.sync = sync;
    this.deletion = deletion;
    this.statuses = new StatusFactory(clock);
    this.statusWriter = statusWriter;
    this.events = events;
    this.metrics = metrics;
    this.watches = watches;
    this.schedule = new PollSchedule(config, watches::count);
    this.clock = clock;
  }

  @Override
  public UpdateControl<FlagRelease> reconcile(FlagRelease resource, Context<FlagRelease> context) {
    if (context.isPrimaryResourceDeleted()) {
      forget(resource); // gone from Kubernetes: nothing is left to do for it
      return UpdateControl.noUpdate();
    }
    statusWriter.catchUp(resource);
    long started = System.nanoTime();
    String result = "error";
    try {
      if (resource.isMarkedForDeletion()) {
        UpdateControl<FlagRelease> control = finishDeletion(resource, context);
        result = ReleaseState.Deleting.name();
        return control;
      }
      UpdateControl<FlagRelease> control = pass(resource, context);
      // no state: no status yet, or one a later operator wrote in a state this one does not know
      ReleaseState state = resource.getStatus() == null ? null : resource.getStatus().getState();
      result = state == null ? "none" : state.name();
      return control;
    } finally {
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started), result);
    }
  }

  /** One pass: gates, then observe → plan → act (ReleaseSync), then report. */
  private UpdateControl<FlagRelease> pass(FlagRelease resource, Context<FlagRelease> context) {
    Admission admission = admit(resource);
    if (admission.stop() != null) {
      return admission.stop();
    }
    AccessTokens.Resolved token = admission.token();
    Duration turn = sync.untilTurn(resource, token.token());
    if (!turn.isZero()) {
      // nothing written before the turn: thousands of new resources then cost no Kubernetes
      // write each before their turn, which would delay the turns that are due; but a stall this
      // pass got past must not go on asking a person to act
      Optional<String> ended = endedStall(resource);
      if (ended.isPresent()) {
        report(
            resource,
            new Outcome(
                ReleaseState.Progressing,
                Reasons.RATE_LIMITED,
                ended.get()
                    + "; the pass waits for its turn in the operator's share of LaunchDarkly's"
                    + " rate limit"));
      }
      return atOwnTurn(turn);
    }
    // before the first LaunchDarkly call, so that no write to it can outlive its resource unseen
    context.resourceOperations().addFinalizer();
    TokenSourceChange.adoptCreatedRelease(resource, token, events);
    boolean manage = resource.getSpec().getManagementPolicy() == ManagementPolicy.Manage;
    SyncResult result;
    ReleaseSync.Writes writes = writes(resource, manage, token.version());
    StillAsRead asRead = stillAsRead(resource, context);
    try {
      result =
          sync.sync(
              resource,
              token.token(),
              writes,
              new ReleaseSync.Announcer() {
                @Override
                public void announce(Seen seen, Ownership owned, Outcome announced) {
                  report(resource, seen, owned, announced, token.version());
                }

                @Override
                public boolean stillCurrent() {
                  return asRead.cached(latest -> !latest.isMarkedForDeletion());
                }

                @Override
                public boolean confirmedCurrent() {
                  return asRead.confirmed(latest -> !latest.isMarkedForDeletion());
                }

                @Override
                public void sent() {
                  Instant now = clock.instant();
                  if (FailureResponse.refusedWriteStall(resource)
                      .filter(stall -> FailureResponse.heldLongEnough(stall, now))
                      .isPresent()) {
                    schedule.heldWriteTried(resource, now); // the hour's try: the next in an hour
                  }
                }
              });
    } catch (SyncException e) {
      schedule.replan(resource);
      return onFailure(resource, e, token.version(), writes);
    }
    return reportSynced(resource, result, manage, token.version());
  }

  /**
   * Asks the operator's cache and, before a pass's first write and a DELETE, the Kubernetes API
   * too: once, without the client's retries, which would widen the gap between the pass's
   * LaunchDarkly read and its write.
   */
  private static StillAsRead stillAsRead(FlagRelease resource, Context<FlagRelease> context) {
    ResourceID id = ResourceID.fromResource(resource);
    KubernetesClient client = context.getClient();
    return new StillAsRead(
        resource,
        () -> context.getPrimaryCache().get(id),
        () ->
            Optional.ofNullable(
                client
                    .newClient(
                        new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                            .withRequestRetryBackoffLimit(0)
                            .build())
                    .adapt(KubernetesClient.class)
                    .resources(FlagRelease.class)
                    .inNamespace(id.getNamespace().orElse(null))
                    .withName(id.getName())
                    .get()));
  }

  /** The pass goes on with a token, or stops before any LaunchDarkly call. */
  private record Admission(AccessTokens.Resolved token, UpdateControl<FlagRelease> stop) {
    static Admission stop(UpdateControl<FlagRelease> control) {
      return new Admission(null, control);
    }
  }

  /** What stops a pass before it calls LaunchDarkly, in the order it is checked. */
  private Admission admit(FlagRelease resource) {
    Optional<Verdict> invalid = ReleasePlanner.validate(resource.getSpec());
    if (invalid.isPresent()) {
      schedule.answered(resource); // no call: what failed before has ended
      report(
          resource, stopsAMove(resource, failed(invalid.get().reason(), invalid.get().message())));
      return Admission.stop(UpdateControl.noUpdate());
    }
    Optional<Duration> spread = schedule.firstLookAfterStart(resource);
    if (spread.isPresent()) {
      return Admission.stop(after(spread.get()));
    }
    if (resource.getSpec().isSuspend()) {
      schedule.answered(resource);
      report(
          resource,
          stopsAMove(
              resource,
              new Outcome(
                  ReleaseState.Suspended,
                  Reasons.SUSPENDED,
                  "spec.suspend is true: no calls are made to LaunchDarkly")));
      return Admission.stop(UpdateControl.noUpdate());
    }
    AccessTokens.Resolved token;
    try {
      token = tokens.resolve(resource);
    } catch (AccessTokens.Unavailable e) {
      schedule.answered(resource);
      report(resource, stopsAMove(resource, failed(e.reason(), e.getMessage())));
      return Admission.stop(after(schedule.whileUnauthorized()));
    }
    Optional<FlagClaims.Holder> claimed =
        claims.heldByAnother(resource, token.token().fingerprint());
    if (claimed.isPresent()) {
      // it lets go of any release (or unfinished move) it recorded: kept, the record would take
      // the flag back from the one that has managed it since, once this one is pointed back at
      // the token it made the record with (or once any other stall replaced this one)
      lettingGoOfAMove(resource, claimed.get());
      schedule.answered(resource);
      report(
          resource,
          Seen.unknown(),
          Ownership.NONE,
          failed(Reasons.FLAG_CLAIMED, claimed.get().message()));
      return Admission.stop(after(schedule.whileWaitingInKubernetes()));
    }
    Optional<Duration> untilPoll = schedule.untilPlannedPoll(resource, token.version());
    return untilPoll.isPresent()
        ? Admission.stop(after(untilPoll.get()))
        : new Admission(token, null);
  }

  /**
   * Says what the deletion of a FlagRelease waiting for another's flag left: the holder's release,
   * or, when it had left a move of its own unfinished (with the token it used then, maybe of
   * another account), maybe a flag without a release.
   */
  private void leftToTheHolder(FlagRelease resource, FlagClaims.Holder holder) {
    if (unfinishedMove(resource) != null) {
      lettingGoOfAMove(resource, holder);
      return;
    }
    events.normal(
        resource,
        Reasons.RELEASE_LEFT,
        "Left the release of "
            + ReleaseSync.flagOf(resource.getSpec())
            + " in LaunchDarkly untouched: "
            + holder.who()
            + " holds the flag");
  }

  /**
   * A gate's outcome, saying that it also holds back a move the status shows unfinished: the flag
   * may have no release until the move goes on, which a person may not expect of a suspend or a
   * spec typo.
   */
  private static Outcome stopsAMove(FlagRelease resource, Outcome outcome) {
    return stopsAMove(resource, unfinishedMove(resource), outcome);
  }

  /**
   * Also for a pass that read LaunchDarkly (a refusal only a person can end, Observe, a pass a
   * change stopped): the move it leaves, unless its read showed the flag with a release again.
   */
  private static Outcome stopsAMove(FlagRelease resource, Seen seen, Outcome outcome) {
    return stopsAMove(resource, StatusFactory.unfinishedMove(resource.getStatus(), seen), outcome);
  }

  private static Outcome stopsAMove(FlagRelease resource, PipelineMove move, Outcome outcome) {
    if (move == null) {
      return outcome;
    }
    return new Outcome(
        outcome.state(),
        outcome.reason(),
        outcome.message()
            + ". "
            + aMove(resource, move)
            + " is unfinished, and waits too: the flag may have no release until it goes on",
        outcome.warns(),
        outcome.wouldDo());
  }

  /**
   * Says, once, that a FlagRelease now waiting for another's flag (or deleted while it waits)
   * leaves a move unfinished: the flag may be without a release (in the account of the token it
   * moved with, if that changed).
   */
  private void lettingGoOfAMove(FlagRelease resource, FlagClaims.Holder holder) {
    PipelineMove move = unfinishedMove(resource);
    if (move != null) {
      events.warning(
          resource,
          Reasons.UNFINISHED_MOVE_LEFT,
          aMove(resource, move)
              + " is left unfinished: "
              + holder.who()
              + " holds the flag now, so this one makes no call. The flag may have no release"
              + " (in the account of the token the move was made with), or, if the move's DELETE"
              + " did not go out, still have it; see LaunchDarkly"
              + keptVariation(move));
    }
  }

  /** The variation the move was to create the release with: not recorded once it is left. */
  private static String keptVariation(PipelineMove move) {
    return move.getReleaseVariationId() == null
        ? ""
        : ". It was to create the release with variation "
            + move.getReleaseVariationId()
            + ": if the flag has no release when this FlagRelease goes on, it creates one from its"
            + " spec, so set spec.releaseVariationId to keep that variation";
  }

  private static PipelineMove unfinishedMove(FlagRelease resource) {
    return resource.getStatus() == null ? null : resource.getStatus().getUnfinishedMove();
  }

  private static String aMove(FlagRelease resource, PipelineMove move) {
    return "A move of the release of "
        + ReleaseSync.flagOf(resource.getSpec())
        + " from pipeline '"
        + move.getFrom()
        + "' to '"
        + move.getTo()
        + "'";
  }

  /** Report a pass that got through, and plan the next poll before its status write wakes it. */
  private UpdateControl<FlagRelease> reportSynced(
      FlagRelease resource, SyncResult result, boolean manage, String tokenVersion) {
    Outcome outcome = outcomeOf(resource, result, manage);
    Verdict verdict = result.plan().verdict();
    // a phase no guardrail of LaunchDarkly's ends waits on a person: settled polls, as no
    // time can be told for it
    boolean waitingOnLaunchDarkly =
        verdict.kind() == Verdict.Kind.WAITING
            && !result.plan().hasWrites()
            && !Reasons.WAITING_FOR_PHASE.equals(verdict.reason());
    // a pass stopped before a write comes back soon: the change that stopped it wakes the next
    // pass at once, but a failed read of the FlagRelease sends no event
    Duration next =
        result.stopped()
            ? schedule.afterTransientFailure(resource, "confirming the FlagRelease", false)
            : schedule.afterSync(
                resource,
                tokenVersion,
                outcome.state() == ReleaseState.Ready,
                waitingOnLaunchDarkly,
                verdict.dueAt() == null
                    ? null
                    : Duration.between(clock.instant(), verdict.dueAt()));
    try {
      report(resource, result.seen(), result.owned(), outcome, tokenVersion);
    } catch (RuntimeException e) {
      schedule.replan(resource); // the retry must read and write the status again
      throw e;
    }
    return after(next);
  }

  @Override
  public List<EventSource<?, FlagRelease>> prepareEventSources(
      EventSourceContext<FlagRelease> context) {
    return watches.eventSources(context);
  }

  /**
   * A FlagRelease being deleted: its release goes or stays as {@code spec.deletionPolicy} says,
   * then the finalizer goes. One without this operator's finalizer was never passed through (or is
   * already done): nothing of LaunchDarkly's is held for it.
   */
  private UpdateControl<FlagRelease> finishDeletion(
      FlagRelease resource, Context<FlagRelease> context) {
    if (!resource.hasFinalizer(context.getControllerConfiguration().getFinalizerName())) {
      return UpdateControl.noUpdate();
    }
    // a FlagRelease waiting for another's flag never touches the release on its way out
    Optional<FlagClaims.Holder> holder =
        tokens.accountOf(resource).flatMap(account -> claims.heldByAnother(resource, account));
    holder.ifPresent(other -> leftToTheHolder(resource, other));
    ReleaseDeletion.Result result =
        holder.isEmpty()
            ? deletion.delete(
                resource, () -> stillAsRead(resource, context).confirmed(latest -> true))
            : ReleaseDeletion.Result.finished();
    if (result.done()) {
      context.resourceOperations().removeFinalizer();
      forget(resource);
      return UpdateControl.noUpdate();
    }
    if (result.blocked()) {
      schedule.deletionBlocked(resource, result.refused());
      report(
          resource, new Outcome(ReleaseState.Deleting, Reasons.DELETION_BLOCKED, result.message()));
      // looked at again even when only a person can unblock it (suspend, an unknown policy): a
      // CRD deletion begun since sends no event, and must find it to leave its release
      return after(
          result.retryAfter() == null
              ? schedule.whileStalled()
              : schedule.afterDeletionWait(result.retryAfter()));
    }
    // nobody needs to act: a failure that passes, or the request budget's turn
    Duration next =
        result.ownTurn()
            ? justAfter(result.retryAfter()) // not later: a turn long overdue is forgotten
            : result.backsOff()
                ? schedule.afterTransientFailure(resource, "deleting the release", false)
                : schedule.afterGivenWait(resource, result.retryAfter());
    // Stalled for failing long already, by the passes before the deletion (whose generation it
    // raised) or by its own attempts, is known after a restart too, from the status
    FlagReleaseCondition stall =
        resource.getStatus() == null
            ? null
            : Conditions.findTrue(resource.getStatus().getConditions(), ConditionTypes.STALLED);
    boolean stalledSo =
        stall != null
            && (FailureResponse.FAILING_LONG.contains(stall.getReason())
                || (Reasons.DELETION_BLOCKED.equals(stall.getReason())
                    && String.valueOf(stall.getMessage()).endsWith(DELETION_FAILING_LONG)));
    Optional<Duration> failingTooLong = schedule.failingTooLong(resource, stalledSo);
    if (failingTooLong.isPresent() && !result.backsOff() && stalledSo) {
      // a wait (a 429, an open circuit, the budget's turn) between its failures keeps the stall
      return after(next);
    }
    if (failingTooLong.isPresent() && result.backsOff()) {
      // as a pass failing that long: Stalled, so the alert brings a person, and still tried
      report(
          resource,
          new Outcome(
              ReleaseState.Deleting,
              Reasons.DELETION_BLOCKED,
              result.message()
                  + "; no attempt has got through for "
                  + Durations.describe(failingTooLong.get())
                  + DELETION_FAILING_LONG));
    } else if (!schedule.isBlipOfBlockedDeletion(resource)) {
      report(resource, new Outcome(ReleaseState.Deleting, Reasons.DELETING, result.message()));
    }
    return after(next);
  }

  /**
   * The status says a move deleted the release (written just before the delete), but the delete was
   * held back before it was sent: the release is still there, and the record must go, or deleting
   * the FlagRelease meanwhile warns that the flag may have no release.
   */
  private static boolean announcedMoveNotBegun(FlagRelease resource, SyncException e) {
    return resource.getStatus() != null
        && resource.getStatus().getUnfinishedMove() != null
        && e.seen().known()
        && e.seen().release() != null
        && e.seen().moveStarted() == null;
  }

  /** Come back for the turn the request budget reserved (just after it, not before). */
  private UpdateControl<FlagRelease> atOwnTurn(Duration wait) {
    return after(justAfter(wait));
  }

  private static Duration justAfter(Duration turn) {
    return turn.plusMillis(1);
  }

  private void forget(FlagRelease resource) {
    claims.forget(resource);
    statusWriter.forget(resource.getMetadata().getUid());
    metrics.forget(resource.getMetadata().getUid());
    events.forget(resource.getMetadata().getUid());
    schedule.forget(resource);
  }

  /**
   * Errors JOSDK retries with backoff: a Kubernetes failure, or one the reconciler did not expect.
   */
  @Override
  public ErrorStatusUpdateControl<FlagRelease> updateErrorStatus(
      FlagRelease resource, Context<FlagRelease> context, Exception e) {
    if (context.isPrimaryResourceDeleted()) {
      return ErrorStatusUpdateControl.noStatusUpdate(); // no status left to write
    }
    String message = "reconcile failed and will be retried: " + e.getMessage();
    report(
        resource,
        resource.isMarkedForDeletion()
            ? new Outcome(ReleaseState.Deleting, Reasons.RECONCILE_ERROR, message, true)
            : warning(Reasons.RECONCILE_ERROR, message));
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * A failed LaunchDarkly call, as {@link FailureResponse} classifies it. A resource that was Ready
   * is not flipped by a failed poll: it stays Ready while the failures last less than a settled
   * poll interval.
   *
   * @param writes what the failed pass was allowed to write: whether a refused write was held
   */
  private UpdateControl<FlagRelease> onFailure(
      FlagRelease resource, SyncException e, String tokenVersion, ReleaseSync.Writes writes) {
    FailureResponse failure = FailureResponse.of(e.launchDarklyError());
    if (e.progressed()) {
      schedule.movedForward(resource); // however it stopped, it is not stuck
    }
    switch (failure.kind()) {
      case OWN_TURN:
        if (e.progressed() || !recordsAsBefore(resource, e) || endedStall(resource).isPresent()) {
          // paused between calls of a pass that wrote, learned whose release it is, or said it
          // was moving the release before the budget held the delete back: say so (a refused
          // write's stall that stands is kept, with the records corrected)
          report(
              resource,
              e.seen(),
              e.owned(),
              standingStall(resource, e, writes)
                  .map(Outcome::stillStalled)
                  .orElse(
                      new Outcome(
                          ReleaseState.Progressing,
                          Reasons.RATE_LIMITED,
                          failure.message() + "; the pass goes on at its next turn")),
              tokenVersion);
        }
        return atOwnTurn(failure.given()); // else the status as it was
      case PERSON_MUST_ACT:
        schedule.answered(resource); // LaunchDarkly answered: a later failure starts anew
        report(
            resource,
            e.seen(),
            e.owned(),
            stopsAMove(resource, e.seen(), failed(failure.reason(), failure.message())),
            tokenVersion);
        return after(
            Reasons.UNAUTHORIZED.equals(failure.reason())
                ? schedule.whileUnauthorized()
                : schedule.whileStalled());
      default:
        Duration retry =
            failure.given() != null
                ? schedule.afterGivenWait(resource, failure.given())
                : schedule.afterTransientFailure(resource, e.step(), e.progressed());
        boolean recordsAsBefore = recordsAsBefore(resource, e);
        boolean uncertain = !e.seen().uncertainWrites().isEmpty(); // kept, blip or not
        // a refused write's stall stays while nothing moved, or the next pass sends it again; a
        // stall for failing long stays through a wait
        Optional<FlagReleaseCondition> standing =
            standingStall(resource, e, writes).or(() -> keptThroughAWait(resource, failure, e));
        if (standing.isPresent()) {
          if (!recordsAsBefore || uncertain) {
            report(
                resource, e.seen(), e.owned(), Outcome.stillStalled(standing.get()), tokenVersion);
          }
        } else if (!(schedule.isBlip(resource, e.progressed())
                && recordsAsBefore
                && endedStall(resource).isEmpty())
            || uncertain) {
          report(resource, e.seen(), e.owned(), passingOrNot(resource, failure, e), tokenVersion);
        }
        return after(retry);
    }
  }

  /**
   * What ended the resource's stall, when it is Stalled by a gate this pass got past (its token
   * Secret readable now, the default token granted, no other FlagRelease holding its flag): a
   * person ended it, and a wait or a brief failure must not keep it asking them to act. A refused
   * token is not among them: a token put in its place is not known to work until LaunchDarkly
   * answers.
   */
  private static Optional<String> endedStall(FlagRelease resource) {
    return Conditions.currentStall(resource)
        .map(FlagReleaseCondition::getReason)
        .map(
            reason ->
                switch (reason) {
                  case Reasons.TOKEN_UNAVAILABLE -> "the access token can be read now";
                  case Reasons.DEFAULT_TOKEN_NOT_GRANTED ->
                      "the default token is granted to this namespace and project now";
                  case Reasons.FLAG_CLAIMED -> "no other FlagRelease holds the flag now";
                  default -> null;
                });
  }

  /**
   * Whether the status still records what the failed pass found: whose release it is, and no move
   * begun or announced and not begun. Else the status must say it, or a release a person makes next
   * would count as the operator's (a create or a move announced before a call that then failed).
   */
  private static boolean recordsAsBefore(FlagRelease resource, SyncException e) {
    return e.owned().equals(Ownership.of(resource.getStatus()))
        && e.seen().moveStarted() == null
        && !announcedMoveNotBegun(resource, e);
  }

  /**
   * The stall of a refused write that a failed pass leaves standing: while the write is tried again
   * at each poll, or stays held on the release the pass saw (or did not get to read). A release or
   * token that changed since let the pass write, and the next one must try again.
   */
  private static Optional<FlagReleaseCondition> standingStall(
      FlagRelease resource, SyncException e, ReleaseSync.Writes writes) {
    boolean stands =
        writes.retrying()
            || (writes.refused()
                && (!e.seen().known()
                    || !writes.allowedOn(Optional.ofNullable(e.seen().release()))));
    return e.progressed() || !stands
        ? Optional.empty()
        : FailureResponse.refusedWriteStall(resource);
  }

  /**
   * A failure that should pass by itself: Progressing, with a Warning event. Once the resource has
   * failed so for {@code retry.stalled-after} with no pass getting through, Stalled, so that the
   * Stalled alert brings a person to what keeps failing it, and still tried again with backoff. An
   * open breaker and rate limiting have alerts of their own.
   */
  private Outcome passingOrNot(FlagRelease resource, FailureResponse failure, SyncException e) {
    String message = failure.message() + whileWriting(e.step());
    return schedule
        .failingTooLong(
            resource, !e.progressed() && FailureResponse.failingLongStall(resource).isPresent())
        .filter(failing -> !hasAlertOfItsOwn(failure))
        .map(
            failing ->
                failed(
                    failure.reason(),
                    message
                        + "; no pass has got through for "
                        + Durations.describe(failing)
                        + ", so a person should look (still tried again with backoff)"))
        .orElse(warning(failure.reason(), message));
  }

  /**
   * How a deletion's stall for failing long ends its message: its reason, DeletionBlocked, is also
   * a refused token's or a suspend's, and only this says which one a restarted process reads.
   */
  private static final String DELETION_FAILING_LONG =
      ", so a person should look (still tried again with backoff; deletionPolicy: Orphan finishes"
          + " the deletion now, leaving the release in LaunchDarkly)";

  /** An open breaker and rate limiting: waits with alerts and reasons of their own. */
  private static boolean hasAlertOfItsOwn(FailureResponse failure) {
    return Reasons.CIRCUIT_OPEN.equals(failure.reason())
        || Reasons.RATE_LIMITED.equals(failure.reason());
  }

  /**
   * The stall of a resource failing too long, which a wait the breaker or a 429 gives between two
   * of its failures keeps: flipping to Progressing and back would resolve the alert and show Argo
   * CD a recovery that did not happen. A pass that moved the release forward is said instead.
   */
  private static Optional<FlagReleaseCondition> keptThroughAWait(
      FlagRelease resource, FailureResponse failure, SyncException e) {
    if (e.progressed() || !hasAlertOfItsOwn(failure)) {
      return Optional.empty();
    }
    return FailureResponse.failingLongStall(resource);
  }

  /** Which write failed ("updating the phase status" does not say which phase, nor to what). */
  private static String whileWriting(String step) {
    return LaunchDarklyClient.READING.equals(step) ? "" : "; the write: " + step;
  }

  private Outcome outcomeOf(FlagRelease resource, SyncResult result, boolean manage) {
    ReleasePlan plan = result.plan();
    Verdict verdict = plan.verdict();
    if (plan.hasWrites() && manage) {
      // writes held back after LaunchDarkly refused one: keep saying why (also when the plan
      // would stop after them: else the next pass finds no hold and sends the write again)
      FlagReleaseCondition stalled =
          Conditions.find(resource.getStatus().getConditions(), ConditionTypes.STALLED);
      return Outcome.stillStalled(stalled);
    }
    List<String> wouldDo = plan.actions().stream().map(ReleaseAction::describe).toList();
    if (verdict.kind() == Verdict.Kind.BLOCKED) {
      // Observe still lists what Manage would do before it stops, for review; a move left half
      // done (no release now) waits too (in Manage, a blocked create of a move says so itself)
      Outcome stop =
          new Outcome(ReleaseState.Failed, verdict.reason(), verdict.message(), true, wouldDo);
      return manage ? stop : stopsAMove(resource, result.seen(), stop);
    }
    if (plan.hasWrites()) {
      // Observe: say what Manage would do, in the message and, listed, in status.plannedChanges
      if (result.seen().release() == null) {
        // a move Manage left unfinished (its DELETE went through) waits too: say it is ours
        return stopsAMove(
            resource,
            result.seen(),
            new Outcome(
                ReleaseState.Pending,
                Reasons.RELEASE_NOT_FOUND,
                "LaunchDarkly has no release for this flag; Observe mode does not create it",
                false,
                wouldDo));
      }
      return new Outcome(
          ReleaseState.Progressing,
          Reasons.DRIFTED,
          "LaunchDarkly differs from the spec; Observe mode makes no change (Manage would "
              + String.join(", ", wouldDo)
              + ")",
          true,
          wouldDo);
    }
    if (verdict.kind() == Verdict.Kind.WAITING) {
      return new Outcome(ReleaseState.Progressing, verdict.reason(), verdict.message());
    }
    if (verdict.kind() == Verdict.Kind.REPLAN) {
      // stopped by a change made while it ran (the pass the change woke goes on): not in sync,
      // and a move it left half done waits too
      return stopsAMove(
          resource,
          result.seen(),
          new Outcome(ReleaseState.Progressing, verdict.reason(), verdict.message()));
    }
    return new Outcome(ReleaseState.Ready, Reasons.IN_SYNC, verdict.message());
  }

  /**
   * What this pass may write. A write LaunchDarkly refused for this very generation of the spec and
   * this very token is not repeated while the release stays the one, at the version, it was then: a
   * spec, token or release change re-arms it (but see {@link
   * FailureResponse#triedAgainAtEachPoll}).
   */
  private ReleaseSync.Writes writes(FlagRelease resource, boolean manage, String tokenVersion) {
    FlagReleaseStatus status = resource.getStatus();
    if (!manage) {
      return ReleaseSync.Writes.observeOnly();
    }
    if (status == null || !AccessTokens.sameVersion(tokenVersion, status.getTokenVersion())) {
      return ReleaseSync.Writes.allowed();
    }
    Long version = status.getRelease() == null ? null : status.getRelease().getVersion();
    Optional<FlagReleaseCondition> stalled = FailureResponse.refusedWriteStall(resource);
    if (stalled.isEmpty()) {
      return ReleaseSync.Writes.allowed();
    }
    boolean eachPoll =
        FailureResponse.triedAgainAtEachPoll(
                stalled.get().getReason(),
                stalled.get().getMessage(),
                version == null,
                status.getUnfinishedMove() != null)
            || (FailureResponse.heldLongEnough(stalled.get(), clock.instant())
                && schedule.heldWriteDue(resource, clock.instant(), FailureResponse.HELD_AT_MOST));
    return eachPoll
        ? ReleaseSync.Writes.triedAtEachPoll()
        : ReleaseSync.Writes.refusedOn(
            version,
            ReleaseIdentity.recorded(status),
            version == null ? null : StatusFactory.progress(status.getPhases()));
  }

  /** A report made before any LaunchDarkly call: nothing seen, ownership as the status had it. */
  private void report(FlagRelease resource, Outcome outcome) {
    report(resource, Seen.unknown(), Ownership.of(resource.getStatus()), outcome, null);
  }

  private void report(FlagRelease resource, Seen seen, Ownership owned, Outcome outcome) {
    report(resource, seen, owned, outcome, null);
  }

  /**
   * @param tokenVersion the token the calls used, or null when no call was made
   */
  private void report(
      FlagRelease resource, Seen seen, Ownership owned, Outcome outcome, String tokenVersion) {
    if (outcome.warns()) {
      events.warning(resource, outcome.reason(), outcome.message());
    }
    FlagReleaseStatus status = statuses.build(resource, seen, owned, outcome);
    if (tokenVersion != null) {
      status.setTokenVersion(tokenVersion);
    }
    statusWriter.writeIfChanged(resource, status);
    metrics.stateOf(
        resource.getMetadata().getUid(),
        outcome.state(),
        Conditions.isTrue(status.getConditions(), ConditionTypes.STALLED));
  }

  private static UpdateControl<FlagRelease> after(Duration wait) {
    return UpdateControl.<FlagRelease>noUpdate().rescheduleAfter(wait);
  }

  private static Outcome failed(String reason, String message) {
    return new Outcome(ReleaseState.Failed, reason, message);
  }

  /** Progressing, with a Warning event: something went wrong that should pass by itself. */
  private static Outcome warning(String reason, String message) {
    return new Outcome(ReleaseState.Progressing, reason, message, true);
  }
}
