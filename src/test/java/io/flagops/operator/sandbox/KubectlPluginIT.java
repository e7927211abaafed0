package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl flagrelease} end to end: the real kubectl runs the built plugin against the
 * sandbox (the Fabric8 mock API behind its gateway) and the LaunchDarkly simulator, while the
 * operator reconciles.
 */
@QuarkusTest
@QuarkusTestResource(value = SandboxResource.class, restrictToAnnotatedClass = true)
class KubectlPluginIT {
  private static final Pattern CALL =
      Pattern.compile("(?m)^\\s+\\d+\\. (GET|PUT|PATCH|DELETE) (\\S+)$");

  @InjectSandbox Sandbox sandbox;

  private Kubectl kubectl;
  private KubectlPlugin plugin;

  @BeforeEach
  void tools() {
    Kubectl.requireInstalled();
    kubectl = new Kubectl(sandbox.kubeconfig());
    plugin =
        new KubectlPlugin(
            sandbox.kubeconfig(),
            Map.of(
                "LAUNCHDARKLY_BASE_URL",
                sandbox.launchDarkly().baseUrl(),
                "LAUNCHDARKLY_ACCESS_TOKEN",
                Sandbox.DEFAULT_TOKEN));
  }

  @Test
  void statusWatchWaitsForReadyThenExitsZeroAsACiStep() {
    apply(rollout("ci-wait", "gift-cards", "Complete", "Started"));

    KubectlPlugin.Result watched = plugin.run("status", "ci-wait", "--watch", "--timeout", "60s");

    assertThat(watched.exitCode()).as(watched.err()).isZero();
    assertThat(watched.out())
        .contains("State:   Ready (Ready=True, InSync)")
        .containsPattern("Testing\\s+Complete\\s+Complete\\s+20\\d\\d-")
        .containsPattern("Staging\\s+Started\\s+Started\\s+20\\d\\d-\\S+\\s+-")
        .containsPattern("Production\\s+NotStarted\\s+-");
    assertThat(watched.err()).isEmpty();

    KubectlPlugin.Result once = plugin.run("status", "ci-wait");
    assertThat(once.exitCode()).isZero();
    assertThat(once.out()).contains("Release: on pipeline 'standard'");

    // LaunchDarkly shows Staging not started again (a rollback): GUARDRAIL says so
    sandbox
        .launchDarkly()
        .ui()
        .showPhaseStatus("demo-shop", "gift-cards", "Staging", "ReadyToStart");
    try {
      apply(rollout("ci-wait", "gift-cards", "Complete", "Started", "NotStarted")); // a new look
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  plugin
                      .run("status", "ci-wait")
                      .out()
                      .matches(
                          "(?s).*Staging\\s+ReadyToStart\\s+Started\\s+20\\S+\\s+-\\s+shown"
                              + " ReadyToStart after it started: rolled back, or moved back\\n.*"));
    } finally {
      sandbox.launchDarkly().ui().showPhaseStatus("demo-shop", "gift-cards", "Staging", "Started");
    }
  }

  @Test
  void statusWatchExitsOneWithTheMessageWhenTheReleaseStalls() {
    // the sandbox's dark-mode already has a release on 'standard' that no FlagRelease created
    apply(
        """
        apiVersion: flagops.io/v1alpha1
        kind: FlagRelease
        metadata:
          name: ci-stall
        spec:
          projectKey: demo-shop
          flagKey: dark-mode
          releasePipelineKey: classic
        """);

    KubectlPlugin.Result watched = plugin.run("status", "ci-stall", "--watch", "--timeout", "60s");

    assertThat(watched.exitCode()).isEqualTo(1);
    assertThat(watched.errLines())
        .singleElement()
        .asString()
        .startsWith("error: flagrelease \"ci-stall\" is Failed: ")
        .contains(
            "already has a release on pipeline 'standard' that this FlagRelease did not create");
    assertThat(watched.out()).contains("State:   Failed");
  }

  @Test
  void statusWatchExitsTwoOnTimeoutAndOnBadUsage() {
    apply(
        """
        apiVersion: flagops.io/v1alpha1
        kind: FlagRelease
        metadata:
          name: ci-suspended
        spec:
          projectKey: demo-shop
          flagKey: wishlist
          releasePipelineKey: standard
          suspend: true
        """);

    KubectlPlugin.Result timedOut =
        plugin.run("status", "ci-suspended", "--watch", "--timeout", "3s");
    assertThat(timedOut.exitCode()).isEqualTo(2);
    assertThat(timedOut.errLines())
        .singleElement()
        .asString()
        .startsWith("error: timed out after 3s waiting for flagrelease \"ci-suspended\"");

    assertThat(plugin.run("status").exitCode()).isEqualTo(2);
    KubectlPlugin.Result badTimeout = plugin.run("status", "x", "--watch", "--timeout", "soon");
    assertThat(badTimeout.exitCode()).isEqualTo(2);
    assertThat(badTimeout.err()).contains("--timeout: 'soon' is not a duration");
  }

  @Test
  void planListsTheCallsTheOperatorThenMakesAndWritesNothingItself() {
    apply(rollout("plan-me", "new-checkout", "NotStarted", "NotStarted"));
    awaitReady("plan-me");
    Path change = KubectlPlugin.file(rollout("plan-me", "new-checkout", "Complete", "Started"));
    String resourceVersion = resource("plan-me").getMetadata().getResourceVersion();
    List<CallLog.Call> writesBefore = sandbox.launchDarkly().calls().writes();

    KubectlPlugin.Result plan = plugin.run("plan", "-f", change.toString());

    assertThat(plan.exitCode()).as(plan.out() + plan.err()).isEqualTo(2);
    assertThat(plan.out())
        .contains("The operator would make 3 calls, in order:")
        .contains("start phase 'Testing': the spec asks Complete, LaunchDarkly shows ReadyToStart")
        .contains("complete phase 'Testing'")
        .contains("start phase 'Staging': the spec asks Started, LaunchDarkly shows NotStarted");
    assertThat(sandbox.launchDarkly().calls().writes())
        .as("plan never writes to LaunchDarkly")
        .isEqualTo(writesBefore);
    assertThat(resource("plan-me").getMetadata().getResourceVersion())
        .as("nor to Kubernetes")
        .isEqualTo(resourceVersion);

    // merged: the operator makes exactly the calls plan listed, in that order
    kubectl.run("apply", "-f", change.toString());
    awaitReady("plan-me");
    List<String> made =
        sandbox.launchDarkly().calls().writes().stream()
            .skip(writesBefore.size())
            .filter(call -> call.path().contains("/new-checkout/"))
            .map(call -> call.method() + " " + call.path())
            .toList();
    assertThat(made).containsExactlyElementsOf(calls(plan.out()));

    KubectlPlugin.Result again = plugin.run("plan", "-f", change.toString());
    assertThat(again.exitCode()).as(again.out()).isZero();
    assertThat(again.out()).contains("No changes. LaunchDarkly matches the spec");
  }

  @Test
  void planOfANewResourceCreatesAndOfABlockedOneIsAnError() {
    KubectlPlugin.Result create =
        plugin.run(
            "plan",
            "-f",
            KubectlPlugin.file(rollout("brand-new", "one-click-pay", "NotStarted")).toString());
    assertThat(create.exitCode()).isEqualTo(2);
    KubectlPlugin.Result exported =
        plugin.run(
            "plan",
            "-f",
            KubectlPlugin.file(
                    rollout("brand-new", "one-click-pay", "NotStarted")
                        + "status:\n  ownedPipelineKey: standard\n  releaseOrigin: Created\n")
                .toString());
    assertThat(exported.out())
        .as("a manifest's own status is dropped, as the API server drops it")
        .contains("(no status yet: not applied, or not reconciled yet)");
    assertThat(create.out())
        .contains("(no status yet: not applied, or not reconciled yet)")
        .contains("LaunchDarkly: no release for this flag")
        .contains("1. PUT /api/v2/projects/demo-shop/flags/one-click-pay/release")
        .contains("create the release on pipeline 'standard': LaunchDarkly has no release");

    apply(rollout("taken", "holiday-banner", "NotStarted"));
    awaitReady("taken");
    String moved =
        rollout("taken", "holiday-banner", "NotStarted").replace("standard", "no-such-pipeline");
    KubectlPlugin.Result blocked = plugin.run("plan", "-f", KubectlPlugin.file(moved).toString());
    assertThat(blocked.exitCode()).isEqualTo(1);
    assertThat(blocked.out()).contains("The operator would stop here");
    assertThat(sandbox.launchDarkly().release("demo-shop", "one-click-pay")).isEmpty();
  }

  /**
   * A change a guardrail holds (here Beta's guarded rollout, watched for 30 minutes) is made later,
   * not never: a move planned then is the DELETE and PUT to come, and a CI gate must see exit 2.
   */
  @Test
  void planOfAChangeAGuardrailHoldsIsAChangeToCome() {
    String guarded =
        """
        apiVersion: flagops.io/v1alpha1
        kind: FlagRelease
        metadata:
          name: held
        spec:
          projectKey: demo-shop
          flagKey: loyalty-points
          releasePipelineKey: guarded
          phases:
            - name: Internal
              status: Complete
            - name: Beta
              status: Started
        """;
    // the sandbox shortens guarded windows (30 minutes to 3.6 s): here Beta must stay monitored
    sandbox.launchDarkly().setMonitoringWindowScale(1.0);
    try {
      planWhileBetaIsMonitored(guarded);
    } finally {
      sandbox.launchDarkly().setMonitoringWindowScale(Sandbox.MONITORING_WINDOW_SCALE);
    }
  }

  private void planWhileBetaIsMonitored(String guarded) {
    apply(guarded);
    awaitReady("held");
    KubectlPlugin.Result status = plugin.run("status", "held");
    assertThat(status.out())
        .as(status.err())
        .containsPattern("GUARDRAIL\\s*\\n")
        .containsPattern("Beta\\s+Started\\s+Started\\s+20\\S+\\s+-\\s+monitored until 20\\d\\d-");
    Path later = KubectlPlugin.file(guarded + "    - name: Everyone\n      status: Started\n");
    Path moved = KubectlPlugin.file(rollout("held", "loyalty-points", "Started"));

    Path leftToLaunchDarkly =
        KubectlPlugin.file(guarded.replace("status: Started", "status: Complete"));
    KubectlPlugin.Result finishesAlone = plugin.run("plan", "-f", leftToLaunchDarkly.toString());
    KubectlPlugin.Result waiting = plugin.run("plan", "-f", later.toString());
    KubectlPlugin.Result move = plugin.run("plan", "-f", moved.toString());

    assertThat(finishesAlone.exitCode())
        .as("the rollout completes Beta by itself: " + finishesAlone.out())
        .isZero();
    assertThat(finishesAlone.out()).contains("No changes. Phase 'Beta' is in a guarded rollout");
    assertThat(waiting.exitCode()).as(waiting.out() + waiting.err()).isEqualTo(2);
    assertThat(waiting.out())
        .contains("No calls now, but LaunchDarkly does not match the spec yet")
        .contains("Once that changes, the operator makes the calls that remain.")
        .doesNotContain("No changes");
    Path observed =
        KubectlPlugin.file(
            guarded + "    - name: Everyone\n      status: Started\n  managementPolicy: Observe\n");
    KubectlPlugin.Result observing = plugin.run("plan", "-f", observed.toString());
    assertThat(observing.out())
        .as(observing.err())
        .contains("Once that changes, Manage would make the calls that remain.");
    assertThat(move.exitCode()).as(move.out() + move.err()).isEqualTo(2);
    assertThat(move.out())
        .contains(
            "Once that changes, the operator moves the release: DELETE"
                + " /api/v2/flags/demo-shop/loyalty-points/release (on pipeline"
                + " 'guarded'), then PUT /api/v2/projects/demo-shop/flags/loyalty-points/release"
                + " (on 'standard').")
        .doesNotContain("No changes");
  }

  /** Being deleted, a FlagRelease's spec no longer counts: plan says what the deletion does. */
  @Test
  void planOfAFlagReleaseBeingDeletedShowsTheDeletion() {
    apply(rollout("going", "store-locator", "Started"));
    awaitReady("going");
    Kubectl.Result suspended =
        kubectl.run("patch", "fr", "going", "--type=merge", "-p", "{\"spec\":{\"suspend\":true}}");
    assertThat(suspended.exitCode()).as(suspended.output()).isZero();
    Kubectl.Result deleted = kubectl.run("delete", "fr", "going", "--wait=false");
    assertThat(deleted.exitCode()).as(deleted.output()).isZero();
    Kubectl.Result blocked =
        kubectl.run(
            "wait", "--for=condition=Stalled", "fr/going", "--timeout=60s"); // DeletionBlocked
    assertThat(blocked.exitCode()).as(blocked.output()).isZero();

    // a PR that leaves suspend out: kubectl apply keeps the patched `suspend: true`
    String further = rollout("going", "store-locator", "Complete", "Started");
    KubectlPlugin.Result kept = plugin.run("plan", "-f", KubectlPlugin.file(further).toString());
    assertThat(kept.out())
        .contains(
            "Kept from the cluster: spec.suspend is true there and not set in the manifest, and"
                + " applying it keeps it so.")
        .contains("it waits while spec.suspend is true");

    // the PR a person might merge to unblock it: suspend false again, a phase further
    KubectlPlugin.Result plan =
        plugin.run(
            "plan",
            "-f",
            KubectlPlugin.file(further.replace("spec:\n", "spec:\n  suspend: false\n")).toString());

    assertThat(plan.exitCode()).as(plan.out() + plan.err()).isEqualTo(2);
    assertThat(plan.out())
        .contains("Being deleted: the operator applies no spec change.")
        .contains("1. DELETE /api/v2/flags/demo-shop/store-locator/release")
        .contains("this FlagRelease created it, deletionPolicy is Delete")
        .doesNotContain("PUT")
        .doesNotContain("Kept from the cluster")
        .doesNotContain("waits while spec.suspend");
  }

  /**
   * Values of a later version (a newer CRD kept after a rollback lets them through): status shows
   * them as written, and plan of the deletion says the operator holds it, as it does.
   */
  @Test
  void valuesOfALaterVersionAreShownAsWrittenAndHoldTheDeletion() {
    apply(rollout("later-values", "price-alerts", "Started"));
    awaitReady("later-values");
    try (KubernetesClient behind = sandbox.kubernetesBehindTheGateway().createClient()) {
      behind
          .genericKubernetesResources("flagops.io/v1alpha1", "FlagRelease")
          .inNamespace("default")
          .withName("later-values")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"spec\":{\"deletionPolicy\":\"DeleteAfterRollout\","
                  + "\"managementPolicy\":\"ObserveLater\"}}");
    }
    Kubectl.Result stalled =
        kubectl.run("wait", "--for=condition=Stalled", "fr/later-values", "--timeout=60s");
    assertThat(stalled.exitCode()).as(stalled.output()).isZero();

    KubectlPlugin.Result status = plugin.run("status", "later-values");
    assertThat(status.out())
        .contains("on pipeline 'standard' (ObserveLater)")
        .contains("is not a value this operator knows");

    Kubectl.Result deleted = kubectl.run("delete", "fr", "later-values", "--wait=false");
    assertThat(deleted.exitCode()).as(deleted.output()).isZero();
    KubectlPlugin.Result plan = plugin.run("plan", "later-values");
    assertThat(plan.exitCode()).as(plan.out() + plan.err()).isEqualTo(1);
    assertThat(plan.out())
        .contains("pipeline 'standard', ObserveLater")
        .contains(
            "No changes. Being deleted: an operator of this plugin's version makes no call and"
                + " keeps the finalizer, because spec.deletionPolicy: 'DeleteAfterRollout' is not"
                + " a value")
        .contains("upgrade the plugin")
        .doesNotContain("null")
        .doesNotContain("DELETE");

    patch("later-values", "merge", "{\"spec\":{\"deletionPolicy\":\"Orphan\"}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> resource("later-values") == null);
    assertThat(sandbox.launchDarkly().release("demo-shop", "price-alerts")).isPresent();
  }

  /**
   * A create the operator would stop right after (a phase the pipeline lacks), or LaunchDarkly
   * would refuse (no such pipeline), is exit 1 for a CI gate, not a clean change.
   */
  @Test
  void planOfACreateTheOperatorWouldStopAfterIsAnError() {
    String typo =
        rollout("typo", "one-click-pay", "Started").replace("- name: Testing", "- name: Tsting");
    KubectlPlugin.Result phase = plugin.run("plan", "-f", KubectlPlugin.file(typo).toString());
    String noPipeline = rollout("typo", "one-click-pay", "Started").replace("standard", "standrad");
    KubectlPlugin.Result pipeline =
        plugin.run("plan", "-f", KubectlPlugin.file(noPipeline).toString());

    assertThat(phase.exitCode()).as(phase.out() + phase.err()).isEqualTo(1);
    assertThat(phase.out())
        .contains("1. PUT /api/v2/projects/demo-shop/flags/one-click-pay/release")
        .contains(
            "Then the operator would stop here (UnknownPhase): spec.phases[0].name: pipeline"
                + " 'standard' has no phase 'Tsting'");
    assertThat(pipeline.exitCode()).as(pipeline.out() + pipeline.err()).isEqualTo(1);
    assertThat(pipeline.out())
        .contains(
            "Then the operator would stop here (NotFound): spec.releasePipelineKey: project"
                + " 'demo-shop' has no release pipeline 'standrad'");
  }

  /**
   * A move whose create LaunchDarkly refuses leaves the flag without a release: plan says the
   * create to come finishes that move (with the variation it keeps), not that the flag simply has
   * none.
   */
  @Test
  void planOfACreateThatFinishesAMoveAndOfItsDeletionSaySo() {
    apply(rollout("mover", "saved-carts", "Started"));
    awaitReady("mover");
    try {
      for (int i = 0; i < 50; i++) {
        sandbox.launchDarkly().faults().failNextOn(CallLog.CREATE_RELEASE, 400);
      }
      String moved =
          """
          apiVersion: flagops.io/v1alpha1
          kind: FlagRelease
          metadata:
            name: mover
          spec:
            projectKey: demo-shop
            flagKey: saved-carts
            releasePipelineKey: guarded
            phases:
            - name: Internal
              status: Started
          """;
      apply(moved);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  resource("mover").getStatus() != null
                      && resource("mover").getStatus().getUnfinishedMove() != null
                      && sandbox.launchDarkly().release("demo-shop", "saved-carts").isEmpty());

      KubectlPlugin.Result plan = plugin.run("plan", "mover");

      assertThat(plan.out())
          .as(plan.err())
          .contains("1. PUT /api/v2/projects/demo-shop/flags/saved-carts/release")
          .contains("finishes the move from pipeline 'standard' an earlier pass began");

      // suspended meanwhile: no call, and the move waits too
      patch("mover", "merge", "{\"spec\":{\"suspend\":true}}");
      KubectlPlugin.Result suspended = plugin.run("plan", "mover");
      assertThat(suspended.out())
          .as(suspended.err())
          .contains("No changes: spec.suspend is true")
          .contains(
              "A move of the release from pipeline 'standard' to 'guarded' is unfinished, and"
                  + " waits too: the flag may have no release until it goes on.");
      patch("mover", "merge", "{\"spec\":{\"suspend\":false}}");
      // its token Secret gone (a manifest pointing at one that is not there): the move waits too
      Path noSecret =
          KubectlPlugin.file(moved + "  accessTokenSecretRef:\n    name: no-such-secret\n");
      KubectlPlugin.Result secretGone = plugin.run("plan", "-f", noSecret.toString());
      assertThat(secretGone.exitCode()).as(secretGone.out()).isEqualTo(1);
      assertThat(secretGone.err())
          .contains("Secret \"no-such-secret\" not found")
          .contains("A move of the release from pipeline 'standard' to 'guarded' is unfinished");
      // in Observe, a spec the new pipeline cannot take: the stop says the move waits too
      Path observedMisfit =
          KubectlPlugin.file(
              moved.replace("name: Internal", "name: NoSuchPhase")
                  + "  managementPolicy: Observe\n");
      KubectlPlugin.Result misfit = plugin.run("plan", "-f", observedMisfit.toString());
      assertThat(misfit.out())
          .as(misfit.err())
          .contains("The operator would stop here (UnknownPhase)")
          .contains(
              ". A move of the release from pipeline 'standard' to 'guarded' is unfinished, and"
                  + " waits too");
      // a token LaunchDarkly refuses: the error says the move waits too
      Path refused = KubectlPlugin.file("api-refused-0badc0de");
      KubectlPlugin.Result unauthorized =
          plugin.run("plan", "mover", "--token-file", refused.toString());
      assertThat(unauthorized.exitCode()).as(unauthorized.out()).isEqualTo(1);
      assertThat(unauthorized.err())
          .contains("401")
          .contains(
              "A move of the release from pipeline 'standard' to 'guarded' is unfinished, and"
                  + " waits too: the flag may have no release until it goes on.");

      // deleted now (another controller's finalizer keeps it readable once the operator is
      // done): deletionPolicy Delete meant the release to go, so nothing is left to delete
      patch(
          "mover",
          "json",
          "[{\"op\":\"add\",\"path\":\"/metadata/finalizers/-\",\"value\":\"example.com/hold\"}]");
      assertThat(kubectl.run("delete", "fr", "mover", "--wait=false").exitCode()).isZero();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  resource("mover")
                      .getMetadata()
                      .getFinalizers()
                      .equals(List.of("example.com/hold")));
      KubectlPlugin.Result deleting = plugin.run("plan", "mover");
      assertThat(deleting.out())
          .as(deleting.err())
          .contains("had not created it on 'guarded': nothing is left to delete.")
          .doesNotContain("may have no release");
      // had the policy been Orphan, the flag may be left without a release: said so
      patch("mover", "merge", "{\"spec\":{\"deletionPolicy\":\"Orphan\"}}");
      assertThat(plugin.run("plan", "mover").out())
          .contains("(deletionPolicy is Orphan)")
          .contains(
              "the flag may have no release now; create it in LaunchDarkly if it should have");
      patch("mover", "json", "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers/0\"}]");
    } finally {
      sandbox.launchDarkly().faults().clear();
    }
  }

  @Test
  void historySaysWhoMovedEachPhase() {
    apply(rollout("told", "smart-search", "Complete", "Started"));
    awaitReady("told");

    KubectlPlugin.Result history = plugin.run("history", "told");

    assertThat(history.exitCode()).isZero();
    assertThat(history.out().lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("TIME", "PHASE", "FROM", "TO", "BY");
    assertThat(history.out())
        .containsPattern("\\(release\\)\\s+-\\s+standard\\s+Operator")
        .containsPattern("Testing\\s+\\S+\\s+Complete\\s+Operator")
        .containsPattern("Staging\\s+NotStarted\\s+Started\\s+Operator");
  }

  /**
   * A release created through one token Secret counts as adopted once the spec names another (which
   * may reach another account): plan says the move then stops, as the operator does, instead of
   * listing a delete the operator will not make. (The sandbox's team token: another account than
   * the default token's, whose FlagReleases hold every other flag here.)
   */
  @Test
  void planOfAMoveAfterTheTokenSourceChangedStopsAsTheOperatorDoes() {
    labelledTokenSecret("team-token-a");
    labelledTokenSecret("team-token-b");
    String resource =
        """
        apiVersion: flagops.io/v1alpha1
        kind: FlagRelease
        metadata:
          name: re-sourced
        spec:
          projectKey: demo-shop
          flagKey: wishlist
          releasePipelineKey: %s
          accessTokenSecretRef:
            name: %s
          phases:
            - name: %s
              status: Started
        """;
    apply(resource.formatted("standard", "team-token-a", "Testing"));
    awaitReady("re-sourced");
    Path moved = KubectlPlugin.file(resource.formatted("guarded", "team-token-b", "Internal"));

    KubectlPlugin.Result plan = plugin.run("plan", "-f", moved.toString());

    assertThat(plan.exitCode()).as(plan.out() + plan.err()).isEqualTo(1);
    assertThat(plan.out())
        .contains("The operator would stop here")
        .contains("AdoptedReleaseNotMoved")
        .doesNotContain("DELETE");
  }

  private void labelledTokenSecret(String name) {
    Kubectl.Result created =
        kubectl.run(
            "create", "secret", "generic", name, "--from-literal=token=" + Sandbox.TEAM_TOKEN);
    assertThat(created.exitCode()).as(created.output()).isZero();
    Kubectl.Result labelled =
        kubectl.run("label", "secret", name, "flagops.io/launchdarkly-token=true");
    assertThat(labelled.exitCode()).as(labelled.output()).isZero();
  }

  /** The operator sees only labelled token Secrets: a plan through an unlabelled one would lie. */
  @Test
  void planThroughASecretTheOperatorDoesNotSeeIsAnError() {
    Kubectl.Result created =
        kubectl.run(
            "create",
            "secret",
            "generic",
            "unlabelled-token",
            "--from-literal=token=" + Sandbox.DEFAULT_TOKEN);
    assertThat(created.exitCode()).as(created.output()).isZero();
    Path manifest =
        KubectlPlugin.file(
            rollout("hidden-token", "gift-cards", "NotStarted")
                + "  accessTokenSecretRef:\n    name: unlabelled-token\n");

    KubectlPlugin.Result plan = plugin.run("plan", "-f", manifest.toString());
    // a token of the plan's own (a CI job's reader token) checks the Secret all the same
    Path readerToken = KubectlPlugin.file(Sandbox.DEFAULT_TOKEN);
    KubectlPlugin.Result withFile =
        plugin.run("plan", "-f", manifest.toString(), "--token-file", readerToken.toString());

    for (KubectlPlugin.Result result : List.of(plan, withFile)) {
      assertThat(result.exitCode()).as(result.out()).isEqualTo(1);
      assertThat(result.errLines())
          .containsExactly(
              "error: spec.accessTokenSecretRef: Secret \"unlabelled-token\" in namespace"
                  + " \"default\" is not labelled flagops.io/launchdarkly-token=true: the operator"
                  + " sees only token Secrets with that label, so it would make no call");
    }
  }

  /** kubectl apply -n refuses a manifest of another namespace; so does the plan of it. */
  @Test
  void planOfAManifestOfAnotherNamespaceThanMinusNIsAnError() {
    Path manifest =
        KubectlPlugin.file(
            rollout("elsewhere", "gift-cards", "NotStarted")
                .replace("  name: elsewhere\n", "  name: elsewhere\n  namespace: payments\n"));

    KubectlPlugin.Result plan = plugin.run("plan", "-n", "default", "-f", manifest.toString());

    assertThat(plan.exitCode()).as(plan.out()).isEqualTo(1);
    assertThat(plan.out()).isEmpty();
    assertThat(plan.errLines())
        .containsExactly(
            "error: flagrelease \"elsewhere\" is in namespace \"payments\" in the manifest but -n"
                + " says \"default\": drop -n or make them agree");
  }

  @Test
  void everyFailureIsOneLine() throws IOException {
    KubectlPlugin.Result missing = plugin.run("status", "nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.errLines())
        .containsExactly("error: flagrelease \"nope\" not found in namespace \"default\"");

    Path unapplied = KubectlPlugin.file(rollout("no-token", "gift-cards", "NotStarted"));
    KubectlPlugin.Result tokenForFile =
        plugin.run("plan", "-f", unapplied.toString(), "--token-file", Sandbox.DEFAULT_TOKEN);
    assertThat(tokenForFile.exitCode()).isEqualTo(1);
    assertThat(tokenForFile.errLines())
        .containsExactly(
            "error: --token-file: cannot read the file it names (no such file); it takes the path"
                + " of a file holding the token, not the token");

    KubectlPlugin.Result noToken =
        plugin.with("LAUNCHDARKLY_ACCESS_TOKEN", null).run("plan", "-f", unapplied.toString());
    assertThat(noToken.exitCode()).isEqualTo(1);
    assertThat(noToken.errLines())
        .singleElement()
        .asString()
        .startsWith("error: no LaunchDarkly token: flagrelease \"no-token\" uses the operator's");

    Path dead = kubeconfig("https://127.0.0.1:1");
    KubectlPlugin.Result unreachable = new KubectlPlugin(dead, Map.of()).run("history", "anything");
    assertThat(unreachable.exitCode()).isEqualTo(1);
    assertThat(unreachable.errLines())
        .singleElement()
        .asString()
        .startsWith("error: cannot reach the Kubernetes API at https://127.0.0.1:1/");

    KubernetesMockServer withoutCrd = Sandbox.newCrudMockServer();
    withoutCrd.init(InetAddress.getLoopbackAddress(), 0);
    try {
      KubectlPlugin.Result noCrd =
          new KubectlPlugin(kubeconfig(withoutCrd.url("/")), Map.of()).run("status", "anything");
      assertThat(noCrd.exitCode()).isEqualTo(1);
      assertThat(noCrd.errLines())
          .singleElement()
          .asString()
          .startsWith(
              "error: the FlagRelease CRD (flagreleases.flagops.io) is not installed in the"
                  + " cluster");
    } finally {
      withoutCrd.destroy();
    }
  }

  /**
   * A document the API server would refuse (no name; a flag key the CRD makes immutable) is an
   * error naming the field, and the documents after it are still planned.
   */
  @Test
  void planOfDocumentsTheApiServerRefusesNamesTheField() {
    // a flag LaunchDarkly does not have: the resource exists, and claims no flag other tests use
    apply(rollout("keys", "not-in-the-seed", "NotStarted"));
    String nameless = rollout("nameless", "dark-mode", "Started").replace("  name: nameless\n", "");
    String otherFlag = rollout("keys", "dark-mode", "Started");
    String manifest = nameless + "---\n" + otherFlag;

    KubectlPlugin.Result plan = plugin.run("plan", "-f", KubectlPlugin.file(manifest).toString());

    assertThat(plan.exitCode()).as(plan.out() + plan.err()).isEqualTo(1);
    assertThat(plan.errLines())
        .containsExactly(
            "error: a FlagRelease without metadata.name: metadata.name is required",
            "error: flagrelease \"keys\": spec.flagKey is immutable, so the API server refuses this"
                + " apply (the cluster's: demo-shop/not-in-the-seed); a FlagRelease of another"
                + " name releases another flag");
    assertThat(plan.out())
        .contains("--- a FlagRelease without metadata.name", "--- keys")
        .doesNotContain("dark-mode/release");
  }

  /** Observe never adopts a release: its plan does not say it would. */
  @Test
  void planOfAnObservedReleaseAdoptsNothing() {
    // dark-mode: a release someone made by hand on pipeline standard (the sandbox's seed)
    String observe =
        rollout("watching", "dark-mode", "Complete", "Started")
            .replace("spec:\n", "spec:\n  managementPolicy: Observe\n");
    KubectlPlugin.Result plan = plugin.run("plan", "-f", KubectlPlugin.file(observe).toString());

    assertThat(plan.exitCode()).as(plan.out() + plan.err()).isZero();
    assertThat(plan.out())
        .doesNotContain("Adopted")
        .contains("managementPolicy is Observe: the operator makes none of these calls")
        .contains("start phase 'Staging'");
  }

  /** A credential typed or stored where it does not belong never reaches stderr (CI logs). */
  @Test
  void noFailureEchoesACredential() throws IOException {
    KubectlPlugin.Result pasted = plugin.run("status", "anything", "--token=api-pasted-secret");
    assertThat(pasted.exitCode()).isEqualTo(2);
    assertThat(pasted.err()).doesNotContain("api-pasted-secret").contains("'--token=...'");

    KubectlPlugin.Result apart = plugin.run("status", "anything", "--token", "api-apart-secret");
    assertThat(apart.err()).doesNotContain("api-apart-secret").contains("'--token'");

    Path broken = Files.createTempDirectory("kubeconfig").resolve("config");
    Files.writeString(
        broken,
        """
        apiVersion: v1
        kind: Config
        users:
          - name: admin
            user:
              token: "api-kubeconfig-secret
        """);
    KubectlPlugin.Result unreadable = new KubectlPlugin(broken, Map.of()).run("status", "x");
    assertThat(unreadable.exitCode()).isEqualTo(1);
    assertThat(unreadable.err())
        .doesNotContain("api-kubeconfig-secret")
        .startsWith("error: cannot read the kubeconfig " + broken);

    KubectlPlugin.Result missing = plugin.run("status", "x", "--kubeconfig", "/no/such/config");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.errLines())
        .containsExactly("error: --kubeconfig: no such file: /no/such/config");

    // the token is not sent in clear text to another machine
    Path manifest = KubectlPlugin.file(rollout("clear-text", "gift-cards", "NotStarted"));
    KubectlPlugin.Result plain =
        plugin
            .with("LAUNCHDARKLY_BASE_URL", "http://ld-proxy.example.com")
            .run("plan", "-f", manifest.toString());
    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.errLines())
        .containsExactly(
            "error: --launchdarkly-url (or LAUNCHDARKLY_BASE_URL) uses http://, which would send the access"
                + " token unencrypted; use https:// (plain http is accepted only to this machine:"
                + " localhost, 127.0.0.1 or [::1])");
  }

  private static List<String> calls(String plan) {
    Matcher call = CALL.matcher(plan);
    List<String> calls = new java.util.ArrayList<>();
    while (call.find()) {
      calls.add(call.group(1) + " " + call.group(2));
    }
    return calls;
  }

  /** A FlagRelease on the standard pipeline; each test its own flag of the sandbox's seed. */
  private static String rollout(String name, String flag, String... phases) {
    String[] names = {"Testing", "Staging", "Production"};
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: flagops.io/v1alpha1
            kind: FlagRelease
            metadata:
              name: %s
            spec:
              projectKey: demo-shop
              flagKey: %s
              releasePipelineKey: standard
              phases:
            """
                .formatted(name, flag));
    for (int i = 0; i < phases.length; i++) {
      yaml.append("    - name: ").append(names[i]).append("\n");
      yaml.append("      status: ").append(phases[i]).append("\n");
    }
    return yaml.toString();
  }

  private void apply(String yaml) {
    Kubectl.Result applied = kubectl.run("apply", "-f", KubectlPlugin.file(yaml).toString());
    assertThat(applied.exitCode()).as(applied.output()).isZero();
  }

  private void awaitReady(String name) {
    Kubectl.Result ready =
        kubectl.run("wait", "--for=condition=Ready", "fr/" + name, "--timeout=60s");
    assertThat(ready.exitCode()).as(ready.output()).isZero();
  }

  private void patch(String name, String type, String patch) {
    Kubectl.Result patched = kubectl.run("patch", "fr", name, "--type=" + type, "-p", patch);
    assertThat(patched.exitCode()).as(patched.output()).isZero();
  }

  private FlagRelease resource(String name) {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(
                io.fabric8.kubernetes.client.Config.fromKubeconfig(read(sandbox.kubeconfig())))
            .build()) {
      return client.resources(FlagRelease.class).inNamespace("default").withName(name).get();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path kubeconfig(String server) throws IOException {
    return Kubeconfig.write(Files.createTempDirectory("kubeconfig").resolve("config"), server);
  }
}
