package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What Prometheus scrapes from /q/metrics after some work. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = SimulatorResource.class, restrictToAnnotatedClass = true)
class MetricsIT extends OperatorTestBase {
  @TestHTTPResource("/q/metrics")
  URI metrics;

  @Test
  void callsStatesBreakerAndReconcileDurationsAreExported() throws Exception {
    simulator.faults().failNext(1, 503);
    create("measured", spec("flag-30", "fast-track", phase("Canary", Started)));
    awaitReady("measured");

    String text = scrape();

    assertThat(text)
        .containsPattern(
            "flagrelease_launchdarkly_requests_total\\{route=\"GET_RELEASE\",status=\"503\"} 1\\.0")
        .containsPattern(
            "flagrelease_launchdarkly_requests_total\\{route=\"CREATE_RELEASE\",status=\"200\"} 1\\.0")
        .containsPattern(
            "flagrelease_launchdarkly_requests_total\\{route=\"UPDATE_PHASE\",status=\"200\"} 1\\.0")
        .containsPattern("flagrelease_resources\\{state=\"Ready\"} [1-9]")
        .contains("flagrelease_launchdarkly_circuit_state 0.0")
        .contains("flagrelease_reconcile_duration_seconds_count{result=\"Ready\"}")
        .contains("flagrelease_launchdarkly_budget_wait_seconds_count");
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
