package io.flagops.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.launchdarkly.FlagRef;
import io.flagops.operator.launchdarkly.LaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.launchdarkly.LaunchDarklySession;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.plan.ReleaseIdentity;
import io.flagops.operator.reconciler.plan.ReleasePlanner;
import io.flagops.operator.reconciler.status.StatusFactory;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.DefinitionDeletion;
import io.flagops.operator.reconciler.support.EventRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * What deleting a FlagRelease does to its release, following {@code spec.deletionPolicy}. A release
 * already gone counts as deleted, and switching to {@code Orphan} always lets a stuck deletion
 * finish.
 */
@ApplicationScoped
public class ReleaseDeletion {
  private static final Logger LOG = Logger.getLogger(ReleaseDeletion.class);
  private static final String HOW_TO_FINISH =
      "; set spec.deletionPolicy to Orphan to finish deleting without touching LaunchDarkly";

  private final AccessTokens tokens;
  private final LaunchDarklyClient launchDarkly;
  private final EventRecorder events;
  private final DefinitionDeletion definition;
  private final FlagReleaseConfig.Polling polling;

  public ReleaseDeletion(
      AccessTokens tokens,
      LaunchDarklyClient launchDarkly,
      EventRecorder events,
      DefinitionDeletion definition,
      FlagReleaseConfig config) {
    this.tokens = tokens;
    this.launchDarkly = launchDarkly;
    this.events = events;
    this.definition = definition;
    this.polling = config.polling();
  }

  /**
   * Whether the finalizer may go; if not, why, whether a person must act (then the resource is
   * Stalled), and when to try again. Not done and not blocked is a failure nobody needs to act on,
   * or a wait for the request budget's turn.
   *
   * @param retryAfter when to try again; null: on the next edit (or after the backoff, when it
   *     {@code backsOff})
   * @param backsOff tried again after the backoff of transient failures, as a pass is: a failure
   *     that gave no wait of its own (LaunchDarkly unavailable, a conflict, the CRD unreadable)
   * @param ownTurn a wait for the request budget, which is no failure
   * @param refused blocked by LaunchDarkly's answer (a refused token), which a later failure says
   *     nothing about; not by what stops it before any call (suspend, the token unavailable), which
   *     a pass that got as far as a call has got past
   */
  public record Result(
      boolean done,
      String message,
      boolean blocked,
      Duration retryAfter,
      boolean backsOff,
      boolean ownTurn,
      boolean refused) {
    public static Result finished() {
      return new Result(true, null, false, null, false, false, false);
    }

    /** A failure LaunchDarkly or the circuit breaker gave a wait for (a 429, an open circuit). */
    static Result waiting(String message, Duration retryAfter) {
      return new Result(false, message, false, retryAfter, false, false, false);
    }

    static Result retrying(String message) {
      return new Result(false, message, false, null, true, false, false);
    }

    static Result untilTurn(String message, Duration wait) {
      return new Result(false, message, false, wait, false, true, false);
    }

    /**
     * The FlagRelease changed while its deletion ran (a policy set to Orphan, say): nothing was
     * deleted, and the pass the change woke decides with it. No failure: looked at again at once.
     */
    static Result superseded() {
      return untilTurn(
          "the FlagRelease changed while its deletion ran, so nothing was deleted; it is looked at"
              + " again",
          Duration.ZERO);
    }
  }

  public Result delete(FlagRelease resource) {
    return delete(resource, () -> true);
  }

