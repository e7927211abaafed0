package io.flagops.operator.bench;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.flagops.operator.api.v1alpha1.DesiredPhaseStatus;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.api.v1alpha1.PhaseSpec;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import io.flagops.operator.sandbox.Sandbox;
import io.flagops.operator.simulator.LaunchDarklySimulator;
import io.flagops.operator.simulator.SimulatorSeed;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What the operator works against in the benchmark: a mock Kubernetes API holding {@code n}
 * FlagReleases and a LaunchDarkly simulator with {@code n} flags, a latency and a rate limit.
 * Counts the writes the operator makes to Kubernetes.
 */
final class BenchWorld implements AutoCloseable {
  static final String TOKEN = "api-bench-token";
  static final String PROJECT = "bench";
  static final String PIPELINE = "two-step";

  final KubernetesMockServer kubernetes;
  final KubernetesClient client;
  final LaunchDarklySimulator launchDarkly;
  private final AtomicLong kubernetesWrites = new AtomicLong();
  private final AtomicLong requestsSeen = new AtomicLong();
  private volatile Instant firstWriteAt;
  private final Thread requestCounter;
  private volatile boolean closed;

  BenchWorld(int n, Duration latency, int ratePerSecond) {
    kubernetes = Sandbox.newCrudMockServer();
    kubernetes.init(InetAddress.getLoopbackAddress(), 0);
    client = kubernetes.createClient();
    try (InputStream crd = BenchWorld.class.getResourceAsStream(Sandbox.CRD_RESOURCE)) {
      Sandbox.installCrd(client, crd);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    launchDarkly = LaunchDarklySimulator.start(0, SimulatorSeed.parse(seed(n)));
    // LaunchDarkly counts in 10 s windows; so does the simulator here
    launchDarkly.faults().latency(latency).rateLimit(ratePerSecond * 10, Duration.ofSeconds(10));
    requestCounter = new Thread(this::countWrites, "bench-kubernetes-writes");
    requestCounter.setDaemon(true);
    requestCounter.start();
  }

  /** Creates the FlagReleases (each attaches one flag and starts the pipeline's first phase). */
  void apply(int n) {
    for (int i = 0; i < n; i++) {
      FlagReleaseSpec spec = new FlagReleaseSpec();
      spec.setProjectKey(PROJECT);
      spec.setFlagKey(flag(i));
      spec.setReleasePipelineKey(PIPELINE);
      spec.setPhases(List.of(new PhaseSpec("One", DesiredPhaseStatus.Started)));
      FlagRelease release = new FlagRelease();
      release.setMetadata(
          new ObjectMetaBuilder().withName(flag(i)).withNamespace("default").build());
      release.setSpec(spec);
      client.resource(release).create();
    }
    // count only what the operator writes: wait until the counter has seen the creates
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (requestsSeen.get() < kubernetes.getRequestCount() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
    kubernetesWrites.set(0);
    firstWriteAt = null;
  }

  /** Secrets that are not token Secrets (no label): the operator must not keep them. */
  void createUnrelatedSecrets(int count) {
    for (int i = 0; i < count; i++) {
      client
          .secrets()
          .inNamespace("default")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("unrelated-" + i)
                  .endMetadata()
                  .withStringData(java.util.Map.of("password", "x".repeat(256)))
                  .build())
          .create();
    }
  }

  /** A client for an operator: closing the operator must not close the world's own. */
  KubernetesClient newOperatorClient() {
    return kubernetes.createClient();
  }

  /** FlagReleases whose status says Ready for their current generation. */
  long readyCount() {
    return client.resources(FlagRelease.class).inNamespace("default").list().getItems().stream()
        .filter(r -> r.isSettledIn(ReleaseState.Ready))
        .count();
  }

  long kubernetesWrites() {
    return kubernetesWrites.get();
  }

  /** When the operator first wrote to Kubernetes (its first reconcile adds the finalizer). */
  Instant firstWriteAt() {
    return firstWriteAt;
  }

  static String flag(int i) {
    return String.format("flag-%05d", i);
  }

  private void countWrites() {
    while (!closed) {
      try {
        RecordedRequest request = kubernetes.takeRequest(200, TimeUnit.MILLISECONDS);
        if (request != null) {
          requestsSeen.incrementAndGet();
        }
        if (request != null && !"GET".equals(request.getMethod())) {
          if (kubernetesWrites.incrementAndGet() == 1) {
            firstWriteAt = Instant.now();
          }
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String seed(int n) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("tokens: [").append(TOKEN).append("]\n");
    yaml.append("projects:\n  - key: ").append(PROJECT).append("\n    flags:\n");
    for (int i = 0; i < n; i++) {
      yaml.append("      - key: ").append(flag(i)).append('\n');
    }
    yaml.append(
        """
            pipelines:
              - key: two-step
                name: Two steps
                phases:
                  - name: One
                    audiences: [{name: One env, environmentKey: test}]
                  - name: Two
                    audiences: [{name: Two env, environmentKey: production}]
        """);
    return yaml.toString();
  }

  @Override
  public void close() {
    closed = true;
    requestCounter.interrupt();
    launchDarkly.close();
    client.close();
    kubernetes.destroy();
  }
}
