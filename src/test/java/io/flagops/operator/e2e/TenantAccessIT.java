package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Complete;
import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.ReleaseOrigin;
import io.flagops.operator.config.TokenSecretScope;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many teams, one operator: the default token only where the admin granted it, token Secrets only
 * where allowed and labelled, and one owner per flag of each LaunchDarkly account.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
@TestProfile(TenantAccessIT.SharedCluster.class)
class TenantAccessIT extends OperatorTestBase {
  private static final String TEAM_A = "team-a";
  private static final String TEAM_B = "team-b";

  /** team-a may use the default token for project shop; team-b only its own token Secrets. */
  public static class SharedCluster implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "flagrelease.default-token.grants", "team-a=shop;e2e=shop",
          "flagrelease.token-secrets.namespaces", "team-b");
    }
  }

  @BeforeEach
  void namespaces() {
    for (String namespace : List.of(TEAM_A, TEAM_B)) {
      if (client.namespaces().withName(namespace).get() == null) {
        client
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
            .create();
      }
    }
  }

  @AfterEach
  void removeTeamResources() {
    for (String namespace : List.of(TEAM_A, TEAM_B)) {
      removeAllIn(namespace);
      client.secrets().inNamespace(namespace).delete();
    }
  }

  @Test
  void theDefaultTokenIsUsedOnlyWhereTheAdminGrantedIt() {
    createIn(TEAM_A, "granted", spec("flag-01", "fast-track", phase("Canary", Started)));
    createIn(TEAM_B, "not-granted", spec("flag-02", "fast-track", phase("Canary", Started)));

    awaitIn(TEAM_A, "granted", ConditionTypes.READY, "True");
    FlagRelease refused = awaitIn(TEAM_B, "not-granted", ConditionTypes.STALLED, "True");

    assertThat(condition(refused, ConditionTypes.READY).getStatus()).isEqualTo("False");
    assertThat(condition(refused, ConditionTypes.STALLED).getReason())
        .isEqualTo("DefaultTokenNotGranted");
    assertThat(refused.getStatus().getMessage())
        .isEqualTo(
            "namespace 'team-b' may not use the operator's default LaunchDarkly token for project"
                + " 'shop' (it grants this namespace no project): set spec.accessTokenSecretRef to"
                + " a token Secret of this namespace, or ask the cluster admin to grant it"
                + " (FLAGRELEASE_DEFAULT_TOKEN_GRANTS, the chart's token.grants)");
    assertThat(callsFor("flag-02")).as("no LaunchDarkly call").isEmpty();
  }

  @Test
  void aTeamsOwnTokenSecretIsNotLimitedByTheGrants() {
    secretIn(TEAM_B, "team-token", SimulatorResource.SECRET_TOKEN, true);
    FlagReleaseSpec spec =
        specThrough("team-token", "flag-03", "fast-track", phase("Canary", Started));

    createIn(TEAM_B, "own-token", spec);

    awaitIn(TEAM_B, "own-token", ConditionTypes.READY, "True");
  }

  @Test
  void anUnlabelledSecretIsNotSeenAndItsAbsenceIsExplained() {
    secretIn(TEAM_B, "unlabelled", SimulatorResource.SECRET_TOKEN, false);
    FlagReleaseSpec spec =
        specThrough("unlabelled", "flag-04", "fast-track", phase("Canary", Started));

    createIn(TEAM_B, "unlabelled", spec);
    FlagRelease waiting = awaitIn(TEAM_B, "unlabelled", ConditionTypes.STALLED, "True");

    assertThat(waiting.getStatus().getMessage())
        .isEqualTo(
            "spec.accessTokenSecretRef: Secret 'unlabelled' not found in namespace 'team-b', or"
                + " not labelled flagops.io/launchdarkly-token=true (the operator sees only token"
                + " Secrets with that label)");
    assertThat(callsFor("flag-04")).isEmpty();
  }

  @Test
  void secretsAreReadOnlyWhereTheAdminAllowsThem() {
    secretIn(TEAM_A, "team-token", SimulatorResource.SECRET_TOKEN, true);
    FlagReleaseSpec spec =
        specThrough("team-token", "flag-05", "fast-track", phase("Canary", Started));

    createIn(TEAM_A, "secret-elsewhere", spec);
    FlagRelease waiting = awaitIn(TEAM_A, "secret-elsewhere", ConditionTypes.STALLED, "True");

    assertThat(waiting.getStatus().getMessage())
        .startsWith(
            "spec.accessTokenSecretRef: the operator reads no token Secrets in namespace 'team-a'");
    assertThat(callsFor("flag-05")).isEmpty();
  }

  @Test
  void oneFlagOfOneAccountHasOneOwnerWithoutNamingAnotherTeamsResource() {
    createIn(TEAM_A, "first", spec("flag-06", "fast-track", phase("Canary", Started)));
    awaitIn(TEAM_A, "first", ConditionTypes.READY, "True");

    create("second", spec("flag-06", "fast-track", phase("Canary", Started)));
    FlagRelease waiting = awaitCondition("second", ConditionTypes.STALLED, "True", "FlagClaimed");

    assertThat(waiting.getStatus().getMessage())
        .isEqualTo(
            "flag shop/flag-06 of this LaunchDarkly account is managed by a FlagRelease in another"
                + " namespace; this one makes no call to LaunchDarkly while that one exists. Delete"
                + " one of them, or ask the cluster admin which team owns the flag")
        .doesNotContain("team-a")
        .doesNotContain("first");

    // the other team switches its FlagRelease to Observe: said to no one outside that team
    var first = client.resources(FlagRelease.class).inNamespace(TEAM_A).withName("first");
    first.edit(
        r -> {
          r.getSpec().setManagementPolicy(ManagementPolicy.Observe);
          return r;
        });
    await().atMost(TIMEOUT).until(() -> first.get().getStatus().getObservedGeneration() == 2L);
    edit("second", s -> s.setPhases(List.of(phase("Canary", Complete))));
    await().atMost(TIMEOUT).until(() -> get("second").getStatus().getObservedGeneration() == 2L);
    assertThat(get("second").getStatus().getMessage()).isEqualTo(waiting.getStatus().getMessage());
  }

  /**
   * One team observes a flag (drift reports only) before another manages it. The observer writes
   * nothing, so it holds nothing: the manager creates the release, and the observer reports it.
   */
  @Test
  void anObservingTeamNeitherBlocksNorWaitsForTheTeamThatManagesTheFlag() {
    FlagReleaseSpec watching = spec("flag-06", "fast-track", phase("Canary", Started));
    watching.setManagementPolicy(ManagementPolicy.Observe);
    createIn(TEAM_A, "watcher", watching);
    awaitConditionIn(TEAM_A, "watcher", ConditionTypes.READY, "False", "ReleaseNotFound");

    create("owner", spec("flag-06", "fast-track", phase("Canary", Started)));

    awaitCondition("owner", ConditionTypes.READY, "True", null);
    assertThat(simulator.calls().count(CallLog.CREATE_RELEASE)).isEqualTo(1);
    FlagRelease watcher = awaitIn(TEAM_A, "watcher", ConditionTypes.READY, "True");
    assertThat(condition(watcher, ConditionTypes.STALLED).getReason()).isNotEqualTo("FlagClaimed");
  }

  /**
   * An observer that was there first and saw the release complete holds nothing by that, in Observe
   * nor once switched to Manage: the team that made the release keeps the flag, and with it the
   * record that it created the release, so deleting its FlagRelease (deletionPolicy Delete) deletes
   * that release.
   */
  @Test
  void anObserverThatSawTheReleaseCompleteDoesNotTakeTheFlagFromTheTeamThatMadeIt() {
    FlagReleaseSpec watching =
        spec("flag-103", "fast-track", phase("Canary", Complete), phase("General", Complete));
    watching.setManagementPolicy(ManagementPolicy.Observe);
    createIn(TEAM_A, "completion-watcher", watching);
    awaitConditionIn(
        TEAM_A, "completion-watcher", ConditionTypes.READY, "False", "ReleaseNotFound");
    Instant watcherMade =
        Instant.parse(
            client
                .resources(FlagRelease.class)
                .inNamespace(TEAM_A)
                .withName("completion-watcher")
                .get()
                .getMetadata()
                .getCreationTimestamp());
    // the API server dates resources to the second: the maker is the younger one
    await().atMost(TIMEOUT).until(() -> Instant.now().isAfter(watcherMade.plusSeconds(1)));
    create(
        "maker",
        spec("flag-103", "fast-track", phase("Canary", Complete), phase("General", Complete)));
    awaitReady("maker");
    awaitIn(TEAM_A, "completion-watcher", ConditionTypes.READY, "True"); // it saw it complete

    // a pass of the maker after the watcher saw the completion
    edit("maker", s -> s.setSuspend(true));
    awaitCondition("maker", ConditionTypes.READY, "False", "Suspended");
    edit("maker", s -> s.setSuspend(false));
    assertThat(awaitReady("maker").getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);

    // the watcher's team switches it to Manage: the maker keeps the flag
    var watcher =
        client.resources(FlagRelease.class).inNamespace(TEAM_A).withName("completion-watcher");
    watcher.edit(
        r -> {
          r.getSpec().setManagementPolicy(ManagementPolicy.Manage);
          return r;
        });
    awaitConditionIn(TEAM_A, "completion-watcher", ConditionTypes.STALLED, "True", "FlagClaimed");
    edit("maker", s -> s.setSuspend(true));
    awaitCondition("maker", ConditionTypes.READY, "False", "Suspended");
    edit("maker", s -> s.setSuspend(false));
    assertThat(awaitReady("maker").getStatus().getReleaseOrigin()).isEqualTo(ReleaseOrigin.Created);
    assertThat(simulator.calls().count(CallLog.CREATE_RELEASE)).isEqualTo(1);

    watcher.edit(
        r -> {
          r.getSpec().setSuspend(true);
          return r;
        });
    awaitConditionIn(TEAM_A, "completion-watcher", ConditionTypes.READY, "False", "Suspended");
    releases().withName("maker").delete();
    await().atMost(TIMEOUT).until(() -> get("maker") == null);
    assertThat(simulator.release(PROJECT, "flag-103")).isEmpty();
  }

  @Test
  void flagReleasesOnDifferentAccountsNeverBlockEachOther() {
    createIn(TEAM_A, "default-account", spec("flag-07", "fast-track", phase("Canary", Started)));
    awaitIn(TEAM_A, "default-account", ConditionTypes.READY, "True");
    secretIn(TEAM_B, "other-account", SimulatorResource.SECRET_TOKEN, true);
    FlagReleaseSpec spec =
        specThrough("other-account", "flag-07", "fast-track", phase("Canary", Started));

    createIn(TEAM_B, "other-account", spec);

    FlagRelease ready = awaitIn(TEAM_B, "other-account", ConditionTypes.READY, "True");
    assertThat(condition(ready, ConditionTypes.STALLED).getReason()).isNotEqualTo("FlagClaimed");
  }

  /**
   * Two teams on two accounts manage one flag key each in their own account; the first team's
   * Secret goes (rotated, or its access withdrawn). The second team's resource manages its release
   * with its own token, so the first team's unknown account cannot be its: it goes on.
   */
  @Test
  void aTeamWhoseTokenCannotBeReadDoesNotStopATeamOnAnotherAccount() {
    secretIn(TEAM_B, "own", SimulatorResource.SECRET_TOKEN, true);
    createIn(
        TEAM_B, "first", specThrough("own", "flag-77", "fast-track", phase("Canary", Started)));
    awaitIn(TEAM_B, "first", ConditionTypes.READY, "True");
    createIn(TEAM_A, "second", spec("flag-77", "fast-track", phase("Canary", Started)));
    awaitIn(TEAM_A, "second", ConditionTypes.READY, "True");

    client.secrets().inNamespace(TEAM_B).withName("own").delete();
    var teamB = client.resources(FlagRelease.class).inNamespace(TEAM_B).withName("first");
    await().atMost(TIMEOUT).until(() -> teamB.get().getStatus().getMessage().contains("not found"));
    var teamA = client.resources(FlagRelease.class).inNamespace(TEAM_A).withName("second");
    teamA.edit(
        r -> {
          r.getSpec().setPhases(List.of(phase("Canary", Complete)));
          return r;
        });

    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                teamA.get().getStatus().getObservedGeneration()
                    >= teamA.get().getMetadata().getGeneration());
    FlagRelease goesOn = teamA.get();
    assertThat(condition(goesOn, ConditionTypes.STALLED).getReason()).isNotEqualTo("FlagClaimed");
    assertThat(goesOn.getStatus().getMessage()).doesNotContain("another namespace");
    await()
        .atMost(TIMEOUT)
        .until(() -> "True".equals(condition(teamA.get(), ConditionTypes.READY).getStatus()));
    assertThat(goesOn.getStatus().getReleaseOrigin()).as("its record of the release").isNotNull();
  }

  private FlagRelease awaitIn(String namespace, String name, String type, String status) {
    return awaitConditionIn(namespace, name, type, status, null);
  }

  private void secretIn(String namespace, String name, String token, boolean labelled) {
    var metadata = new ObjectMetaBuilder().withName(name).withNamespace(namespace);
    if (labelled) {
      metadata.addToLabels(TokenSecretScope.LABEL, "true");
    }
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withMetadata(metadata.build())
                .withStringData(Map.of("token", token))
                .build())
        .createOr(s -> s.update());
  }
}
