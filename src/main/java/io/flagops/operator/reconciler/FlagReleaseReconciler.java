package io.flagops.operator.reconciler;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.plan.ReleaseAction;
import io.flagops.operator.reconciler.plan.ReleasePlan;
import io.flagops.operator.reconciler.plan.ReleasePlanner;
import io.flagops.operator.reconciler.plan.Verdict;
import io.flagops.operator.reconciler.status.Conditions;
import io.flagops.operator.reconciler.status.Outcome;
import io.flagops.operator.reconciler.status.StatusFactory;
import io.flagops.operator.reconciler.status.StatusFactory.Seen;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.Backoff;
import io.flagops.operator.reconciler.support.EventRecorder;
import io.flagops.operator.reconciler.support.FlagReleaseWatches;
import io.flagops.operator.reconciler.support.Jitter;
import io.flagops.operator.reconciler.support.JitteredBackoffRetry;
import io.flagops.operator.reconciler.support.RecentSyncs;
import io.flagops.operator.reconciler.support.ReconcileMetrics;
import io.flagops.operator.reconciler.support.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Keeps a flag's LaunchDarkly release in line with its FlagRelease: observe (one GET), plan (a pure
 * function), act (the minimum writes, in pipeline order), report (status and events), then poll
 * again, as LaunchDarkly sends no events.
 */
@ControllerConfiguration(name = FlagReleaseReconciler.NAME, retry = JitteredBackoffRetry.class)
public class FlagReleaseReconciler implements Reconciler<FlagRelease>, Cleaner<FlagRelease> {
  public static final String NAME = "flagrelease";

  /** Stalls caused by a write LaunchDarkly refused: not retried until the spec changes. */
  private static final Set<String> REFUSED_WRITES = Set.of(Reasons.REJECTED, Reasons.NOT_FOUND);

  private final AccessTokens tokens;
  private final FlagClaims claims;
  private final ReleaseSync sync;
  private final ReleaseDeletion deletion;
  private final StatusFactory statuses;
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final FlagReleaseConfig.Polling polling;
  private final ReconcileMetrics metrics;
  private final FlagReleaseWatches watches;

