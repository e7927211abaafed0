package io.flagops.operator.reconciler;

import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.FlagReleaseWatches;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * One owner per flag of one LaunchDarkly account: when several FlagReleases name the same project
 * and flag with the same account, one manages it and the others wait. The owner is the one that
 * already manages the release, else the oldest (of several made in the same second, the one this
 * process, the leader, let through first while it exists): every reconcile agrees. A release
 * recorded under another token source (the resource was pointed at another Secret, or at the
 * default token) may be another account's, so it does not count as managing this account's, unless
 * the token is the same one (moved to another Secret, say). FlagReleases on different accounts
 * (different tokens) never block each other, nor do those in Observe mode, which only read (one
 * that recorded a release as its own before it was switched to Observe still holds it: its team
 * said to leave the release alone). One whose token cannot be read now (its Secret rotated by
 * delete and create, its namespace going) and that manages a release still holds the flag against
 * those that manage none: its account is then unknown, and its release may be theirs.
 */
@ApplicationScoped
public class FlagClaims {
  private final FlagReleaseWatches watches;
  private final AccessTokens tokens;
  private final boolean nameOtherNamespaces;

  /** Account, project and flag to the FlagRelease this process let through first for them. */
  private final Map<String, String> admitted = new ConcurrentHashMap<>();

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
   * Another FlagRelease holding the flag, as {@code resource}'s team may be told of it.
   *
   * @param who the holder, named only where the admin allows
   * @param message the status message of the one that waits
   */
  public record Holder(String who, String message) {}

  /**
   * The FlagRelease of the same account that holds {@code resource}'s flag; empty when it holds the
   * flag itself.
   *
   * @param account the fingerprint of the token {@code resource} uses
   */
  public Optional<Holder> heldByAnother(FlagRelease resource, String account) {
    if (observes(resource)) {
      return Optional.empty(); // it only reads, so it never waits for the flag
    }
    // the version of the token each uses now, resolved once: rivals are those of the same account
    Map<FlagRelease, String> versions = new IdentityHashMap<>();
    tokens.resolved(resource).ifPresent(t -> versions.put(resource, t.version()));
    // one that manages its release already holds the flag of its account, whatever happens to the
    // token of a rival that manages one too: that rival is of another account (or it would wait)
    boolean managing = managesTheRelease(resource, versions.get(resource));
    List<FlagRelease> rivals = new ArrayList<>();
    Set<FlagRelease> unreadable = Collections.newSetFromMap(new IdentityHashMap<>());
    for (FlagRelease other : watches.sharingTheFlagOf(resource)) {
      if (observes(other) && !holdsARelease(other.getStatus())) {
        continue; // reading only, it drives nothing to hold
      }
      // another shard's FlagRelease on the default token is judged with this deployment's: taken
      // for this account's, as its status cannot show another shard's account before it writes
      Optional<AccessTokens.Resolved> token = tokens.resolved(other);
      if (token.isEmpty() && !managing && holdsARelease(other.getStatus())) {
        rivals.add(other); // may be this account's: it keeps the flag until its token is back
        unreadable.add(other);
      } else if (token.isPresent() && token.get().token().fingerprint().equals(account)) {
        rivals.add(other);
        versions.put(other, token.get().version());
      }
    }
    String key =
        account + "/" + resource.getSpec().getProjectKey() + "/" + resource.getSpec().getFlagKey();
    String uid = resource.getMetadata().getUid();
    if (rivals.isEmpty()) {
      admitted.put(key, uid);
      return Optional.empty();
    }
    Predicate<FlagRelease> manages =
        r -> unreadable.contains(r) || managesTheRelease(r, versions.get(r));
    Optional<FlagRelease> holder = holder(resource, rivals, manages);
    if (!managing && rivals.stream().noneMatch(manages)) {
      holder = firstAdmitted(key, resource, rivals, holder);
    } else if (holder.isEmpty()) {
      admitted.put(key, uid);
    }
    holder.ifPresent(other -> admitted.remove(key, uid));
    return holder.map(
        other -> describe(resource, other, unreadable.contains(other), nameOtherNamespaces));
  }

  /**
   * Among FlagReleases none of which manages a release yet and as old as the oldest of them, the
   * one this process let through first keeps the flag while it exists: the API server dates
   * resources to the second, so two made in the same second tie on age (and the cache may not show
   * the first to the second one's pass yet), and the name would let the second through too. Else
   * {@code byAge} decides, and a resource it lets through is recorded.
   */
  private Optional<FlagRelease> firstAdmitted(
      String key, FlagRelease resource, List<FlagRelease> rivals, Optional<FlagRelease> byAge) {
    String uid = resource.getMetadata().getUid();
    String oldest = byAge.orElse(resource).getMetadata().getCreationTimestamp();
    List<FlagRelease> tied = new ArrayList<>(rivals);
    tied.add(resource);
    tied.removeIf(r -> !Objects.equals(oldest, r.getMetadata().getCreationTimestamp()));
    String first =
        admitted.compute(
            key,
            (k, recorded) ->
                recorded != null && uidIn(tied, recorded)
                    ? recorded
                    : byAge.isEmpty() ? uid : null);
    if (uid.equals(first)) {
      return Optional.empty();
    }
    return rivals.stream()
        .filter(r -> r.getMetadata().getUid().equals(first)) // compute left only a tied one
        .findFirst()
        .or(() -> byAge);
  }

