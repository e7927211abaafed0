package io.flagops.operator.reconciler.support;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * FlagReleases found in sync with LaunchDarkly a moment ago. The watch event of the operator's own
 * finalizer or status write sometimes arrives after the reconcile it belongs to and wakes the
 * resource once more; reading LaunchDarkly again then costs a call and tells nothing new. A
 * resource woken within {@code window} of being found in sync, with the same generation and token,
 * keeps its poll time instead. A spec change, a token change or the poll itself always reads.
 */
public final class RecentSyncs {
  private static final int PRUNE_ABOVE = 1024;

  private final Duration window;
  private final LongSupplier nanoClock;
  private final ConcurrentHashMap<String, Sync> byUid = new ConcurrentHashMap<>();

  private record Sync(long generation, String tokenVersion, long at, long nextPollAt) {}

  public RecentSyncs(Duration window) {
    this(window, System::nanoTime);
  }

  RecentSyncs(Duration window, LongSupplier nanoClock) {
    this.window = window;
    this.nanoClock = nanoClock;
  }

  /** The resource matched LaunchDarkly just now; its next poll is due after {@code nextPoll}. */
  public void inSync(FlagRelease resource, String tokenVersion, Duration nextPoll) {
    long now = nanoClock.getAsLong();
    if (byUid.size() > PRUNE_ABOVE) {
      byUid.values().removeIf(sync -> now - sync.at() > window.toNanos());
    }
    byUid.put(
        resource.getMetadata().getUid(),
        new Sync(
            resource.getMetadata().getGeneration(), tokenVersion, now, now + nextPoll.toNanos()));
  }

  /**
   * When this resource was found in sync within the window, for the same generation and token: how
   * long until the poll that was planned then. Empty when LaunchDarkly must be read.
   */
  public Optional<Duration> untilPlannedPoll(FlagRelease resource, String tokenVersion) {
    Sync sync = byUid.get(resource.getMetadata().getUid());
    long now = nanoClock.getAsLong();
    if (sync == null
        || now - sync.at() > window.toNanos()
        || sync.generation() != resource.getMetadata().getGeneration()
        || !Objects.equals(sync.tokenVersion(), tokenVersion)) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.max(1_000_000, sync.nextPollAt() - now)));
  }

  /** Anything else happened to the resource (a change, an error, its deletion). */
  public void forget(FlagRelease resource) {
    byUid.remove(resource.getMetadata().getUid());
  }
}
