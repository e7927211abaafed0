package io.flagops.operator.reconciler.support;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Whether a FlagRelease is still as a pass read it: the same object (not one made again under its
 * name), at no newer a generation, and as the caller also asks (not being deleted, say). The
 * operator's cache answers it before each write, with no call; before the first write planned on a
 * read of the release, and before a DELETE, the one write that cannot be undone, the Kubernetes API
 * answers it too, since the watch that fills the cache may bring an edit made during the pass's
 * LaunchDarkly read only after the write went out.
 *
 * @param read the copy the pass read
 * @param cached the operator's cache's copy
 * @param stored reads the copy the Kubernetes API holds now (empty: gone); it throws when the read
 *     fails, and nothing is written then
 */
public record StillAsRead(
    FlagRelease read,
    Supplier<Optional<FlagRelease>> cached,
    Supplier<Optional<FlagRelease>> stored) {

  /** In the cache, before a write. */
  public boolean cached(Predicate<FlagRelease> also) {
    return holds(cached.get(), also);
  }

  /** In the cache, then in the Kubernetes API: before a first write, and before a DELETE. */
  public boolean confirmed(Predicate<FlagRelease> also) {
    return cached(also) && holds(stored.get(), also);
  }

  private boolean holds(Optional<FlagRelease> latest, Predicate<FlagRelease> also) {
    return latest
        .filter(
            l ->
                Objects.equals(read.getMetadata().getUid(), l.getMetadata().getUid())
                    && generation(l) <= generation(read)
                    && also.test(l))
        .isPresent();
  }

  private static long generation(FlagRelease resource) {
    return Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L);
  }
}