  /**
   * @param stillCurrent whether the FlagRelease is still as this pass read it (asked just before
   *     the DELETE: a policy switched to Orphan during the release's read must stop it); it may
   *     read the FlagRelease from the Kubernetes API, and a failed read deletes nothing
   */
  public Result delete(FlagRelease resource, BooleanSupplier stillCurrent) {
    FlagReleaseSpec spec = resource.getSpec();
    if (spec.getDeletionPolicy() == DeletionPolicy.Orphan) {
      return leave(
          resource,
          Reasons.RELEASE_ORPHANED,
          "Left the release in LaunchDarkly (deletionPolicy: Orphan)",
          false);
    }
    if (spec.getManagementPolicy() == ManagementPolicy.Observe) {
      return leave(
          resource,
          Reasons.RELEASE_ORPHANED,
          "Left the release in LaunchDarkly: Observe mode never writes there",
          false);
    }
    // the spec alone says whether the token's source changed: a Delete that will leave the
    // release then needs no token (nor waits for one)
    TokenSourceChange.adoptCreatedRelease(resource, events);
    Ownership owned = Ownership.of(resource.getStatus());
    Optional<String> unknownPolicy = ReleasePlanner.unknownPolicy(spec);
    if (!owned.ownsAny()) {
      // it never created or adopted a release, or a move deleted it: no call. A move the CRD's
      // deletion cuts short leaves the flag without a release, whatever the policy: said so
      boolean moving =
          resource.getStatus() != null && resource.getStatus().getUnfinishedMove() != null;
      Result definitionGoing = moving ? whileDefinitionGoes(resource) : null;
      if (definitionGoing != null) {
        return definitionGoing;
      }
      // a policy value it does not know may be Orphan-like: then an unfinished move is warned of
      return leave(
          resource,
          Reasons.RELEASE_LEFT,
          "This FlagRelease owned no release in LaunchDarkly",
          unknownPolicy.isEmpty());
    }
    if (unknownPolicy.isPresent()) {
      // a later version's value: a guess could delete what it keeps, or keep what it deletes
      Result definitionGoing = whileDefinitionGoes(resource);
      return definitionGoing != null
          ? definitionGoing
          : blocked(resource, unknownPolicy.get(), null);
    }
    if (keepsAdopted(owned, spec)) {
      // left whatever LaunchDarkly holds: no token, no call needed
      if (resource.getStatus().getUnfinishedMove() != null) {
        return leave(resource, Reasons.RELEASE_LEFT, "", false); // the move is what to say
      }
      leftAdopted(resource, owned.pipelineKey());
      return Result.finished();
    }
    Result definitionGoing = whileDefinitionGoes(resource);
    if (definitionGoing != null) {
      return definitionGoing;
    }
    if (spec.isSuspend()) {
      return blocked(
          resource,
          "spec.suspend is true, so no call is made to LaunchDarkly; set suspend to false to"
              + " delete the release",
          null);
    }
    try {
      AccessTokens.Resolved token = tokens.resolve(resource);
      TokenSourceChange.adoptCreatedRelease(resource, token, events);
      return deleteRelease(resource, launchDarkly.as(token.token()), stillCurrent);
    } catch (AccessTokens.Unavailable e) {
      return blocked(resource, e.getMessage(), polling.unauthorized());
    } catch (LaunchDarklyException e) {
      return afterFailure(resource, FailureResponse.of(e));
    }
  }

  /**
   * Leaves the release when the FlagRelease CRD is being deleted (null: it is not), and waits when
   * that cannot be told: a CRD deletion takes every FlagRelease with it and is never meant to
   * delete their releases. Checked before a suspended resource blocks, so the CRD's deletion can
   * finish.
   */
  private Result whileDefinitionGoes(FlagRelease resource) {
    try {
      if (!definition.inProgress()) {
        return null;
      }
    } catch (DefinitionDeletion.Unreadable e) {
      if (e.forbidden()) {
        return blocked(
            resource,
            e.getMessage() + "; grant the operator get on it, as the chart and kustomize do",
            polling.unauthorized());
      }
      String message = waits(e.getMessage());
      events.warning(resource, Reasons.DELETION_RETRYING, message);
      return Result.retrying(message);
    }
    String flag = ReleaseSync.flagOf(resource.getSpec()).toString();
    LOG.infof(
        "Left the release of %s in LaunchDarkly: the CustomResourceDefinition %s is being deleted",
        flag, DefinitionDeletion.CRD);
    return leave(
        resource,
        Reasons.RELEASE_ORPHANED,
        "Left the release of "
            + flag
            + " in LaunchDarkly: the CustomResourceDefinition "
            + DefinitionDeletion.CRD
            + " is being deleted, and every FlagRelease with it; spec.deletionPolicy applies only"
            + " to a FlagRelease deleted on its own",
        false);
  }

