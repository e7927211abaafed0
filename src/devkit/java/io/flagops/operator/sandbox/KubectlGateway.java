package io.flagops.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * An HTTP server (Vert.x Web) in front of the Fabric8 mock API server that answers what the real
 * {@code kubectl} needs and the mock does not: API discovery, OpenAPI v3 (so {@code kubectl apply}
 * validates, and {@code kubectl explain} works), server-side tables with the CRD's printer columns,
 * watches as chunked HTTP streams ({@code get -w}, {@code wait}), merge patches that replace lists
 * (RFC 7386), field selectors, CRD schema validation and defaults. Everything else goes to the mock
 * unchanged. It listens on 127.0.0.1 only.
 */
public final class KubectlGateway implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(KubectlGateway.class);
  private static final int WORKERS = 32;
  private static final Duration HEARTBEAT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final String url;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KubectlGateway(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.url = "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * Serves on 127.0.0.1:port (0 = any) in front of the mock server at mockUrl; crds are the CRDs to
   * serve (in discovery, OpenAPI, tables and admission). Its kubeconfig names the namespace
   * "default", which the caller creates, as a real cluster has it.
   */
  public static KubectlGateway start(
      int port, String mockUrl, List<CustomResourceDefinition> crds) {
    List<JsonNode> definitions =
        crds.stream().map(crd -> Json.parse(Serialization.asJson(crd))).toList();
    Vertx vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(WORKERS));
    try {
      GatewayRouter routes =
          new GatewayRouter(
              vertx,
              new ResourceCatalog(definitions),
              new MockClient(vertx, mockUrl),
              new Tables(Clock.systemUTC()),
              HEARTBEAT);
      HttpServer server =
          vertx
              .createHttpServer(
                  new HttpServerOptions()
                      // HTTP/1.1, as kubectl speaks it: a JDK client's h2c upgrade is declined
                      .setHttp2ClearTextEnabled(false)
                      // long label selectors and tokens, as an API server takes them
                      .setMaxInitialLineLength(64 * 1024)
                      .setMaxHeaderSize(64 * 1024))
              .requestHandler(routes.router())
              .listen(port, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      KubectlGateway gateway = new KubectlGateway(vertx, server);
      LOG.infof("kubectl gateway listening on %s in front of %s", gateway.url(), mockUrl);
      return gateway;
    } catch (Exception e) {
      vertx.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new UncheckedIOException(
          "cannot start the kubectl gateway on port " + port, new IOException(e));
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

  /** Stops listening and ends open watches; safe to call twice. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.debugf("kubectl gateway on %s did not close cleanly: %s", url, e.getMessage());
      }
      LOG.debugf("kubectl gateway on %s closed", url);
    }
  }
}
