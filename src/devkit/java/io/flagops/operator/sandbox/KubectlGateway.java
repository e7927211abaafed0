package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * An HTTP server in front of the Fabric8 mock API server that answers what the real {@code kubectl}
 * needs and the mock does not: API discovery, OpenAPI v3 (so {@code kubectl apply} validates, and
 * {@code kubectl explain} works), server-side tables with the CRD's printer columns, watches as
 * chunked HTTP streams ({@code get -w}, {@code wait}), merge patches that replace lists (RFC 7386),
 * field selectors, CRD schema validation and defaults. Everything else goes to the mock unchanged.
 *
 * <p>It listens on 127.0.0.1 only, with a bounded pool of request threads (watches hold one each,
 * and are limited to {@value #MAX_WATCHES}).
 */
public final class KubectlGateway implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(KubectlGateway.class);
  private static final int THREADS = 64;
  private static final int MAX_WATCHES = 48;
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);

  private final HttpServer server;
  private final GatewayHandler handler;
  private final ExecutorService requestThreads;
  private final String url;
  private final AtomicInteger closed = new AtomicInteger();

  private KubectlGateway(
      HttpServer server, GatewayHandler handler, ExecutorService requestThreads) {
    this.server = server;
    this.handler = handler;
    this.requestThreads = requestThreads;
    this.url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * Serves on 127.0.0.1:port (0 = any) in front of the mock server at mockUrl; crds are the CRDs to
   * serve (in discovery, OpenAPI, tables and admission).
   */
  public static KubectlGateway start(
      int port, String mockUrl, List<CustomResourceDefinition> crds) {
    List<JsonNode> definitions = new ArrayList<>();
    for (CustomResourceDefinition crd : crds) {
      definitions.add(Json.parse(Serialization.asJson(crd)));
    }
    ExecutorService requestThreads = pool("kubectl-gateway", THREADS);
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
      MockClient mock = new MockClient(mockUrl);
      ResourceCatalog catalog = new ResourceCatalog(definitions);
      String address = "127.0.0.1:" + server.getAddress().getPort();
      GatewayHandler handler =
          new GatewayHandler(
              catalog,
              new Discovery(catalog, address),
              new OpenApi(catalog),
              mock,
              new Tables(Clock.systemUTC()),
              MAX_WATCHES,
              HEARTBEAT);
      server.createContext("/", handler);
      server.setExecutor(requestThreads);
      server.start();
      KubectlGateway gateway = new KubectlGateway(server, handler, requestThreads);
      ensureDefaultNamespace(mock);
      LOG.infof("kubectl gateway listening on %s in front of %s", gateway.url(), mockUrl);
      return gateway;
    } catch (IOException e) {
      requestThreads.shutdownNow();
      throw new UncheckedIOException("cannot start the kubectl gateway on port " + port, e);
    }
  }

  public String url() {
    return url;
  }

  /**
   * Writes a kubeconfig (cluster, user with a dummy token, context "flagops-sandbox", namespace
   * "default") pointing at {@link #url()}; returns file.
   */
  public Path writeKubeconfig(Path file) {
    try {
      return Kubeconfig.write(file, url);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the kubeconfig " + file, e);
    }
  }

  /** Ends open watches, stops listening and stops the threads; safe to call twice. */
  @Override
  public void close() {
    if (closed.getAndIncrement() > 0) {
      return;
    }
    handler.close();
    server.stop(0);
    requestThreads.shutdownNow();
    try {
      requestThreads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.debugf("kubectl gateway on %s closed", url);
  }

  /** A real cluster has the namespace "default"; kubeconfigs of the sandbox use it. */
  private static void ensureDefaultNamespace(MockClient mock) {
    try {
      MockClient.Answer existing = mock.get("/api/v1/namespaces/" + Kubeconfig.NAMESPACE);
      if (existing.status() == 404) {
        String body =
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                + Kubeconfig.NAMESPACE
                + "\"},\"status\":{\"phase\":\"Active\"}}";
        mock.send(
            "POST",
            "/api/v1/namespaces",
            HttpIo.JSON,
            body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      LOG.debugf("Could not create the namespace default: %s", e.getMessage());
    }
  }

  private static ExecutorService pool(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory =
        runnable -> {
          Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