  /**
   * A failed call, as the reconciler classifies it: wait for the turn, the given time, or longer.
   */
  private Result afterFailure(FlagRelease resource, FailureResponse failure) {
    switch (failure.kind()) {
      case OWN_TURN:
        return Result.untilTurn(
            "deletion waits for the operator's LaunchDarkly request budget", failure.given());
      case PERSON_MUST_ACT:
        return blocked(resource, failure.message(), polling.unauthorized(), true);
      default:
        // LaunchDarkly unavailable, rate limiting, a conflict: retried, nobody needs to act
        String message = waits(failure.message());
        events.warning(resource, Reasons.DELETION_RETRYING, message);
        return failure.given() != null
            ? Result.waiting(message, failure.given())
            : Result.retrying(message);
    }
  }

  /**
   * Deletes the release only when this resource owns it: created it, or adopted it and the policy
   * says adopted releases go too. Anything else is left in LaunchDarkly, with an event saying why.
   */
  private Result deleteRelease(
      FlagRelease resource, LaunchDarklySession session, BooleanSupplier stillCurrent) {
    FlagReleaseSpec spec = resource.getSpec();
    FlagRef flag = ReleaseSync.flagOf(spec);
    Optional<Release> release = session.getRelease(flag);
    if (release.isEmpty()) {
      events.normal(
          resource, Reasons.RELEASE_DELETED, "The release of " + flag + " was already gone");
      return Result.finished();
    }
    String pipeline = release.get().releasePipelineKey();
    String left = "Left the release of " + flag + " on pipeline '" + pipeline + "' in LaunchDarkly";
    Ownership recorded = Ownership.of(resource.getStatus());
    if (!recorded.owns(pipeline)) {
      events.normal(
          resource,
          Reasons.RELEASE_LEFT,
          left + ": this FlagRelease neither created nor adopted it");
      return Result.finished();
    }
    ReleaseIdentity created = ReleaseIdentity.recorded(resource.getStatus());
    Ownership owned = recorded.seeing(release.get(), created);
    if (owned != recorded && keepsAdopted(owned, spec)) {
      events.normal(
          resource,
          Reasons.RELEASE_LEFT,
          left
              + ": "
              + madeAgainBy(ReleaseIdentity.of(release.get()), created)
              + ", so it may be someone else's (deletionPolicy DeleteEvenIfAdopted deletes it"
              + " too)");
      return Result.finished();
    }
    if (keepsAdopted(owned, spec)) {
      leftAdopted(resource, pipeline); // the token's source changed since it was created
      return Result.finished();
    }
    try {
      if (!stillCurrent.getAsBoolean()) {
        return Result.superseded();
      }
    } catch (KubernetesClientException e) {
      String message =
          waits(
              "the FlagRelease could not be read again from the Kubernetes API before deleting the"
                  + " release ("
                  + e.getMessage()
                  + "), so nothing was deleted");
      events.warning(resource, Reasons.DELETION_RETRYING, message);
      return Result.retrying(message);
    }
    try {
      if (!session.deleteRelease(flag)) {
        // deleted by someone else between the read and the delete: not this resource's doing
        events.normal(
            resource,
            Reasons.RELEASE_DELETED,
            "The release of " + flag + " was already gone: deleted before the operator's delete");
        return Result.finished();
      }
    } catch (LaunchDarklyException e) {
      // an answer lost on the way back: a read at once tells whether the delete went through,
      // rather than the next try finding the release "already gone"
      if (!e.mayHaveBeenMade() || !goneAfterAll(session, flag)) {
        throw e;
      }
      events.warning(
          resource,
          FailureResponse.of(e).reason(),
          e.getMessage() + "; a read at once shows the release deleted");
    }
    events.normal(
        resource,
        Reasons.RELEASE_DELETED,
        "Deleted the release of " + flag + " on pipeline '" + pipeline + "'");
    return Result.finished();
  }

  /**
   * Whether a read shows the flag without a release; false when the read fails too. It follows the
   * DELETE in the same pass, so it waits for no turn of its own in the request budget.
   */
  private static boolean goneAfterAll(LaunchDarklySession session, FlagRef flag) {
    try {
      return session.getReleaseAgain(flag).isEmpty();
    } catch (LaunchDarklyException unread) {
      return false;
    }
  }

