package io.flagops.operator.packaged;

import static io.flagops.operator.packaged.OperatorJar.freePort;
import static io.flagops.operator.packaged.OperatorJar.writeKubeconfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.flagops.operator.embedded.LeaseAccess;
import io.flagops.operator.sandbox.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
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
  }

  @Test
  void aLeaderWhoseLeaseAnotherReplicaTookExitsSoItsPodRestartsAsAFollower() {
    var lease = startLeading();

    // what a replica that saw the Lease expire (the leader cut off from the API server) writes
    lease.edit(
        taken -> {
          taken.getSpec().setHolderIdentity("replica-b");
          taken.getSpec().setAcquireTime(ZonedDateTime.now());
          taken.getSpec().setRenewTime(ZonedDateTime.now());
          taken.getSpec().setLeaseTransitions(taken.getSpec().getLeaseTransitions() + 1);
          return taken;
        });

    OperatorJar.Result ended = operator.awaitExit();
    assertThat(ended.exitCode()).as("stdout %s", ended.stdout()).isEqualTo(1);
    assertThat(ended.stdout())
        .anyMatch(line -> line.contains("Lost the Lease 'flagrelease-operator'"));
    assertThat(holder(lease.get())).as("the new leader keeps the Lease").isEqualTo("replica-b");
  }

  /** A leader stopped as the kubelet stops it ends at once, without calling it a lost Lease. */
  @Test
  void aLeaderStoppedByItsPodEndsWithoutClaimingItLostTheLease() {
    startLeading();

    OperatorJar.Result ended = operator.stop();

    assertThat(ended.exitCode()).as("stdout %s", ended.stdout()).isNotEqualTo(1);
    assertThat(ended.stdout()).noneMatch(line -> line.contains("Lost the Lease"));
  }

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
    Path kubeconfig = writeKubeconfig(dir.resolve("kubeconfig"), cluster.url("/"));
    operator =
        OperatorJar.start(
            dir,
            Map.of(
                "LAUNCHDARKLY_ACCESS_TOKEN",
                "api-dummy-token",
                "KUBECONFIG",
                kubeconfig.toString(),
                "QUARKUS_HTTP_PORT",
                String.valueOf(freePort()),
                "FLAGRELEASE_LEADER_ELECTION_ENABLED",
                "true",
                "POD_NAMESPACE",
                NAMESPACE,
                "POD_NAME",
                "replica-a"));
    Resource<Lease> lease = client.leases().inNamespace(NAMESPACE).withName(LEASE);
    await()
        .atMost(OperatorJar.START)
        .failFast("the operator ended before it led", () -> !operator.isAlive())
        .until(() -> lease.get() != null && "replica-a".equals(holder(lease.get())));
    return lease;
  }

  private static String holder(Lease lease) {
    return lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }
}