  /**
   * Whether the resource is in Observe mode: it writes nothing, so it neither waits for the flag
   * nor, unless it recorded a release as its own before it was switched to Observe, holds it.
   */
  private static boolean observes(FlagRelease resource) {
    return resource.getSpec().getManagementPolicy() == ManagementPolicy.Observe;
  }

  private static boolean uidIn(List<FlagRelease> resources, String uid) {
    return resources.stream().anyMatch(r -> uid.equals(r.getMetadata().getUid()));
  }

  /** A FlagRelease gone from Kubernetes lets go of what it was let through for. */
  public void forget(FlagRelease resource) {
    admitted.values().removeIf(resource.getMetadata().getUid()::equals);
  }

  /**
   * Whether the resource's status records a release it manages with the token it uses now (of
   * version {@code tokenNow}, null when it has none): one recorded under another token source may
   * be in another account, unless it is the same token.
   */
  private static boolean managesTheRelease(FlagRelease resource, String tokenNow) {
    FlagReleaseStatus status = resource.getStatus();
    if (!holdsARelease(status)) {
      return false;
    }
    String recorded = status.getTokenVersion();
    // the same token moved to another Secret (or key, or the default) is the same account
    return recorded == null
        || (tokenNow != null
            && (AccessTokens.sameSource(recorded, tokenNow)
                || AccessTokens.sameToken(recorded, tokenNow)));
  }

  /**
   * Whether the status records a release of the flag this resource manages: one it owns (created or
   * adopted, kept when LaunchDarkly no longer returns it), or one a move of its deleted and has not
   * made again yet (its create refused or lost: it owns none for now, but a rival taking the flag
   * then would make a release its spec never asked for). A completed release it only saw
   * (status.completedPipelineKey without ownership: an observer's, say) is not one: holding by it
   * would take the flag from the resource that made that release.
   */
  static boolean holdsARelease(FlagReleaseStatus status) {
    return Ownership.of(status).ownsAny() || (status != null && status.getUnfinishedMove() != null);
  }

  /**
   * The one of {@code resource} and {@code rivals} that holds the flag, if not {@code resource}.
   */
  static Optional<FlagRelease> holder(FlagRelease resource, List<FlagRelease> rivals) {
    return holder(resource, rivals, r -> holdsARelease(r.getStatus()));
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
    Set<FlagRelease> managing = Collections.newSetFromMap(new IdentityHashMap<>());
    all.stream().filter(managesTheRelease).forEach(managing::add); // once each, not per comparison
    FlagRelease holder =
        all.stream()
            .min(
                Comparator.comparing((FlagRelease r) -> !managing.contains(r))
                    .thenComparing(
                        r -> r.getMetadata().getCreationTimestamp(),
                        Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(r -> r.getMetadata().getNamespace())
                    .thenComparing(r -> r.getMetadata().getName()))
            .orElseThrow();
    return holder == resource ? Optional.empty() : Optional.of(holder);
  }

  /**
   * Names and describes the holder in the same namespace; in another one only if the admin allows.
   */
  static Holder describe(
      FlagRelease resource,
      FlagRelease holder,
      boolean tokenUnreadable,
      boolean nameOtherNamespaces) {
    String namespace = holder.getMetadata().getNamespace();
    boolean sameNamespace = namespace.equals(resource.getMetadata().getNamespace());
    // another team's resource is described no more than it is named: its mode and its Secret
    // are that team's business
    boolean shown = sameNamespace || nameOtherNamespaces;
    String who =
        shown
            ? "FlagRelease " + namespace + "/" + holder.getMetadata().getName()
            : "a FlagRelease in another namespace";
    String message =
        "flag "
            + resource.getSpec().getProjectKey()
            + "/"
            + resource.getSpec().getFlagKey()
            + " of this LaunchDarkly account is managed by "
            + who
            + (shown && observes(holder)
                ? " (in Observe mode now, it keeps the release it recorded as its own from others)"
                : "")
            + (shown && tokenUnreadable
                ? " (its access token cannot be read now, so it may be of this account)"
                : "")
            + "; this one makes no call to LaunchDarkly while that one exists. "
            + (shown && holder.isMarkedForDeletion()
                // deleted already: its deletion may wait on its team (a token, suspend), or on
                // another controller's finalizer once this operator's is gone
                ? "That one is being deleted: this one goes on once it is gone (its status and its"
                    + " metadata.finalizers say what keeps it)"
                : "Delete one of them"
                    + (sameNamespace ? "" : ", or ask the cluster admin which team owns the flag"));
    return new Holder(who, message);
  }
}
