package io.flagops.plugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ManagementPolicy;
import io.flagops.operator.api.v1alpha1.ObservedRelease;
import io.flagops.operator.api.v1alpha1.PipelineMove;
import io.flagops.operator.config.BaseUrl;
import io.flagops.operator.config.LaunchDarklyConfig;
import io.flagops.operator.config.OperatorVersion;
import io.flagops.operator.launchdarkly.CallGuard;
import io.flagops.operator.launchdarkly.FlagRef;
import io.flagops.operator.launchdarkly.HttpLaunchDarklyClient;
import io.flagops.operator.launchdarkly.LaunchDarklyException;
import io.flagops.operator.reconciler.ReleaseSync;
import io.flagops.operator.reconciler.SyncException;
import io.flagops.operator.reconciler.SyncResult;
import io.flagops.operator.reconciler.TokenSourceChange;
import io.flagops.operator.reconciler.plan.Ownership;
import io.flagops.operator.reconciler.plan.Reasons;
import io.flagops.operator.reconciler.plan.ReleaseAction;
import io.flagops.operator.reconciler.plan.ReleasePlanner;
import io.flagops.operator.reconciler.plan.Verdict;
import io.flagops.operator.reconciler.support.PipelineCatalog;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What the operator would do to LaunchDarkly for a manifest (or a FlagRelease in the cluster):
 * LaunchDarkly read with the resource's token, the operator's own planner run on it, its calls
 * printed in order. Never writes to LaunchDarkly or Kubernetes.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Show the calls the operator would make to LaunchDarkly for a FlagRelease, in order, and"
          + " why. Reads LaunchDarkly and the cluster; writes to neither.",
      "Token: --token-file, else the resource's spec.accessTokenSecretRef Secret, else"
          + " LAUNCHDARKLY_ACCESS_TOKEN (for resources on the operator's default token).",
      "Exit codes (as terraform plan -detailed-exitcode): 0 no change, 1 error, 2 changes (now,"
          + " or once LaunchDarkly moves first)."
    })
final class PlanCommand implements Callable<Integer> {
  static final String BASE_URL_ENV = "LAUNCHDARKLY_BASE_URL";

  @ArgGroup(multiplicity = "1")
  Target target;

  static final class Target {
    @Option(
        names = {"-f", "--filename"},
        paramLabel = "FILE",
        description = "A manifest with one or more FlagReleases ('-': stdin).")
    String file;

