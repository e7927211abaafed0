package io.flagops.operator.reconciler.support;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * When the reconciler looks at a FlagRelease again. LaunchDarkly sends no events, so every pass
 * ends by choosing its next one: after a start, after a sync, after a failure, or when a wake-up
 * comes too soon to be worth a call. All of those choices, and what they remember per resource,
 * live here.
 */
public final class PollSchedule {
  private final FlagReleaseConfig.Polling polling;
  private final RecentSyncs recentSyncs;
  private final Backoff backoff;
  private final RestartSpread restartSpread;
  private final Duration stalledAfter;

  /** FlagReleases this process has looked at at least once. */
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  /** Deletions LaunchDarkly's answer blocked last (a refused token), not a check before a call. */
  private final Set<String> refusedDeletions = ConcurrentHashMap.newKeySet();

  /** When this process last sent a refused write held past its hour, per resource. */
  private final Map<String, Instant> heldWritesTried = new ConcurrentHashMap<>();

  /**
   * @param resources how many FlagReleases the operator holds (its cache), to pace the first looks
   *     after a start by the request budget
   */
  public PollSchedule(FlagReleaseConfig config, LongSupplier resources) {
    this(
        config.polling(),
        new RecentSyncs(),
        new Backoff(config.retry()),
        new RestartSpread(resources, config.budget().requestsPerSecond()),
        config.retry().stalledAfter());
  }

  PollSchedule(
      FlagReleaseConfig.Polling polling,
      RecentSyncs recentSyncs,
      Backoff backoff,
      RestartSpread restartSpread,
      Duration stalledAfter) {
    this.polling = polling;
    this.recentSyncs = recentSyncs;
    this.backoff = backoff;
    this.restartSpread = restartSpread;
    this.stalledAfter = stalledAfter;
  }

  /**
   * The first time this process sees a resource that was Ready for its current generation, a random
   * point in the time the request budget needs to read them all (at most the settled interval):
   * after a start or a restart the polls of settled resources are spread, not all at once, and yet
   * every one is read again as soon as the budget allows.
   */
  public Optional<Duration> firstLookAfterStart(FlagRelease resource) {
    if (!seen.add(resource.getMetadata().getUid()) || !resource.isSettledIn(ReleaseState.Ready)) {
      return Optional.empty();
    }
    long window = restartSpread.window(polling.settled()).toMillis();
    return Optional.of(Duration.ofMillis(ThreadLocalRandom.current().nextLong(1, window + 1)));
  }

  /**
   * The wait until the poll planned when the resource was found in sync, when it is woken again
   * early with nothing changed (see {@link RecentSyncs}); empty when LaunchDarkly must be read.
   */
  public Optional<Duration> untilPlannedPoll(FlagRelease resource, String tokenVersion) {
    return recentSyncs.untilPlannedPoll(resource, tokenVersion);
  }

  /**
   * After a pass that got through: the progressing interval while LaunchDarkly itself has work to
   * finish, else the settled one. A Ready resource remembers it, so that an early wake-up keeps the
   * plan.
   *
   * @param untilDue while waiting on LaunchDarkly, how long until it is due to move on (a guarded
   *     rollout's end): polls are slower until then, never slower than settled; null when unknown
   */
  public Duration afterSync(
      FlagRelease resource,
      String tokenVersion,
      boolean ready,
      boolean waitingOnLaunchDarkly,
      Duration untilDue) {
    backoff.reset(resource);
    Duration interval = polling.settled();
    if (waitingOnLaunchDarkly) {
      interval =
          untilDue == null || untilDue.compareTo(polling.progressing()) <= 0
              ? polling.progressing()
              : min(untilDue, polling.settled());
    }
    Duration next = Jitter.spread(interval, polling.jitter());
    if (ready) {
      recentSyncs.inSync(resource, tokenVersion, next);
    } else {
      recentSyncs.forget(resource);
    }
    return next;
  }

  /** The pass did not end as planned (a call or its status write failed): the next one reads. */
  public void replan(FlagRelease resource) {
    recentSyncs.forget(resource);
  }

  /** After a failure LaunchDarkly or the breaker gave a wait for: at least that long. */
  public Duration afterGivenWait(FlagRelease resource, Duration wait) {
    backoff.noteFailure(resource);
    return Jitter.atLeast(wait, polling.jitter());
  }

  /**
   * After a transient failure: backoff that grows while the same step keeps failing, and starts
   * over when a pass got further.
   */
  public Duration afterTransientFailure(FlagRelease resource, String step, boolean progressed) {
    return backoff.afterFailure(resource, step, progressed);
  }

  /** How long the resource has been failing since its last good pass; zero when it is not. */
  public Duration failingFor(FlagRelease resource) {
    return backoff.failingFor(resource);
  }