  /**
   * Finishes without a call. When the last status shows a move that deleted the release and had not
   * created it again, the flag may be left without a release: said instead of {@code message}, as a
   * warning unless the policy meant to delete the release anyway.
   */
  private Result leave(FlagRelease resource, String reason, String message, boolean policyDeletes) {
    PipelineMove move =
        resource.getStatus() == null ? null : resource.getStatus().getUnfinishedMove();
    if (move == null) {
      events.normal(resource, reason, message);
      return Result.finished();
    }
    // a DELETE announced in the status (the process may have stopped before sending it) or sent
    // without an outcome LaunchDarkly said, the last read still showing the release
    ObservedRelease seen = resource.getStatus().getRelease();
    boolean stillSeen = seen != null && move.getFrom().equals(seen.getPipelineKey());
    String what =
        "a move of the release of "
            + ReleaseSync.flagOf(resource.getSpec())
            + " from pipeline '"
            + move.getFrom()
            + "' to '"
            + move.getTo()
            + (stillSeen
                ? "' announced a DELETE that may not have been sent, or whose outcome LaunchDarkly"
                    + " did not say (the last read still showed the release), and had not created"
                    + " it on '"
                : "' deleted it and, as far as the last status shows, had not created it on '")
            + move.getTo()
            + "'"
            + (move.getReleaseVariationId() == null
                ? ""
                : " (variation " + move.getReleaseVariationId() + ")");
    if (policyDeletes && !stillSeen) {
      events.normal(
          resource,
          Reasons.RELEASE_DELETED,
          ReleaseSync.capitalize(what) + ": nothing was left to delete");
    } else {
      // a DELETE that may not have gone out may have left the release: the policy aside, a person
      // must look
      events.warning(
          resource,
          Reasons.UNFINISHED_MOVE_LEFT,
          ReleaseSync.capitalize(what)
              + (stillSeen
                  ? ": the release may still be there, or the flag may have no release now; see"
                      + " LaunchDarkly"
                  : ": the flag may have no release now; create it in LaunchDarkly if it should"
                      + " have one"));
    }
    return Result.finished();
  }

  /** What tells the release read from the one created: its creation time, else its audiences. */
  private static String madeAgainBy(ReleaseIdentity read, ReleaseIdentity created) {
    if (read.createdAtAnotherTime(created)) {
      return "it was created at "
          + StatusFactory.timestamp(read.createdAt())
          + ", after the one this FlagRelease created at "
          + StatusFactory.timestamp(created.createdAt())
          + " went";
    }
    return "its audiences' IDs are not those of the one this FlagRelease created: it was made"
        + " after that one went";
  }

  /** {@code Delete} leaves a release this resource adopted rather than created. */
  private static boolean keepsAdopted(Ownership owned, FlagReleaseSpec spec) {
    return owned.keepsAdopted(spec.getDeletionPolicy());
  }

  private void leftAdopted(FlagRelease resource, String pipeline) {
    events.normal(
        resource,
        Reasons.RELEASE_LEFT,
        "Left the release of "
            + ReleaseSync.flagOf(resource.getSpec())
            + " on pipeline '"
            + pipeline
            + "' in LaunchDarkly: this FlagRelease adopted it rather than created it"
            + " (deletionPolicy DeleteEvenIfAdopted deletes adopted releases too)");
  }

  /** A person must act: the resource is Stalled, with a warning event saying what to do. */
  private Result blocked(FlagRelease resource, String cause, Duration retryAfter) {
    return blocked(resource, cause, retryAfter, false);
  }

  private Result blocked(
      FlagRelease resource, String cause, Duration retryAfter, boolean byLaunchDarkly) {
    String message = waits(cause);
    events.warning(resource, Reasons.DELETION_BLOCKED, message);
    return new Result(false, message, true, retryAfter, false, false, byLaunchDarkly);
  }

  private static String waits(String cause) {
    return "deletion waits: " + cause + HOW_TO_FINISH;
  }
}
