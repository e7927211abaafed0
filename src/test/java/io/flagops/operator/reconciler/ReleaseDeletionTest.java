package io.flagops.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.config.DefaultTokenGrants;
import io.flagops.operator.config.FlagReleaseConfig;
import io.flagops.operator.config.LaunchDarklyConfig;
import io.flagops.operator.config.TokenSecretScope;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.reconciler.support.AccessTokens;
import io.flagops.operator.reconciler.support.DefaultToken;
import io.flagops.operator.reconciler.support.DefinitionDeletion;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;

/** What deleting a FlagRelease does to its release, against an in-memory LaunchDarkly. */
class ReleaseDeletionTest {
  private static final SmallRyeConfig CONFIG =
      new SmallRyeConfigBuilder()
          .withMapping(FlagReleaseConfig.class)
          .withMapping(LaunchDarklyConfig.class)
          // the operator's defaults, read as Quarkus reads them (5m, 30s)
          .withConverter(Duration.class, 200, new DurationConverter())
          .withDefaultValue("launchdarkly.access-token", "api-deletion-test")
          .build();

  private final InMemoryLaunchDarkly launchDarkly = new InMemoryLaunchDarkly();
  private final List<String> events = new ArrayList<>();

  /** The FlagRelease CRD as the operator reads it: installed, not being deleted. */
  private Supplier<CustomResourceDefinition> definition =
      () -> new CustomResourceDefinitionBuilder().withNewMetadata().endMetadata().build();

  private final ReleaseDeletion deletion =
      new ReleaseDeletion(
          new AccessTokens(
              new DefaultToken(CONFIG.getConfigMapping(LaunchDarklyConfig.class), null),
              null,
              DefaultTokenGrants.parse("*=*"),
              TokenSecretScope.NONE),
          launchDarkly,
          new InMemoryLaunchDarkly.RecordingEvents(events),
          new DefinitionDeletion(() -> definition.get()),
          CONFIG.getConfigMapping(FlagReleaseConfig.class));

