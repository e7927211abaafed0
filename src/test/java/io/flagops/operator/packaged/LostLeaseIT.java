package io.flagops.operator.packaged;

import static io.flagops.operator.packaged.OperatorJar.freePort;
import static io.flagops.operator.packaged.OperatorJar.writeKubeconfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.embedded.LeaseAccess;
import io.flagops.operator.sandbox.Sandbox;
import io.flagops.operator.simulator.CallLog;
import io.flagops.operator.simulator.LaunchDarklySimulator;
import io.flagops.operator.simulator.SimulatorSeed;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator with leader election on, as the Helm chart and the high-availability
 * overlay run it: a leader that loses its Lease (it could not renew it in time, and another replica
 * took it) must stop, or two replicas write to LaunchDarkly at once.
 */
class LostLeaseIT {
  private static final String NAMESPACE = "flagrelease-system";
  private static final String LEASE = "flagrelease-operator";

  @TempDir Path dir;

  private KubernetesMockServer cluster;
  private KubernetesClient client;
  private OperatorJar operator;
  private LaunchDarklySimulator simulator;

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.destroy();
    }
    if (simulator != null) {
      simulator.close();
    }
  }

  @Test
  void aLeaderWhoseLeaseAnotherReplicaTookExitsSoItsPodRestartsAsAFollower() {
    var lease = startLeading();

    // what a replica that saw the Lease expire (the leader cut off from the API server) writes;
    // tried again when the leader's renewal came first (a 409)
    await()
        .atMost(OperatorJar.START)
        .ignoreException(KubernetesClientException.class)
        .until(
            () ->
                lease.edit(
                        taken -> {
                          taken.getSpec().setHolderIdentity("replica-b");
                          taken.getSpec().setAcquireTime(ZonedDateTime.now());
                          taken.getSpec().setRenewTime(ZonedDateTime.now());
                          taken
                              .getSpec()
                              .setLeaseTransitions(taken.getSpec().getLeaseTransitions() + 1);
                          return taken;
                        })
                    != null);

    OperatorJar.Result ended = operator.awaitExit();
    assertThat(ended.exitCode()).as("stdout %s", ended.stdout()).isEqualTo(1);
    assertThat(ended.stdout())
        .anyMatch(line -> line.contains("Lost the Lease 'flagrelease-operator'"));
    assertThat(holder(lease.get())).as("the new leader keeps the Lease").isEqualTo("replica-b");
  }

  /**
   * The leader renews its Lease with verbs the shipped RBAC grants (the mock enforces no RBAC): a
   * verb missing there is a 403 on a real cluster, and the leader then exits at each renewal and no
   * replica ever leads again. Stopped as the kubelet stops it while a write to LaunchDarkly is in
   * flight (an upgrade, a drain), it lets that pass finish, so the status records the write, then
   * ends without calling it a lost Lease. (One test: each start of the packaged operator costs
   * seconds.)
   */
  @Test
  void aLeaderRenewsAsTheShippedRoleGrantsAndEndsCleanlyWhenItsPodStops() throws Exception {
    var lease = startLeading();
    String firstRenewal = lease.get().getSpec().getRenewTime().toString();
    await()
        .atMost(OperatorJar.START)
        .until(() -> !firstRenewal.equals(lease.get().getSpec().getRenewTime().toString()));
    // the pod is told to stop just as LaunchDarkly gets the phase write, before it answers
    AtomicReference<OperatorJar.Result> ended = new AtomicReference<>();
    Thread stopping = new Thread(() -> ended.set(operator.stop()), "kubelet");
    simulator
        .faults()
        .changeBeforeNext(
            CallLog.UPDATE_PHASE,
            () -> {
              stopping.start();
              // LaunchDarkly is slow to answer: once the pod has gone, or after 2 s
              try {
                await().atMost(Duration.ofSeconds(2)).until(() -> !operator.isAlive());
              } catch (ConditionTimeoutException answeredInTime) {
                // the operator waited for the answer
              }
            });
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey("chaos");
    spec.setFlagKey("c-01");
    spec.setReleasePipelineKey("two-step");
    spec.setPhases(List.of(new PhaseSpec("One", DesiredPhaseStatus.Started)));
    FlagRelease inFlight = new FlagRelease();
    inFlight.getMetadata().setName("in-flight");
    inFlight.getMetadata().setNamespace("default");
    inFlight.setSpec(spec);
    client.resource(inFlight).create();

    await().atMost(OperatorJar.START).until(() -> ended.get() != null);
    assertThat(simulator.calls().count(CallLog.UPDATE_PHASE))
        .as(
            "exit %s stdout %s stderr %s",
            ended.get().exitCode(), ended.get().stdout(), ended.get().stderr())
        .isEqualTo(1);
    FlagRelease recorded = client.resource(inFlight).get();
    assertThat(recorded.getStatus().getPhases())
        .as("the status records the write that was in flight; stdout %s", ended.get().stdout())
        .anyMatch(phase -> phase.getName().equals("One") && phase.getStatus().equals("Started"));

    assertThat(ended.get().exitCode()).as("stdout %s", ended.get().stdout()).isNotEqualTo(1);
    assertThat(ended.get().stdout()).noneMatch(line -> line.contains("Lost the Lease"));
    String leases = "/apis/coordination.k8s.io/v1/namespaces/" + NAMESPACE + "/leases";
    Set<String> used = new TreeSet<>();
    for (var request = cluster.takeRequest(1, TimeUnit.SECONDS);
        request != null;
        request = cluster.takeRequest(1, TimeUnit.SECONDS)) {
      String path = request.getPath().replaceFirst("\\?.*", "");
      if (path.startsWith(leases)) {
        // "verb" on the collection, or "verb name" on one Lease, as RBAC authorizes them
        String name = path.substring(leases.length()).replaceFirst("^/", "");
        used.add((VERBS.get(request.getMethod()) + " " + name).trim());
      }
    }
    List<HasMetadata> documents =
        new KubernetesSerialization()
            .unmarshal(
                Files.readString(Path.of("deploy/kustomize/base/rbac-leader-election.yaml")));
    Role shipped =
        documents.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(used).contains("get " + LEASE, "create");
    assertThat(used)
        .as("the Lease rules the chart and kustomize ship (the deploy tests hold them equal)")
        .allMatch(request -> granted(shipped, request));
  }

  /** Whether a rule grants the verb, on any Lease or on the one named, as RBAC decides. */
  private static boolean granted(Role role, String request) {
    String[] verbAndName = request.split(" ", 2);
    return role.getRules().stream()
        .filter(rule -> rule.getVerbs().contains(verbAndName[0]))
        .anyMatch(
            rule ->
                rule.getResourceNames() == null
                    || rule.getResourceNames().isEmpty()
                    || (verbAndName.length == 2
                        && rule.getResourceNames().contains(verbAndName[1])));
  }

  private static final Map<String, String> VERBS =
      Map.of("GET", "get", "POST", "create", "PUT", "update", "PATCH", "patch", "DELETE", "delete");

  /** The packaged operator, leader of the Lease, against a CRUD mock API with the CRD. */
  private Resource<Lease> startLeading() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    cluster =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            expectations,
            new KubernetesMixedDispatcher(expectations),
            false);
    cluster.init(InetAddress.getLoopbackAddress(), 0);
    LeaseAccess.grantedBy(cluster);
    client = cluster.createClient();
    try (InputStream crd = Sandbox.class.getResourceAsStream(Sandbox.CRD_RESOURCE)) {
      Sandbox.installCrd(client, crd);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream seed = LostLeaseIT.class.getResourceAsStream("/simulator/chaos-seed.yaml")) {
      simulator =
          LaunchDarklySimulator.start(
              0, SimulatorSeed.parse(new String(seed.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Path kubeconfig = writeKubeconfig(dir.resolve("kubeconfig"), cluster.url("/"));
    int port = freePort();
    operator =
        OperatorJar.start(
            dir,
            Map.ofEntries(
                Map.entry("LAUNCHDARKLY_ACCESS_TOKEN", "api-e2e-default-token-5f2c9a81"),
                Map.entry("LAUNCHDARKLY_BASE_URL", simulator.baseUrl()),
                Map.entry("FLAGRELEASE_DEFAULT_TOKEN_GRANTS", "*=*"),
                Map.entry("KUBECONFIG", kubeconfig.toString()),
                Map.entry("QUARKUS_HTTP_PORT", String.valueOf(port)),
                Map.entry("FLAGRELEASE_LEADER_ELECTION_ENABLED", "true"),
                Map.entry("POD_NAMESPACE", NAMESPACE),
                Map.entry("POD_NAME", "replica-a")));
    Resource<Lease> lease = client.leases().inNamespace(NAMESPACE).withName(LEASE);
    await()
        .atMost(OperatorJar.START)
        .failFast("the operator ended before it led", () -> !operator.isAlive())
        .until(() -> lease.get() != null && "replica-a".equals(holder(lease.get())));
    // the gauge the operator-down alert reads: 1 on the replica that took the Lease
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest metrics =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build();
    await()
        .atMost(OperatorJar.START)
        .ignoreExceptions()
        .until(
            () ->
                http.send(metrics, HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains("flagrelease_leader 1.0"));
    return lease;
  }

  private static String holder(Lease lease) {
    return lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
