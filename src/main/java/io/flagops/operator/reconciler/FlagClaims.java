package io.flagops.operator.reconciler;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.reconciler.plan.Ownership;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One owner per flag: when several FlagReleases name the same LaunchDarkly project and flag, one
 * manages it and the others wait. The owner is the one that already manages the release, else the
 * oldest; a pure function of the resources, so every replica and every reconcile agrees.
 */
final class FlagClaims {
  private FlagClaims() {}

  /** The other FlagRelease that holds the flag, or empty when {@code resource} does. */
  static Optional<FlagRelease> heldByAnother(FlagRelease resource, List<FlagRelease> others) {
    if (others.isEmpty()) {
      return Optional.empty();
    }
    List<FlagRelease> all = new ArrayList<>(others);
    all.add(resource);
    FlagRelease holder =
        all.stream()
            .min(
                Comparator.comparing((FlagRelease r) -> !managesARelease(r))
                    .thenComparing(
                        r -> r.getMetadata().getCreationTimestamp(),
                        Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(r -> r.getMetadata().getNamespace())
                    .thenComparing(r -> r.getMetadata().getName()))
            .orElseThrow();
    return holder == resource ? Optional.empty() : Optional.of(holder);
  }

  private static boolean managesARelease(FlagRelease resource) {
    return Ownership.of(resource.getStatus()).ownsAny();
  }
}
