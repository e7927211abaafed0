package io.flagops.operator.reconciler.support;

import io.fabric8.kubernetes.api.model.Secret;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.SecretKeyReference;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.config.TokenSecretScope;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What besides its own changes makes a FlagRelease reconcile: a change of the Secret it takes its
 * token from, a new default token, or the FlagRelease that held its flag going away. Also answers
 * "which FlagReleases use this flag / this Secret / the default token" from the cache.
 */
@ApplicationScoped
public class FlagReleaseWatches {
  private static final String BY_SECRET = "secret";
  private static final String BY_FLAG = "flag";

  private final SimpleInboundEventSource<FlagRelease> wakeUps =
      new SimpleInboundEventSource<>("flagrelease-wake-ups");
  private final TokenSecretScope secretScope;
  private volatile IndexerResourceCache<FlagRelease> primaries;
  // the FlagReleases the one-owner-per-flag rule sees: this shard's, or with a label selector,
  // every shard's
  private volatile IndexerResourceCache<FlagRelease> claimable;
  private volatile InformerEventSource<Secret, FlagRelease> secrets;

  @Inject
  public FlagReleaseWatches(FlagReleaseConfig config) {
    this(config.tokenSecrets().scope());
  }

  /**
   * @param secretScope where token Secrets may be read: only there, and only labelled ones, are
   *     watched, so unrelated Secrets never enter the operator's memory
   */
  public FlagReleaseWatches(TokenSecretScope secretScope) {
    this.secretScope = secretScope;
  }

  /** The event sources to register with the controller. */
  public List<EventSource<?, FlagRelease>> eventSources(EventSourceContext<FlagRelease> context) {
    primaries = context.getPrimaryCache();
    primaries.addIndexer(BY_SECRET, r -> secretKey(r).map(List::of).orElse(List.of()));
    primaries.addIndexer(BY_FLAG, FlagReleaseWatches::flagIndex);
    claimable = primaries;
    List<EventSource<?, FlagRelease>> sources = new ArrayList<>(List.of(wakeUps));
    String shard = context.getControllerConfiguration().getInformerConfig().getLabelSelector();
    if (shard != null && !shard.isBlank()) {
      InformerEventSource<FlagRelease, FlagRelease> everyShard = everyShard(context);
      claimable = everyShard;
      sources.add(everyShard);
    }
    if (secretScope.isEmpty()) {
      return sources; // no FlagRelease may name a Secret: read none
    }
    InformerEventSourceConfiguration.Builder<Secret> builder =
        InformerEventSourceConfiguration.from(Secret.class, FlagRelease.class)
            .withName("token-secrets")
            .withLabelSelector(TokenSecretScope.LABEL + "=true");
    if (secretScope.everyWatched()) {
      builder.withNamespacesInheritedFromController();
    } else {
      builder.withNamespaces(secretScope.namespaces());
    }
    InformerEventSourceConfiguration<Secret> configuration =
        builder
            .withSecondaryToPrimaryMapper(
                secret ->
                    ids(
                        primaries.byIndex(
                            BY_SECRET,
                            secret.getMetadata().getNamespace()
                                + "/"
                                + secret.getMetadata().getName())))
            .withPrimaryToSecondaryMapper(
                (FlagRelease r) ->
                    secretKey(r)
                        .map(
                            key ->
                                Set.of(
                                    new ResourceID(
                                        r.getSpec().getAccessTokenSecretRef().getName(),
                                        r.getMetadata().getNamespace())))
                        .orElse(Set.of()))
            .build();
    secrets = new InformerEventSource<>(configuration, context);
    sources.add(secrets);
    return sources;
  }

  /**
   * Every FlagRelease of the watched namespaces, whatever its shard label, read only: the holder of
   * a flag may be reconciled by another shard (a team sets the label, and may move its FlagRelease
   * to another shard at any time). One going away wakes this shard's FlagReleases on its flag.
   */
  private InformerEventSource<FlagRelease, FlagRelease> everyShard(
      EventSourceContext<FlagRelease> context) {
    InformerEventSourceConfiguration<FlagRelease> configuration =
        InformerEventSourceConfiguration.from(FlagRelease.class, FlagRelease.class)
            .withName("flagreleases-of-every-shard")
            .withNamespacesInheritedFromController()
            .withOnAddFilter(added -> false)
            .withOnUpdateFilter((now, before) -> false)
            .withSecondaryToPrimaryMapper(gone -> ids(primaries.byIndex(BY_FLAG, flagOf(gone))))
            .build();
    InformerEventSource<FlagRelease, FlagRelease> everyShard =
        new InformerEventSource<>(configuration, context);
    everyShard.addIndexers(Map.of(BY_FLAG, FlagReleaseWatches::flagIndex));
    return everyShard;
  }

  /** The token Secret the resource names, from the cache of labelled Secrets, if it is there. */
  public Optional<Secret> tokenSecret(FlagRelease resource) {
    SecretKeyReference ref = resource.getSpec().getAccessTokenSecretRef();
    if (secrets == null || ref == null || ref.getName() == null) {
      return Optional.empty();
    }
    return secrets.get(new ResourceID(ref.getName(), resource.getMetadata().getNamespace()));
  }

  /**
   * Other FlagReleases for the same LaunchDarkly project and flag, in the watched namespaces: this
   * shard's and, with a label selector, those of every other shard too.
   */
  public List<FlagRelease> sharingTheFlagOf(FlagRelease resource) {
    if (claimable == null) {
      return List.of();
    }
    return claimable.byIndex(BY_FLAG, flagKey(resource.getSpec())).stream()
        .filter(other -> !other.getMetadata().getUid().equals(resource.getMetadata().getUid()))
        .toList();
  }

  /** FlagReleases that use the operator's default token. */
  public List<FlagRelease> usingTheDefaultToken() {
    if (primaries == null) {
      return List.of();
    }
    return primaries
        .list()
        .filter(r -> r.getSpec() != null && r.getSpec().getAccessTokenSecretRef() == null)
        .toList();
  }

  /** How many FlagReleases the operator holds. */
  public long count() {
    return primaries == null ? 0 : primaries.keys().count();
  }

  /** Reconciles these FlagReleases soon, whatever their schedule. */
  public void wakeUp(Collection<FlagRelease> resources) {
    resources.forEach(r -> wakeUps.propagateEvent(ResourceID.fromResource(r)));
  }

  private static Set<ResourceID> ids(List<FlagRelease> resources) {
    return resources.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static Optional<String> secretKey(FlagRelease resource) {
    SecretKeyReference ref =
        resource.getSpec() == null ? null : resource.getSpec().getAccessTokenSecretRef();
    if (ref == null || ref.getName() == null) {
      return Optional.empty();
    }
    return Optional.of(resource.getMetadata().getNamespace() + "/" + ref.getName());
  }

  private static List<String> flagIndex(FlagRelease resource) {
    return resource.getSpec() == null ? List.of() : List.of(flagKey(resource.getSpec()));
  }

  private static String flagOf(FlagRelease resource) {
    return resource.getSpec() == null ? "" : flagKey(resource.getSpec());
  }

  private static String flagKey(FlagReleaseSpec spec) {
    return spec.getProjectKey() + "/" + spec.getFlagKey();
  }
}
