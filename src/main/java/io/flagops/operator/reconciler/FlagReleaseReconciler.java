package io.flagops.operator.reconciler;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseCondition;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
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
import io.flagops.operator.reconciler.support.EventRecorder;
import io.flagops.operator.reconciler.support.Jitter;
import io.flagops.operator.reconciler.support.JitteredBackoffRetry;
import io.flagops.operator.reconciler.support.ReconcileMetrics;
import io.flagops.operator.reconciler.support.StatusWriter;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
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
  private final ReleaseSync sync;
  private final ReleaseDeletion deletion;
  private final StatusFactory statuses;
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final FlagReleaseConfig.Polling polling;
  private final ReconcileMetrics metrics;

  public FlagReleaseReconciler(
      AccessTokens tokens,
      ReleaseSync sync,
      ReleaseDeletion deletion,
      StatusWriter statusWriter,
      EventRecorder events,
      ReconcileMetrics metrics,
      FlagReleaseConfig config,
      Clock clock) {
    this.tokens = tokens;
    this.sync = sync;
    this.deletion = deletion;
    this.statuses = new StatusFactory(clock);
    this.statusWriter = statusWriter;
    this.events = events;
    this.polling = config.polling();
    this.metrics = metrics;
  }

  @Override
  public UpdateControl<FlagRelease> reconcile(FlagRelease resource, Context<FlagRelease> context) {
    long started = System.nanoTime();
    String result = "error";
    try {
      UpdateControl<FlagRelease> control = reconcileTimed(resource);
      result = resource.getStatus() == null ? "none" : resource.getStatus().getState().name();
      return control;
    } finally {
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started), result);
    }
  }

  private UpdateControl<FlagRelease> reconcileTimed(FlagRelease resource) {
    FlagReleaseSpec spec = resource.getSpec();
    Optional<Verdict> invalid = ReleasePlanner.validate(spec);
    if (invalid.isPresent()) {
      Verdict verdict = invalid.get();
      report(
          resource, Seen.unknown(), owned(resource), failed(verdict.reason(), verdict.message()));
      return UpdateControl.noUpdate();
    }
    if (spec.isSuspend()) {
      report(
          resource,
          Seen.unknown(),
          owned(resource),
          new Outcome(
              ReleaseState.Suspended,
              Reasons.SUSPENDED,
              "spec.suspend is true: no calls are made to LaunchDarkly"));
      return UpdateControl.noUpdate();
    }
    AccessToken token;
    try {
      token = tokens.resolve(resource);
    } catch (AccessTokens.Unavailable e) {
      report(
          resource,
          Seen.unknown(),
          owned(resource),
          failed(Reasons.TOKEN_UNAVAILABLE, e.getMessage()));
      return after(polling.unauthorized());
    }
    boolean manage = spec.getManagementPolicy() == ManagementPolicy.Manage;
    SyncResult result;
    try {
      result = sync.sync(resource, token, manage && !refusedThisGeneration(resource));
    } catch (SyncException e) {
      return onError(resource, e);
    }
    Outcome outcome = outcomeOf(resource, result, manage);
    report(resource, result.seen(), result.ownedPipelineKey(), outcome);
    boolean waitingOnLaunchDarkly =
        result.plan().verdict().kind() == Verdict.Kind.WAITING && !result.plan().hasWrites();
    return after(waitingOnLaunchDarkly ? polling.progressing() : polling.settled());
  }

  @Override
  public DeleteControl cleanup(FlagRelease resource, Context<FlagRelease> context) {
    ReleaseDeletion.Result result = deletion.delete(resource);
    if (result.done()) {
      metrics.forget(resource.getMetadata().getUid());
      return DeleteControl.defaultDelete();
    }
    report(
        resource,
        Seen.unknown(),
        owned(resource),
        new Outcome(ReleaseState.Deleting, Reasons.DELETING, result.message()));
    DeleteControl control = DeleteControl.noFinalizerRemoval();
    return result.retryAfter() == null
        ? control
        : control.rescheduleAfter(Jitter.atLeast(result.retryAfter(), polling.jitter()).toMillis());
  }

  /** Errors JOSDK retries with backoff: LaunchDarkly unavailable, or a Kubernetes failure. */
  @Override
  public ErrorStatusUpdateControl<FlagRelease> updateErrorStatus(
      FlagRelease resource, Context<FlagRelease> context, Exception e) {
    if (!(e instanceof SyncException)) {
      String message = "reconcile failed and will be retried: " + e.getMessage();
      report(resource, Seen.unknown(), owned(resource), progressing("ReconcileError", message));
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private UpdateControl<FlagRelease> onError(FlagRelease resource, SyncException e) {
    LaunchDarklyException error = e.launchDarklyError();
    String message = error.getMessage();
    if (error instanceof LaunchDarklyException.Throttled throttled) {
      // our own budget, not an error: look again later, status as it was
      return afterAtLeast(throttled.retryAfter());
    }
    if (error instanceof LaunchDarklyException.CircuitOpen open) {
      report(resource, e.seen(), e.ownedPipelineKey(), progressing(Reasons.CIRCUIT_OPEN, message));
      return afterAtLeast(open.retryAfter());
    }
    if (error instanceof LaunchDarklyException.RateLimited limited) {
      report(resource, e.seen(), e.ownedPipelineKey(), progressing(Reasons.RATE_LIMITED, message));
      return afterAtLeast(limited.retryAfter());
    }
    if (error instanceof LaunchDarklyException.Unauthorized) {
      report(
          resource,
          e.seen(),
          e.ownedPipelineKey(),
          failed(Reasons.UNAUTHORIZED, message + "; check the access token"));
      return after(polling.unauthorized());
    }
    if (error instanceof LaunchDarklyException.Unavailable) {
      report(resource, e.seen(), e.ownedPipelineKey(), progressing(Reasons.UNAVAILABLE, message));
      throw e; // JOSDK retries with jittered exponential backoff
    }
    String reason =
        error instanceof LaunchDarklyException.NotFound ? Reasons.NOT_FOUND : Reasons.REJECTED;
    report(resource, e.seen(), e.ownedPipelineKey(), failed(reason, message));
    return after(polling.settled());
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

  /** True when LaunchDarkly refused a write for this very generation of the spec. */
  private static boolean refusedThisGeneration(FlagRelease resource) {
    if (resource.getStatus() == null) {
      return false;
    }
    FlagReleaseCondition stalled =
        Conditions.find(resource.getStatus().getConditions(), ConditionTypes.STALLED);
    return stalled != null
        && "True".equals(stalled.getStatus())
        && REFUSED_WRITES.contains(stalled.getReason())
        && resource.getMetadata().getGeneration().equals(stalled.getObservedGeneration());
  }

  private void report(FlagRelease resource, Seen seen, String owned, Outcome outcome) {
    if (outcome.state() == ReleaseState.Failed || isError(outcome.reason())) {
      events.warning(resource, outcome.reason(), outcome.message());
    }
    statusWriter.writeIfChanged(resource, statuses.build(resource, seen, owned, outcome));
    metrics.stateOf(resource.getMetadata().getUid(), outcome.state());
  }

  private static boolean isError(String reason) {
    return Reasons.UNAVAILABLE.equals(reason)
        || Reasons.RATE_LIMITED.equals(reason)
        || Reasons.CIRCUIT_OPEN.equals(reason)
        || Reasons.DRIFTED.equals(reason)
        || "ReconcileError".equals(reason);
  }

  /** A wait LaunchDarkly (or the budget) asked for: jitter only makes it longer. */
  private UpdateControl<FlagRelease> afterAtLeast(Duration wait) {
    return UpdateControl.<FlagRelease>noUpdate()
        .rescheduleAfter(Jitter.atLeast(wait, polling.jitter()));
  }

  private UpdateControl<FlagRelease> after(Duration interval) {
    return UpdateControl.<FlagRelease>noUpdate()
        .rescheduleAfter(Jitter.spread(interval, polling.jitter()));
  }

  private static String owned(FlagRelease resource) {
    return resource.getStatus() == null ? null : resource.getStatus().getOwnedPipelineKey();
  }

  private static Outcome failed(String reason, String message) {
    return new Outcome(ReleaseState.Failed, reason, message);
  }

  private static Outcome progressing(String reason, String message) {
    return new Outcome(ReleaseState.Progressing, reason, message);
  }
}