  /**
   * {@code retry.stalled-after}, when the resource has failed that long with no pass getting
   * through, or {@code stalledSo} (its status says so already: this process may have started since,
   * and counts anew): it is Stalled then, still tried again. Counted from its first failure of its
   * own: a long wait LaunchDarkly or the breaker gave (a 429, an open circuit) has an alert of its
   * own. Empty before that.
   */
  public Optional<Duration> failingTooLong(FlagRelease resource, boolean stalledSo) {
    return stalledSo || backoff.failingOnItsOwnFor(resource).compareTo(stalledAfter) >= 0
        ? Optional.of(stalledAfter)
        : Optional.empty();
  }

  /** A failed pass moved the release forward: it is not failing too long (see {@link Backoff}). */
  public void movedForward(FlagRelease resource) {
    backoff.movedForward(resource);
  }

  /**
   * A Ready resource, or one Stalled until a person acts, whose failures have lasted less than a
   * settled interval keeps its status: a stall that flipped to Progressing at each brief failure
   * would resolve the Stalled alert and show Argo CD a recovery that did not happen.
   */
  public boolean isBlip(FlagRelease resource, boolean progressed) {
    return (resource.isSettledIn(ReleaseState.Ready) || resource.isSettledIn(ReleaseState.Failed))
        && !progressed
        && failingBriefly(resource);
  }

  /**
   * A deletion Stalled until a person acts ({@code DeletionBlocked}) by LaunchDarkly's refusal,
   * whose failures have lasted less than a settled interval, keeps that status as {@link #isBlip}
   * keeps a stall: a 503 between two refusals is no news, and flipping to Deleting would reset the
   * stall's time and resolve its alert. A block before any call (suspend, the token unavailable)
   * has ended when a pass fails later: that pass says its failure.
   */
  public boolean isBlipOfBlockedDeletion(FlagRelease resource) {
    return Conditions.currentStall(resource)
            .filter(stalled -> Reasons.DELETION_BLOCKED.equals(stalled.getReason()))
            .isPresent()
        && refusedDeletions.contains(resource.getMetadata().getUid())
        && failingBriefly(resource);
  }

  /**
   * A deletion was blocked: by LaunchDarkly's answer ({@code refused}), which a brief failure after
   * it says nothing about, or before any call (suspend, the token unavailable), which a pass that
   * fails later has got past: that stall is not kept. (Not known after a restart: not kept.)
   */
  public void deletionBlocked(FlagRelease resource, boolean refused) {
    answered(resource); // a refusal, or no call: no failure of LaunchDarkly's
    if (refused) {
      refusedDeletions.add(resource.getMetadata().getUid());
    } else {
      refusedDeletions.remove(resource.getMetadata().getUid());
    }
  }

  /** Failing for less than a settled interval since LaunchDarkly last answered. */
  private boolean failingBriefly(FlagRelease resource) {
    return failingFor(resource).compareTo(polling.settled()) < 0;
  }

  /**
   * LaunchDarkly (or the cluster) gave a definite answer a person must act on, such as a refused
   * token: whatever failed before has ended, so a failure after it is counted from then, and a
   * stall keeps its status through a brief one however long the stall has stood.
   */
  public void answered(FlagRelease resource) {
    backoff.reset(resource);
  }

  /** A person must act (a refused write, a rejected token): look again now and then. */
  public Duration whileStalled() {
    return Jitter.spread(polling.settled(), polling.jitter());
  }

  /** The token cannot be used: look again at the unauthorized interval. */
  public Duration whileUnauthorized() {
    return Jitter.spread(polling.unauthorized(), polling.jitter());
  }

  /** Waiting for something in Kubernetes (another resource's claim): no call, so soon. */
  public Duration whileWaitingInKubernetes() {
    return Jitter.spread(polling.progressing(), polling.jitter());
  }

  /** A deletion that must be tried again after the given wait. */
  public Duration afterDeletionWait(Duration wait) {
    return Jitter.atLeast(wait, polling.jitter());
  }

  /** A refused write held past its hour reached LaunchDarkly again. */
  public void heldWriteTried(FlagRelease resource, Instant now) {
    heldWritesTried.put(resource.getMetadata().getUid(), now);
  }

  /**
   * Whether a write LaunchDarkly refused, held past its hour, may be sent again: not within {@code
   * every} of its last try, so once an hour rather than at each stalled poll, as each try costs a
   * refused call and its events; a pass that stops before sending it, or whose write the budget,
   * the breaker or a 429 holds back, takes no turn. Not known after a restart: tried at the first
   * stalled poll then.
   */
  public boolean heldWriteDue(FlagRelease resource, Instant now, Duration every) {
    Instant last = heldWritesTried.get(resource.getMetadata().getUid());
    return last == null || !last.plus(every).isAfter(now);
  }

  /** The resource is gone: forget everything about it. */
  public void forget(FlagRelease resource) {
    seen.remove(resource.getMetadata().getUid());
    heldWritesTried.remove(resource.getMetadata().getUid());
    refusedDeletions.remove(resource.getMetadata().getUid());
    recentSyncs.forget(resource);
    backoff.reset(resource);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
