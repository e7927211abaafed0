package io.flagops.operator.reconciler.support;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * FlagReleases found in sync with LaunchDarkly, and when their next poll is due. A wake-up that
 * tells nothing new (a Secret the resource names, or the default token's file, written again with
 * the same token) can come soon after the resource was read and brought in sync; when many
 * resources wait for the request budget, that turn can come minutes later. Reading LaunchDarkly
 * then costs a call and tells nothing the planned poll will not. So a resource woken in the first
 * half of its poll interval, with the same generation and token as when it was found in sync, keeps
 * its planned poll instead. A spec change, a token change or the poll itself always reads.
 */
public final class RecentSyncs {
  private static final int PRUNE_ABOVE = 1024;

  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Sync> byUid = new ConcurrentHashMap<>();

  /**
   * The size at which stale entries are pruned next: twice what was left after the last prune, so
   * that with 10,000 resources in sync a pass does not scan them all (amortized constant).
   */
  private volatile int pruneAbove = PRUNE_ABOVE;

  private record Sync(long generation, String tokenVersion, long at, long nextPollAt) {
    boolean coversWakeUpAt(long now) {
      return now - at < (nextPollAt - at) / 2;
    }
  }

  public RecentSyncs() {
    this(System::nanoTime);
  }

  RecentSyncs(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** The resource matched LaunchDarkly just now; its next poll is due after {@code nextPoll}. */
  public void inSync(FlagRelease resource, String tokenVersion, Duration nextPoll) {
    long now = nanoClock.getAsLong();
    if (byUid.size() > pruneAbove) {
      byUid.values().removeIf(sync -> !sync.coversWakeUpAt(now));
      pruneAbove = Math.max(PRUNE_ABOVE, 2 * byUid.size());
    }
    byUid.put(
        resource.getMetadata().getUid(),
        new Sync(
            resource.getMetadata().getGeneration(), tokenVersion, now, now + nextPoll.toNanos()));
  }

  /**
   * When this resource was found in sync in the first half of its poll interval, for the same
   * generation and token: how long until the poll that was planned then. Empty when LaunchDarkly
   * must be read.
   */
  public Optional<Duration> untilPlannedPoll(FlagRelease resource, String tokenVersion) {
    Sync sync = byUid.get(resource.getMetadata().getUid());
    long now = nanoClock.getAsLong();
    if (sync == null
        || !sync.coversWakeUpAt(now)
        || sync.generation() != resource.getMetadata().getGeneration()
        || !Objects.equals(sync.tokenVersion(), tokenVersion)) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(sync.nextPollAt() - now));
  }

  /** Anything else happened to the resource (a change, an error, its deletion). */
  public void forget(FlagRelease resource) {
    byUid.remove(resource.getMetadata().getUid());
  }
}