  /** FlagReleases this process has reconciled at least once. */
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  private final RecentSyncs recentSyncs;
  private final Backoff backoff;

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
    this.polling = config.polling();
    this.metrics = metrics;
    this.watches = watches;
    this.recentSyncs = new RecentSyncs();
    this.backoff = new Backoff(config.retry());
  }

  @Override
  public UpdateControl<FlagRelease> reconcile(FlagRelease resource, Context<FlagRelease> context) {
    long started = System.nanoTime();
    String result = "error";
    try {
      UpdateControl<FlagRelease> control = reconcileTimed(resource, context);
      result = resource.getStatus() == null ? "none" : resource.getStatus().getState().name();
      return control;
    } finally {
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started), result);
    }
  }

  private UpdateControl<FlagRelease> reconcileTimed(
      FlagRelease resource, Context<FlagRelease> context) {
    FlagReleaseSpec spec = resource.getSpec();
    Optional<Verdict> invalid = ReleasePlanner.validate(spec);
    if (invalid.isPresent()) {
      Verdict verdict = invalid.get();
      report(
          resource,
          Seen.unknown(),
          Ownership.of(resource.getStatus()),
          failed(verdict.reason(), verdict.message()));
      return UpdateControl.noUpdate();
    }
    if (settledBeforeThisProcess(resource)) {
      // after a start or a restart, spread the polls of settled resources over the period
      // instead of reading them all at once
      return UpdateControl.<FlagRelease>noUpdate()
          .rescheduleAfter(
              Duration.ofMillis(
                  ThreadLocalRandom.current().nextLong(1, polling.settled().toMillis() + 1)));
    }
    if (spec.isSuspend()) {
      report(
          resource,
          Seen.unknown(),
          Ownership.of(resource.getStatus()),
          new Outcome(
              ReleaseState.Suspended,
              Reasons.SUSPENDED,
              "spec.suspend is true: no calls are made to LaunchDarkly"));
      return UpdateControl.noUpdate();
    }
    AccessTokens.Resolved token;
    try {
      token = tokens.resolve(resource);
    } catch (AccessTokens.Unavailable e) {
      report(
          resource,
          Seen.unknown(),
          Ownership.of(resource.getStatus()),
          failed(e.reason(), e.getMessage()));
      return after(polling.unauthorized());
    }
    Optional<String> claimed = claims.heldByAnother(resource, token.token().fingerprint());
    if (claimed.isPresent()) {
      report(resource, Seen.unknown(), Ownership.NONE, failed(Reasons.FLAG_CLAIMED, claimed.get()));
      // no call is made while waiting, so looking again soon costs nothing
      return after(polling.progressing());
    }
    Optional<Duration> untilPoll = recentSyncs.untilPlannedPoll(resource, token.version());
    if (untilPoll.isPresent()) {
      return UpdateControl.<FlagRelease>noUpdate().rescheduleAfter(untilPoll.get());
    }
    boolean manage = spec.getManagementPolicy() == ManagementPolicy.Manage;
    SyncResult result;
    try {
      result =
          sync.sync(
              resource,
              token.token(),
              writes(resource, manage, token.version()),
              (seen, owned, announced) ->
                  report(resource, seen, owned, announced, token.version()));
    } catch (SyncException e) {
      recentSyncs.forget(resource);
      return onError(resource, e, token.version());
    }
    backoff.reset(resource);
    Outcome outcome = outcomeOf(resource, result, manage);
    boolean waitingOnLaunchDarkly =
        result.plan().verdict().kind() == Verdict.Kind.WAITING && !result.plan().hasWrites();
    Duration nextPoll =
        Jitter.spread(
            waitingOnLaunchDarkly ? polling.progressing() : polling.settled(), polling.jitter());
    if (outcome.state() == ReleaseState.Ready) {
      // before the status write, whose event may wake the resource again at once
      recentSyncs.inSync(resource, token.version(), nextPoll);
    } else {
      recentSyncs.forget(resource);
    }
    try {
      report(resource, result.seen(), result.owned(), outcome, token.version());
    } catch (RuntimeException e) {
      recentSyncs.forget(resource); // the retry must read and write the status again
      throw e;
    }
    return UpdateControl.<FlagRelease>noUpdate().rescheduleAfter(nextPoll);
  }

  @Override
  public List<EventSource<?, FlagRelease>> prepareEventSources(
      EventSourceContext<FlagRelease> context) {
    return watches.eventSources(context);
  }

  @Override
  public DeleteControl cleanup(FlagRelease resource, Context<FlagRelease> context) {
    // a FlagRelease waiting for another's flag never touches the release on its way out
    boolean holdsTheFlag =
        tokens
            .accountOf(resource)
            .map(account -> claims.heldByAnother(resource, account).isEmpty())
            .orElse(true);
    ReleaseDeletion.Result result =
        holdsTheFlag ? deletion.delete(resource) : ReleaseDeletion.Result.finished();
    if (result.done()) {
      metrics.forget(resource.getMetadata().getUid());
      seen.remove(resource.getMetadata().getUid());
      recentSyncs.forget(resource);
      backoff.reset(resource);
      return DeleteControl.defaultDelete();
    }
    report(
        resource,
        Seen.unknown(),
        Ownership.of(resource.getStatus()),
        new Outcome(ReleaseState.Deleting, Reasons.DELETING, result.message()));
    DeleteControl control = DeleteControl.noFinalizerRemoval();
    return result.retryAfter() == null
        ? control
        : control.rescheduleAfter(Jitter.atLeast(result.retryAfter(), polling.jitter()).toMillis());
  }

  /**
   * Errors JOSDK retries with backoff: a Kubernetes failure, or one the reconciler did not expect.
   */
  @Override
  public ErrorStatusUpdateControl<FlagRelease> updateErrorStatus(
      FlagRelease resource, Context<FlagRelease> context, Exception e) {
    String message = "reconcile failed and will be retried: " + e.getMessage();
    report(
        resource,
        Seen.unknown(),
        Ownership.of(resource.getStatus()),
        progressing("ReconcileError", message));
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * What a failed LaunchDarkly call means for the resource: a person must act (Stalled), or it is
   * tried again, when LaunchDarkly or the backoff says. A resource that was Ready is not flipped by
   * a failed poll: it stays Ready while the failures last less than a settled poll interval.
   */
  private UpdateControl<FlagRelease> onError(
      FlagRelease resource, SyncException e, String tokenVersion) {
    LaunchDarklyException error = e.launchDarklyError();
    String message = error.getMessage();
    if (error instanceof LaunchDarklyException.Throttled throttled) {
      // our own budget, not an error: come back for the turn it reserved, status as it was
      return UpdateControl.<FlagRelease>noUpdate()
          .rescheduleAfter(throttled.retryAfter().plusMillis(1));
    }
    if (error instanceof LaunchDarklyException.Unauthorized) {
      report(
          resource,
          e.seen(),
          e.owned(),
          failed(Reasons.UNAUTHORIZED, message + "; check the access token"),
          tokenVersion);
      return after(polling.unauthorized());
    }
    if (error instanceof LaunchDarklyException.NotFound
        || error instanceof LaunchDarklyException.Rejected) {
      String reason =
          error instanceof LaunchDarklyException.NotFound ? Reasons.NOT_FOUND : Reasons.REJECTED;
      report(resource, e.seen(), e.owned(), failed(reason, message), tokenVersion);
      return after(polling.settled());
    }
    // what is left passes: LaunchDarkly unavailable, busy, rate limiting, or the breaker open
    Transient retry = retryAfter(resource, e);
    boolean blip =
        resource.isSettledIn(ReleaseState.Ready)
            && !e.progressed()
            && backoff.failingFor(resource).compareTo(polling.settled()) < 0;
    if (!blip) {
      report(resource, e.seen(), e.owned(), progressing(retry.reason(), message), tokenVersion);
    }
    return UpdateControl.<FlagRelease>noUpdate().rescheduleAfter(retry.after());
  }

  private record Transient(String reason, Duration after) {}

  private Transient retryAfter(FlagRelease resource, SyncException e) {
    LaunchDarklyException error = e.launchDarklyError();
    if (error instanceof LaunchDarklyException.CircuitOpen open) {
      backoff.noteFailure(resource);
      return new Transient(
          Reasons.CIRCUIT_OPEN, Jitter.atLeast(open.retryAfter(), polling.jitter()));
    }
    if (error instanceof LaunchDarklyException.RateLimited limited) {
      backoff.noteFailure(resource);
      return new Transient(
          Reasons.RATE_LIMITED, Jitter.atLeast(limited.retryAfter(), polling.jitter()));
    }
    String reason =
        error instanceof LaunchDarklyException.Conflict ? Reasons.CONFLICT : Reasons.UNAVAILABLE;
    return new Transient(reason, backoff.afterFailure(resource, e.step(), e.progressed()));
  }

  private Outcome outcomeOf(FlagRelease resource, SyncResult result, boolean manage) {
    ReleasePlan plan = result.plan();
    Verdict verdict = plan.verdict();
    if (verdict.kind() == Verdict.Kind.BLOCKED) {
      return failed(verdict.reason(), verdict.message());
    }
    if (plan.hasWrites() && manage) {
      // writes held back after LaunchDarkly refused one: keep saying why
      FlagReleaseCondition stalled =
          Conditions.find(resource.getStatus().getConditions(), ConditionTypes.STALLED);
      return failed(stalled.getReason(), stalled.getMessage());
    }
    if (plan.hasWrites()) {
      if (result.seen().release() == null) {
        return new Outcome(
            ReleaseState.Pending,
            Reasons.RELEASE_NOT_FOUND,
            "LaunchDarkly has no release for this flag; Observe mode does not create it");
      }
      String wouldDo =
          plan.actions().stream().map(ReleaseAction::describe).collect(Collectors.joining(", "));
      return progressing(
          Reasons.DRIFTED,
          "LaunchDarkly differs from the spec; Observe mode makes no change (Manage would "
              + wouldDo
              + ")");
    }
    if (verdict.kind() == Verdict.Kind.WAITING) {
      return progressing(verdict.reason(), verdict.message());
    }
    return new Outcome(ReleaseState.Ready, Reasons.IN_SYNC, verdict.message());
  }

  /**
   * True the first time this process sees a resource that was Ready for its current generation:
   * nothing changed in Kubernetes, so its next poll can wait its turn.
   */
  private boolean settledBeforeThisProcess(FlagRelease resource) {
    if (!seen.add(resource.getMetadata().getUid())) {
      return false;
    }
    return resource.isSettledIn(ReleaseState.Ready);
  }

  /**
   * What this pass may write. A write LaunchDarkly refused for this very generation of the spec and
   * this very token is not repeated while the release stays at the version it had then: a spec,
   * token or release change re-arms it.
   */
  private static ReleaseSync.Writes writes(
      FlagRelease resource, boolean manage, String tokenVersion) {
    FlagReleaseStatus status = resource.getStatus();
    if (!manage) {
      return ReleaseSync.Writes.observeOnly();
    }
    if (status == null || !Objects.equals(tokenVersion, status.getTokenVersion())) {
      return new ReleaseSync.Writes(true, false, null);
    }
    FlagReleaseCondition stalled = Conditions.find(status.getConditions(), ConditionTypes.STALLED);
    boolean refused =
        stalled != null
            && "True".equals(stalled.getStatus())
            && REFUSED_WRITES.contains(stalled.getReason())
            && resource.getMetadata().getGeneration().equals(stalled.getObservedGeneration());
    Long version = status.getRelease() == null ? null : status.getRelease().getVersion();
    return new ReleaseSync.Writes(true, refused, version);
  }

  private void report(FlagRelease resource, Seen seen, Ownership owned, Outcome outcome) {
    report(resource, seen, owned, outcome, null);
  }

  /**
   * @param tokenVersion the token the calls used, or null when no call was made
   */
  private void report(
      FlagRelease resource, Seen seen, Ownership owned, Outcome outcome, String tokenVersion) {
    if (outcome.state() == ReleaseState.Failed || isError(outcome.reason())) {
      events.warning(resource, outcome.reason(), outcome.message());
    }
    FlagReleaseStatus status = statuses.build(resource, seen, owned, outcome);
    if (tokenVersion != null) {
      status.setTokenVersion(tokenVersion);
    }
    statusWriter.writeIfChanged(resource, status);
    metrics.stateOf(resource.getMetadata().getUid(), outcome.state());
  }

  private static boolean isError(String reason) {
    return Reasons.UNAVAILABLE.equals(reason)
        || Reasons.RATE_LIMITED.equals(reason)
        || Reasons.CIRCUIT_OPEN.equals(reason)
        || Reasons.CONFLICT.equals(reason)
        || Reasons.DRIFTED.equals(reason)
        || "ReconcileError".equals(reason);
  }

  private UpdateControl<FlagRelease> after(Duration interval) {
    return UpdateControl.<FlagRelease>noUpdate()
        .rescheduleAfter(Jitter.spread(interval, polling.jitter()));
  }

  private static Outcome failed(String reason, String message) {
    return new Outcome(ReleaseState.Failed, reason, message);
  }

  private static Outcome progressing(String reason, String message) {
    return new Outcome(ReleaseState.Progressing, reason, message);
  }
}
