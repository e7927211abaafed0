package io.flagops.operator.reconciler;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.FlagReleaseWatches;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One owner per flag of one LaunchDarkly account: when several FlagReleases name the same project
 * and flag with the same account, one manages it and the others wait. The owner is the one that
 * already manages the release, else the oldest: a pure function of the resources, so every replica
 * and every reconcile agrees. A release recorded under another token source (the resource was
 * pointed at another Secret, or at the default token) may be another account's, so it does not
 * count as managing this account's. FlagReleases on different accounts (different tokens) never
 * block each other.
 */
@ApplicationScoped
public class FlagClaims {
  private final FlagReleaseWatches watches;
  private final AccessTokens tokens;
  private final boolean nameOtherNamespaces;

  @Inject
  public FlagClaims(FlagReleaseWatches watches, AccessTokens tokens, FlagReleaseConfig config) {
    this(watches, tokens, config.claims().nameOtherNamespaces());
  }

  public FlagClaims(FlagReleaseWatches watches, AccessTokens tokens, boolean nameOtherNamespaces) {
    this.watches = watches;
    this.tokens = tokens;
    this.nameOtherNamespaces = nameOtherNamespaces;
  }

  /**
   * The message for {@code resource} when another FlagRelease of the same account holds its flag;
   * empty when it holds the flag itself.
   *
   * @param account the fingerprint of the token {@code resource} uses
   */
  public Optional<String> heldByAnother(FlagRelease resource, String account) {
    List<FlagRelease> rivals =
        watches.sharingTheFlagOf(resource).stream()
            .filter(other -> tokens.accountOf(other).filter(account::equals).isPresent())
            .toList();
    return holder(resource, rivals, this::managesTheRelease)
        .map(holder -> message(resource, holder));
  }

  /**
   * Whether the resource's status records a release it manages with the token it uses now: one
   * recorded under another token source may be in another account.
   */
  private boolean managesTheRelease(FlagRelease resource) {
    FlagReleaseStatus status = resource.getStatus();
    if (!Ownership.of(status).ownsAny()) {
      return false;
    }
    String recorded = status.getTokenVersion();
    return recorded == null
        || tokens
            .resolved(resource)
            .filter(now -> AccessTokens.sameSource(recorded, now.version()))
            .isPresent();
  }

  /**
   * The one of {@code resource} and {@code rivals} that holds the flag, if not {@code resource}.
   */
  static Optional<FlagRelease> holder(FlagRelease resource, List<FlagRelease> rivals) {
    return holder(resource, rivals, r -> Ownership.of(r.getStatus()).ownsAny());
  }

  /**
   * The one of {@code resource} and {@code rivals} that holds the flag, if not {@code resource}:
   * the oldest of those that manage its release, else the oldest.
   */
  static Optional<FlagRelease> holder(
      FlagRelease resource, List<FlagRelease> rivals, Predicate<FlagRelease> managesTheRelease) {
    if (rivals.isEmpty()) {
      return Optional.empty();
    }
    List<FlagRelease> all = new ArrayList<>(rivals);
    all.add(resource);
    FlagRelease holder =
        all.stream()
            .min(
                Comparator.comparing((FlagRelease r) -> !managesTheRelease.test(r))
                    .thenComparing(
                        r -> r.getMetadata().getCreationTimestamp(),
                        Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(r -> r.getMetadata().getNamespace())
                    .thenComparing(r -> r.getMetadata().getName()))
            .orElseThrow();
    return holder == resource ? Optional.empty() : Optional.of(holder);
  }

  /** Names the holder in the same namespace; in another one only if the admin allows it. */
  private String message(FlagRelease resource, FlagRelease holder) {
    String namespace = holder.getMetadata().getNamespace();
    boolean sameNamespace = namespace.equals(resource.getMetadata().getNamespace());
    String who =
        sameNamespace || nameOtherNamespaces
            ? "FlagRelease " + namespace + "/" + holder.getMetadata().getName()
            : "a FlagRelease in another namespace";
    return "flag "
        + resource.getSpec().getProjectKey()
        + "/"
        + resource.getSpec().getFlagKey()
        + " of this LaunchDarkly account is managed by "
        + who
        + "; this one makes no call to LaunchDarkly while that one exists. Delete one of them"
        + (sameNamespace ? "" : ", or ask the cluster admin which team owns the flag");
  }
}