  @Test
  void aReleaseThisResourceCreatedIsDeleted() {
    ReleaseDeletion.Result result =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created));

    assertThat(result.done()).isTrue();
    assertThat(launchDarkly.calls).containsExactly("GET release", "DELETE release");
    assertThat(events).anyMatch(e -> e.startsWith("ReleaseDeleted: Deleted the release"));
  }

  /**
   * The FlagRelease changed while the deletion read the release (deletionPolicy set to Orphan,
   * say): the DELETE planned on the policy read before is not sent, and the deletion is looked at
   * again at once, as no failure.
   */
  @Test
  void aChangeMadeWhileTheDeletionReadsTheReleaseStopsTheDelete() {
    ReleaseDeletion.Result result =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created), () -> false);

    assertThat(launchDarkly.calls).containsExactly("GET release");
    assertThat(result.done()).isFalse();
    assertThat(result.blocked()).isFalse();
    assertThat(result.ownTurn()).isTrue();
    assertThat(result.retryAfter()).isZero();
  }

  /** The Kubernetes API cannot be asked whether the FlagRelease changed: nothing is deleted. */
  @Test
  void aFailedReadOfTheFlagReleaseBeforeTheDeleteDeletesNothing() {
    ReleaseDeletion.Result result =
        deletion.delete(
            resource(DeletionPolicy.Delete, ReleaseOrigin.Created),
            () -> {
              throw new KubernetesClientException("connection refused");
            });

    assertThat(launchDarkly.calls).containsExactly("GET release");
    assertThat(result.done()).isFalse();
    assertThat(result.blocked()).as("nobody needs to act").isFalse();
    assertThat(result.backsOff()).isTrue();
    assertThat(result.message())
        .startsWith(
            "deletion waits: the FlagRelease could not be read again from the Kubernetes API"
                + " before deleting the release (connection refused), so nothing was deleted");
    assertThat(events).anyMatch(e -> e.startsWith("DeletionRetrying:"));
  }

  @Test
  void anAdoptedReleaseIsLeftUnlessThePolicySaysSo() {
    assertThat(deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Adopted)).done())
        .isTrue();
    assertThat(launchDarkly.calls).as("left without a call").isEmpty();
    assertThat(events).anyMatch(e -> e.startsWith("ReleaseLeft:") && e.contains("adopted"));

    deletion.delete(resource(DeletionPolicy.DeleteEvenIfAdopted, ReleaseOrigin.Adopted));
    assertThat(launchDarkly.calls).endsWith("DELETE release");
  }

  @Test
  void aReleaseCreatedWithATokenFromAnotherSourceIsLeft() {
    FlagRelease resource = resource(DeletionPolicy.Delete, ReleaseOrigin.Created);
    // created with a team Secret's token; the resource now uses the default token
    resource.getStatus().setTokenVersion("secret/old-team-token@7");

    assertThat(deletion.delete(resource).done()).isTrue();
    assertThat(launchDarkly.calls)
        .as("left without a call: the spec alone says the token's source changed")
        .isEmpty();
    assertThat(events).anyMatch(e -> e.startsWith("ReleaseAdopted:"));
    assertThat(events).anyMatch(e -> e.startsWith("ReleaseLeft:") && e.contains("adopted"));
  }

  @Test
  void aReleaseOnAPipelineThisResourceNeverOwnedIsLeft() {
    FlagRelease resource = resource(DeletionPolicy.Delete, ReleaseOrigin.Created);
    resource.getStatus().setOwnedPipelineKey("another-pipeline");

    assertThat(deletion.delete(resource).done()).isTrue();
    assertThat(launchDarkly.calls).containsExactly("GET release");
  }

  @Test
  void aReleaseCreatedWhenTheStatusRecordedIsDeleted() {
    // the fixture's release was created at 2026-01-01T00:00:00Z
    FlagRelease resource =
        recording(resource(DeletionPolicy.Delete, ReleaseOrigin.Created), "2026-01-01T00:00:00Z");

    assertThat(deletion.delete(resource).done()).isTrue();
    assertThat(launchDarkly.calls).containsExactly("GET release", "DELETE release");
  }

  @Test
  void aReleaseMadeAgainSinceTheStatusRecordedItsOwnIsLeftUnlessThePolicySaysSo() {
    FlagRelease remade =
        recording(resource(DeletionPolicy.Delete, ReleaseOrigin.Created), "2025-12-31T23:59:59Z");
    assertThat(deletion.delete(remade).done()).isTrue();
    assertThat(launchDarkly.calls).containsExactly("GET release");
    assertThat(events)
        .contains(
            "ReleaseLeft: Left the release of webshop/new-checkout on pipeline 'three-stage' in"
                + " LaunchDarkly: it was created at 2026-01-01T00:00:00Z, after the one this"
                + " FlagRelease created at 2025-12-31T23:59:59Z went, so it may be someone else's"
                + " (deletionPolicy DeleteEvenIfAdopted deletes it too)");

    deletion.delete(
        recording(
            resource(DeletionPolicy.DeleteEvenIfAdopted, ReleaseOrigin.Created),
            "2025-12-31T23:59:59Z"));
    assertThat(launchDarkly.calls).endsWith("DELETE release");
  }

  @Test
  void orphanNeverCallsLaunchDarkly() {
    assertThat(deletion.delete(resource(DeletionPolicy.Orphan, ReleaseOrigin.Created)).done())
        .isTrue();
    assertThat(launchDarkly.calls).isEmpty();
  }

  @Test
  void anOutageOrAConflictWaitsAndSaysHowToFinishWithoutLaunchDarkly() {
    launchDarkly.failEveryCall =
        new LaunchDarklyException.Unavailable("reading the release: 503", 503, null);
    ReleaseDeletion.Result outage =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created));
    launchDarkly.failEveryCall = new LaunchDarklyException.Conflict("the release changed");
    ReleaseDeletion.Result conflict =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created));

    assertThat(outage.done()).isFalse();
    assertThat(outage.message()).contains("503", "deletionPolicy to Orphan");
    assertThat(outage.backsOff()).as("after the backoff of transient failures").isTrue();
    assertThat(conflict.backsOff()).isTrue();
    assertThat(outage.blocked()).as("retried: nobody needs to act").isFalse();
    assertThat(conflict.blocked()).isFalse();
    assertThat(events).anyMatch(e -> e.startsWith("DeletionRetrying:"));
  }

  @Test
  void aRefusedTokenBlocksTheDeletionUntilAPersonActs() {
    launchDarkly.failEveryCall = new LaunchDarklyException.Unauthorized("answered 401");

    ReleaseDeletion.Result result =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created));

    assertThat(result.done()).isFalse();
    assertThat(result.blocked()).isTrue();
    assertThat(result.message()).contains("deletionPolicy to Orphan");
    assertThat(events).anyMatch(e -> e.startsWith("DeletionBlocked:"));
  }

  @Test
  void aRateLimitWaitsAsLongAsLaunchDarklySays() {
    launchDarkly.failEveryCall =
        new LaunchDarklyException.RateLimited("answered 429", Duration.ofSeconds(42));

    ReleaseDeletion.Result result =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created));

    assertThat(result.done()).isFalse();
    assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(42));
  }

  /**
   * The read that checks a lost DELETE follows it in the same pass: it borrows from the request
   * budget as the DELETE did, rather than waiting for a turn the budget may not give now (then the
   * next try would find the release "already gone", someone else's doing).
   */
  @Test
  void aDeleteWhoseAnswerWasLostIsSaidAsTheDeletionItWas() {
    launchDarkly.failNextDelete =
        new LaunchDarklyException.Unavailable("deleting the release: connection reset", 0, null);
    launchDarkly.deleteMade = true;

    assertThat(deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created)).done())
        .isTrue();
    assertThat(launchDarkly.calls)
        .containsExactly("GET release", "DELETE release", "GET release again");
    assertThat(events).anyMatch(e -> e.startsWith("ReleaseDeleted: Deleted the release"));
  }

  @Test
  void aDeleteAnswered404IsNotSaidAsThisResourcesDeletion() {
    launchDarkly.goneBeforeDelete = true; // someone else's delete, just before

    ReleaseDeletion.Result result =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created));

    assertThat(result.done()).isTrue();
    assertThat(launchDarkly.calls).containsExactly("GET release", "DELETE release");
    assertThat(events)
        .noneMatch(e -> e.startsWith("ReleaseDeleted: Deleted the release"))
        .anyMatch(e -> e.contains("was already gone: deleted before the operator's delete"));
  }

  @Test
  void aCrdBeingDeletedLeavesTheReleaseWithoutACallEvenWhenSuspended() {
    definition = ReleaseDeletionTest::definitionBeingDeleted;
    FlagRelease suspended = resource(DeletionPolicy.DeleteEvenIfAdopted, ReleaseOrigin.Created);
    suspended.getSpec().setSuspend(true);

    assertThat(deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created)).done())
        .isTrue();
    assertThat(deletion.delete(suspended).done()).isTrue();
    definition = () -> null; // gone already
    assertThat(deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created)).done())
        .isTrue();

    assertThat(launchDarkly.calls).isEmpty();
    assertThat(events)
        .hasSize(3)
        .allMatch(
            e ->
                e.startsWith("ReleaseOrphaned: Left the release of webshop/new-checkout")
                    && e.contains("flagreleases.flagops.io is being deleted"));
  }

  /**
   * The CRD's deletion takes a FlagRelease between the halves of a move: whatever its policy, the
   * flag may be left without a release, and that is a warning, not "nothing was left to delete".
   */
  @Test
  void aCrdBeingDeletedBetweenTheHalvesOfAMoveWarnsTheFlagMayHaveNoRelease() {
    definition = ReleaseDeletionTest::definitionBeingDeleted;
    FlagRelease moving = midMove();

    assertThat(deletion.delete(moving).done()).isTrue();

    theOneEventIsAMoveWarningWithoutACall().contains("the flag may have no release now");
  }

  /**
   * A move's DELETE announced (or sent without an answer) while the last read still showed the
   * release: the release may still be there, so even a policy that deletes says to look, rather
   * than that nothing was left to delete.
   */
  @Test
  void aMoveWhoseDeleteMayNotHaveGoneOutWarnsTheReleaseMayStillBeThere() {
    FlagRelease moving = midMove();
    ObservedRelease seen = new ObservedRelease();
    seen.setPipelineKey("three-stage");
    moving.getStatus().setRelease(seen);

    assertThat(deletion.delete(moving).done()).isTrue();

    theOneEventIsAMoveWarningWithoutACall()
        .contains("announced a DELETE that may not have been sent")
        .endsWith(
            "the release may still be there, or the flag may have no release now; see"
                + " LaunchDarkly");
  }

  /** An adopted release with a move of it unfinished: the move is what the deletion says. */
  @Test
  void anAdoptedReleaseLeftMidMoveSaysTheMove() {
    FlagRelease moving = resource(DeletionPolicy.Delete, ReleaseOrigin.Adopted);
    moving.getStatus().setUnfinishedMove(new PipelineMove("three-stage", "two-stage", null));

    assertThat(deletion.delete(moving).done()).isTrue();

    theOneEventIsAMoveWarningWithoutACall();
  }

  @Test
  void aCrdThatCannotBeReadHoldsTheDeletionAndSaysWhy() {
    definition =
        () -> {
          throw new KubernetesClientException("forbidden", 403, null);
        };
    ReleaseDeletion.Result forbidden =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created));
    definition =
        () -> {
          throw new KubernetesClientException("connection refused");
        };
    ReleaseDeletion.Result unreachable =
        deletion.delete(resource(DeletionPolicy.Delete, ReleaseOrigin.Created));

    assertThat(launchDarkly.calls).as("nothing deleted while unsure").isEmpty();
    assertThat(forbidden.done()).isFalse();
    assertThat(forbidden.blocked()).as("RBAC: a person must act").isTrue();
    assertThat(forbidden.message())
        .contains("could not read the CustomResourceDefinition flagreleases.flagops.io")
        .contains("grant the operator get on it", "deletionPolicy to Orphan");
    assertThat(unreachable.done()).isFalse();
    assertThat(unreachable.blocked()).isFalse();
    assertThat(unreachable.backsOff()).isTrue();
  }

  /** No call was made, and the one event is the warning that a move was left unfinished. */
  private AbstractStringAssert<?> theOneEventIsAMoveWarningWithoutACall() {
    assertThat(launchDarkly.calls).isEmpty();
    return assertThat(events)
        .singleElement()
        .asString()
        .startsWith("UnfinishedMoveLeft: A move of the release of webshop/new-checkout");
  }

  /** A resource whose move deleted its release (policy Delete) and has not created it again. */
  private FlagRelease midMove() {
    FlagRelease moving = resource(DeletionPolicy.Delete, ReleaseOrigin.Created);
    moving.getStatus().setOwnedPipelineKey(null);
    moving.getStatus().setReleaseOrigin(null);
    moving.getStatus().setUnfinishedMove(new PipelineMove("three-stage", "two-stage", null));
    return moving;
  }

  /** The resource, its status recording the release it created as created at {@code createdAt}. */
  private static FlagRelease recording(FlagRelease resource, String createdAt) {
    ObservedRelease recorded = new ObservedRelease();
    recorded.setCreatedAt(createdAt);
    resource.getStatus().setRelease(recorded);
    return resource;
  }

  /** The FlagRelease CRD as the operator reads it while an uninstall deletes it. */
  private static CustomResourceDefinition definitionBeingDeleted() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata()
        .withDeletionTimestamp("2026-12-04T08:00:00Z")
        .endMetadata()
        .build();
  }

  private FlagRelease resource(DeletionPolicy policy, ReleaseOrigin origin) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(
        new ObjectMetaBuilder().withName("checkout").withNamespace("shop").withUid("u").build());
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("webshop");
    spec.setFlagKey("new-checkout");
    spec.setReleasePipelineKey("three-stage");
    spec.setDeletionPolicy(policy);
    resource.setSpec(spec);
    FlagReleaseStatus status = new FlagReleaseStatus();
    status.setOwnedPipelineKey("three-stage");
    status.setReleaseOrigin(origin);
    resource.setStatus(status);
    return resource;
  }
}