    @Parameters(paramLabel = "NAME", description = "A FlagRelease in the cluster.")
    String name;
  }

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "A file holding the LaunchDarkly token to read with.")
  String tokenFile;

  @Option(
      names = "--launchdarkly-url",
      paramLabel = "URL",
      description =
          "LaunchDarkly's base URL (default: " + BASE_URL_ENV + ", else ${DEFAULT-VALUE}).",
      defaultValue = "${env:" + BASE_URL_ENV + ":-" + LaunchDarklyConfig.DEFAULT_BASE_URL + "}")
  String baseUrl;

  @Mixin ClusterOptions clusterOptions;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String badUrl = BaseUrl.problem(baseUrl, "--launchdarkly-url (or " + BASE_URL_ENV + ")");
    if (badUrl != null) {
      throw new PluginError(badUrl); // before the token is read, let alone sent
    }
    try (Cluster cluster = clusterOptions.connect();
        HttpLaunchDarklyClient http = launchDarkly()) {
      List<Manifests.Document> resources =
          target.file != null
              ? Manifests.read(target.file)
              : List.of(
                  new Manifests.Document(cluster.get(cluster.namespace(), target.name), null));
      int exit = ExitCodes.OK;
      for (Manifests.Document document : resources) {
        FlagRelease resource = document.resource();
        if (resources.size() > 1) {
          out.println("--- " + named(resource));
        }
        int one;
        try {
          one = plan(live(document, cluster, out), cluster, http, out);
        } catch (PluginError e) {
          if (resources.size() == 1) {
            throw e;
          }
          spec.commandLine().getErr().println("error: " + e.getMessage());
          one = ExitCodes.ERROR;
        }
        exit = worse(exit, one);
        out.flush();
      }
      return exit;
    } catch (Exception e) {
      throw e instanceof PluginError error ? error : new PluginError(Messages.oneLine(e));
    }
  }

  /**
   * The resource as the operator will see it once the manifest is applied: the manifest's spec
   * (with the fields it leaves out as applying leaves them) and the live resource's identity and
   * status.
   */
  private FlagRelease live(Manifests.Document document, Cluster cluster, PrintWriter out) {
    FlagRelease resource = document.resource();
    if (resource.getMetadata() == null || resource.getMetadata().getName() == null) {
      throw new PluginError(named(resource) + ": metadata.name is required");
    }
    String namespace = resource.getMetadata().getNamespace();
    if (namespace == null) {
      resource.getMetadata().setNamespace(cluster.namespace());
    } else if (clusterOptions.namespace != null && !clusterOptions.namespace.equals(namespace)) {
      // as kubectl apply refuses it: planning the manifest's namespace would describe (and read
      // the token Secret of) a resource that -n says is not the one meant
      throw new PluginError(
          "flagrelease \""
              + resource.getMetadata().getName()
              + "\" is in namespace \""
              + namespace
              + "\" in the manifest but -n says \""
              + clusterOptions.namespace
              + "\": drop -n or make them agree");
    }
    if (target.file == null) {
      return resource;
    }
    Optional<FlagRelease> inCluster =
        cluster.find(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
    // a status in the manifest (one exported with kubectl get -o yaml) is not the resource's: the
    // API server drops it on create, and the live one stands for an existing resource
    inCluster.ifPresent(
        found -> {
          AppliedSpec.keepUnset(resource, document.spec(), found, out);
          refusedByTheApiServer(resource, found);
        });
    resource.setStatus(inCluster.map(FlagRelease::getStatus).orElse(null));
    resource.getMetadata().setUid(inCluster.map(f -> f.getMetadata().getUid()).orElse(null));
    resource
        .getMetadata()
        .setDeletionTimestamp(
            inCluster.map(f -> f.getMetadata().getDeletionTimestamp()).orElse(null));
    return resource;
  }

  private int plan(
      FlagRelease resource, Cluster cluster, HttpLaunchDarklyClient http, PrintWriter out) {
    var spec = resource.getSpec();
    if (spec == null) {
      throw new PluginError("flagrelease \"" + resource.getMetadata().getName() + "\": no spec");
    }
    PlanReport report = new PlanReport(resource, out);
    if (resource.getMetadata().getDeletionTimestamp() != null) {
      return deleting(resource, report); // as the operator: the spec's checks no longer apply
    }
    Optional<Verdict> invalid = ReleasePlanner.validate(spec);
    if (invalid.isPresent()) {
      throw new PluginError(
          "flagrelease \""
              + resource.getMetadata().getName()
              + "\": "
              + invalid.get().reason()
              + ": "
              + invalid.get().message()
              + report.moveWaits());
    }
    if (spec.isSuspend()) {
      report.suspended();
      return ExitCodes.OK;
    }
    PlanToken token;
    try {
      token = PlanToken.resolve(resource, tokenFile, cluster);
    } catch (PlanToken.SecretUnavailable e) {
      throw new PluginError(e.getMessage() + report.moveWaits());
    }
    ReadOnlyLaunchDarkly readOnly = new ReadOnlyLaunchDarkly(http);
    PlanEvents events = new PlanEvents();
    // as the operator does first: a release created through another token source counts as adopted
    TokenSourceChange.adoptCreatedRelease(resource, events);
    SyncResult result;
    try {
      result =
          new ReleaseSync(readOnly, new PipelineCatalog(), events, Clock.systemUTC())
              .sync(resource, token.token(), ReleaseSync.Writes.preview(spec), (s, o, a) -> {});
    } catch (SyncException e) {
      throw new PluginError(
          "LaunchDarkly at "
              + baseUrl
              + ", "
              + e.step()
              + " with "
              + token.source()
              + ": "
              + token.token().redact(e.launchDarklyError().getMessage())
              + report.moveWaits(e.seen()));
    }
    Optional<Verdict> stopAfterCreate = stopAfterCreate(resource, result, readOnly, token);
    report.print(result, token.source(), readOnly.calls(), events.recorded(), flag(resource));
    if (stopAfterCreate.isPresent()) {
      report.stopsAfterCreate(stopAfterCreate.get());
      return ExitCodes.ERROR;
    }
    Verdict verdict = result.plan().verdict();
    if (verdict.kind() == Verdict.Kind.BLOCKED) {
      return ExitCodes.ERROR;
    }
    // waiting is a change too: the operator makes its calls once LaunchDarkly moves first (a
    // move or a phase a guardrail holds), so a CI gate must not read it as "nothing to review"
    boolean changes =
        result.plan().hasWrites()
            || (verdict.kind() == Verdict.Kind.WAITING
                && PlanReport.writesRemain(spec, result.seen().release()));
    return changes && spec.getManagementPolicy() == ManagementPolicy.Manage
        ? ExitCodes.TIMEOUT_OR_CHANGES
        : ExitCodes.OK;
  }

  /**
   * The stop the operator comes to once it created the release (the planner checks the spec against
   * a release only once there is one): the pipeline read now, as the move path reads it before
   * deleting anything. Empty when the plan creates nothing, or nothing stops it.
   */
  private static Optional<Verdict> stopAfterCreate(
      FlagRelease resource, SyncResult result, ReadOnlyLaunchDarkly readOnly, PlanToken token) {
    var spec = resource.getSpec();
    boolean creates =
        result.seen().release() == null
            && result.plan().actions().stream()
                .anyMatch(a -> a instanceof ReleaseAction.CreateRelease);
    if (!creates || spec.getManagementPolicy() != ManagementPolicy.Manage) {
      return Optional.empty();
    }
    try {
      return readOnly
          .getReleasePipeline(token.token(), spec.getProjectKey(), spec.getReleasePipelineKey())
          .map(pipeline -> ReleasePlanner.misfit(spec, pipeline))
          .orElseGet(
              () ->
                  Optional.of(
                      Verdict.blocked(
                          Reasons.NOT_FOUND,
                          "spec.releasePipelineKey: project '"
                              + spec.getProjectKey()
                              + "' has no release pipeline '"
                              + spec.getReleasePipelineKey()
                              + "', so LaunchDarkly refuses the create")));
    } catch (LaunchDarklyException e) {
      return Optional.empty(); // the plan stands as printed; the create's own answer will tell
    }
  }

  /**
   * A FlagRelease being deleted: the operator applies no spec change, it only finishes the deletion
   * as ReleaseDeletion does (whether the CRD itself is being deleted is not read here).
   */
  private static int deleting(FlagRelease resource, PlanReport report) {
    var spec = resource.getSpec();
    TokenSourceChange.adoptCreatedRelease(resource, new PlanEvents());
    Ownership owned = Ownership.of(resource.getStatus());
    Optional<String> unknownPolicy = ReleasePlanner.unknownPolicy(spec);
    String left;
    boolean policyDeletes = false;
    if (spec.getDeletionPolicy() == DeletionPolicy.Orphan) {
      left = "deletionPolicy is Orphan";
    } else if (spec.getManagementPolicy() == ManagementPolicy.Observe) {
      left = "managementPolicy is Observe";
    } else if (!owned.ownsAny()) {
      left = "this FlagRelease owns no release";
      policyDeletes = unknownPolicy.isEmpty(); // as ReleaseDeletion
    } else if (unknownPolicy.isPresent()) {
      report.deletionWaits(unknownPolicy.get());
      return ExitCodes.ERROR;
    } else if (owned.keepsAdopted(spec.getDeletionPolicy())) {
      left = "this FlagRelease adopted it (deletionPolicy DeleteEvenIfAdopted deletes it too)";
    } else {
      report.deletes(owned.pipelineKey(), owned.origin());
      return ExitCodes.TIMEOUT_OR_CHANGES;
    }
    PipelineMove move =
        resource.getStatus() == null ? null : resource.getStatus().getUnfinishedMove();
    if (move != null) {
      // as the operator: a policy that deletes the release it owns finds nothing left to delete,
      // unless the last read still showed the release (its DELETE may not have gone out)
      ObservedRelease seen = resource.getStatus().getRelease();
      boolean stillSeen = seen != null && move.getFrom().equals(seen.getPipelineKey());
      report.leavesAfterAMove(move, left, policyDeletes, stillSeen);
    } else {
      report.leaves(left);
    }
    return ExitCodes.OK;
  }

  private HttpLaunchDarklyClient launchDarkly() {
    return new HttpLaunchDarklyClient(
        baseUrl,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        new ObjectMapper(),
        Clock.systemUTC(),
        HttpLaunchDarklyClient.ResponseListener.NONE,
        "kubectl-flagrelease/" + OperatorVersion.version(),
        CallGuard.NONE);
  }

  /**
   * The keys the CRD makes immutable: an apply that changes one is refused, so nothing reaches the
   * operator (planning it would read, and describe writes to, another flag's release).
   */
  private static void refusedByTheApiServer(FlagRelease resource, FlagRelease found) {
    var wanted = resource.getSpec();
    var live = found.getSpec();
    if (wanted == null || live == null) {
      return;
    }
    String field =
        !Objects.equals(wanted.getProjectKey(), live.getProjectKey())
            ? "projectKey"
            : !Objects.equals(wanted.getFlagKey(), live.getFlagKey()) ? "flagKey" : null;
    if (field != null) {
      throw new PluginError(
          "flagrelease \""
              + named(resource)
              + "\": spec."
              + field
              + " is immutable, so the API server refuses this apply (the cluster's: "
              + live.getProjectKey()
              + "/"
              + live.getFlagKey()
              + "); a FlagRelease of another name releases another flag");
    }
  }

  /** How a manifest's FlagRelease is named in the output, a nameless one included. */
  private static String named(FlagRelease resource) {
    String name = resource.getMetadata() == null ? null : resource.getMetadata().getName();
    return name == null ? "a FlagRelease without metadata.name" : name;
  }

  private static FlagRef flag(FlagRelease resource) {
    return new FlagRef(resource.getSpec().getProjectKey(), resource.getSpec().getFlagKey());
  }

  /** terraform's order: an error outweighs changes, changes outweigh none. */
  private static int worse(int a, int b) {
    if (a == ExitCodes.ERROR || b == ExitCodes.ERROR) {
      return ExitCodes.ERROR;
    }
    return Math.max(a, b);
  }
}
