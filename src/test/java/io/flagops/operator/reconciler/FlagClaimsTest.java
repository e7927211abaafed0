package io.flagops.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.FlagReleaseStatus;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who holds a flag among the FlagReleases of one account: a pure function, no server. */
class FlagClaimsTest {

  @Test
  void aFlagNobodyElseNamesIsHeldByItsOnlyResource() {
    assertThat(FlagClaims.holder(resource("a", "shop", "2026-01-02T00:00:00Z", null), List.of()))
        .isEmpty();
  }

  @Test
  void theOldestHoldsTheFlag() {
    FlagRelease older = resource("first", "shop", "2026-01-01T00:00:00Z", null);
    FlagRelease newer = resource("second", "shop", "2026-01-02T00:00:00Z", null);

    assertThat(FlagClaims.holder(newer, List.of(older))).containsSame(older);
    assertThat(FlagClaims.holder(older, List.of(newer))).isEmpty();
  }

  @Test
  void theOneThatAlreadyManagesTheReleaseHoldsItWhateverItsAge() {
    FlagRelease older = resource("first", "shop", "2026-01-01T00:00:00Z", null);
    FlagRelease manager = resource("second", "shop", "2026-01-02T00:00:00Z", "standard");

    assertThat(FlagClaims.holder(older, List.of(manager))).containsSame(manager);
    assertThat(FlagClaims.holder(manager, List.of(older))).isEmpty();
  }

  /**
   * A move between its delete and its create holds the flag; a completed release a resource only
   * saw (an observer's mark, without ownership) does not.
   */
  @Test
  void aMoveBetweenItsDeleteAndItsCreateHoldsTheFlagACompletedReleaseOnlySeenDoesNot() {
    FlagRelease older = resource("first", "shop", "2026-01-01T00:00:00Z", null);
    FlagRelease moving = resource("second", "shop", "2026-01-02T00:00:00Z", null);
    moving.setStatus(new FlagReleaseStatus());
    moving.getStatus().setUnfinishedMove(new PipelineMove("fast-track", "standard", null));
    FlagRelease completed = resource("third", "shop", "2026-01-03T00:00:00Z", null);
    completed.setStatus(new FlagReleaseStatus());
    completed.getStatus().setCompletedPipelineKey("standard");

    assertThat(FlagClaims.holder(older, List.of(moving))).containsSame(moving);
    assertThat(FlagClaims.holder(older, List.of(completed))).isEmpty();
  }

  @Test
  void aReleaseRecordedUnderAnotherTokenSourceDoesNotCountAsManagingThisAccounts() {
    FlagRelease movedHere = resource("first", "shop", "2026-01-01T00:00:00Z", "standard");
    FlagRelease manager = resource("second", "shop", "2026-01-02T00:00:00Z", "standard");

    assertThat(FlagClaims.holder(movedHere, List.of(manager), r -> r == manager))
        .containsSame(manager);
    assertThat(FlagClaims.holder(manager, List.of(movedHere), r -> r == manager)).isEmpty();
  }

  @Test
  void resourcesCreatedInTheSameSecondAgreeByNamespaceThenName() {
    String sameSecond = "2026-01-01T00:00:00Z";
    FlagRelease payments = resource("a", "payments", sameSecond, null);
    FlagRelease shopA = resource("a", "shop", sameSecond, null);
    FlagRelease shopB = resource("b", "shop", sameSecond, null);

    assertThat(FlagClaims.holder(shopB, List.of(payments, shopA))).containsSame(payments);
    assertThat(FlagClaims.holder(shopB, List.of(shopA))).containsSame(shopA);
    assertThat(FlagClaims.holder(payments, List.of(shopA, shopB))).isEmpty();
  }

  /**
   * A holder being deleted is said so where it may be named; another team's, not named, is
   * described no more than before, with the way out its team cannot see.
   */
  @Test
  void aHolderBeingDeletedIsSaidSoOnlyWhereItMayBeNamed() {
    FlagRelease waiting = resource("second", "shop", "2026-01-02T00:00:00Z", null);
    FlagRelease sameTeam = resource("first", "shop", "2026-01-01T00:00:00Z", "standard");
    FlagRelease otherTeam = resource("first", "payments", "2026-01-01T00:00:00Z", "standard");
    waiting.setSpec(new FlagReleaseSpec());
    waiting.getSpec().setProjectKey("shop");
    waiting.getSpec().setFlagKey("checkout");
    for (FlagRelease holder : List.of(sameTeam, otherTeam)) {
      holder.setSpec(waiting.getSpec());
      holder.getMetadata().setDeletionTimestamp("2026-01-03T00:00:00Z");
      holder.getMetadata().setFinalizers(List.of("example.com/keep"));
    }

    assertThat(FlagClaims.describe(waiting, sameTeam, false, false).message())
        .endsWith(
            "That one is being deleted: this one goes on once it is gone (its status and its"
                + " metadata.finalizers say what keeps it)");
    assertThat(FlagClaims.describe(waiting, otherTeam, false, false).message())
        .doesNotContain("being deleted")
        .endsWith("Delete one of them, or ask the cluster admin which team owns the flag");
  }

  private static FlagRelease resource(
      String name, String namespace, String created, String ownedPipeline) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withCreationTimestamp(created)
            .build());
    if (ownedPipeline != null) {
      FlagReleaseStatus status = new FlagReleaseStatus();
      status.setOwnedPipelineKey(ownedPipeline);
      resource.setStatus(status);
    }
    return resource;
  }
}
