package io.flagops.operator.e2e;

import static io.flagops.operator.api.v1alpha1.DesiredPhaseStatus.Started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flagops.operator.api.v1alpha1.ConditionTypes;
import io.flagops.operator.api.v1alpha1.DeletionPolicy;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.simulator.CallLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
        .contains("flagrelease_leader 1.0") // leader election is off: it reconciles
        .contains("flagrelease_reconcile_duration_seconds_count{result=\"Ready\"}")
        .contains("flagrelease_launchdarkly_budget_wait_seconds_count")
        .containsPattern("flagrelease_launchdarkly_budget_rate [0-9]");
  }

  /**
   * The token alert counts the increase of 401 and 403 answers, which misses a series' first
   * sample: so each route's series are there, at 0, before any refusal.
   */
  @Test
  void refusalsOfEveryRouteAreExportedAtZeroBeforeTheFirst() throws Exception {
    String text = scrape();

    for (String route :
        List.of(
            "GET_RELEASE",
            "GET_PIPELINE",
            "CREATE_RELEASE",
            "UPDATE_PHASE",
            "PATCH_RELEASE",
            "DELETE_RELEASE")) {
      for (String status : List.of("401", "403")) {
        assertThat(text)
            .containsPattern(
                "flagrelease_launchdarkly_requests_total\\{route=\""
                    + route
                    + "\",status=\""
                    + status
                    + "\"} [0-9.]+");
      }
    }
    assertThat(text)
        .contains(
            "flagrelease_launchdarkly_requests_total{route=\"DELETE_RELEASE\",status=\"403\"} 0.0");
  }

  @Test
  void everyMetricTheAlertsAndTheDashboardUseIsExported() throws Exception {
    // a 429 first: the rate-limit metrics exist from the first pause on
    simulator.faults().rateLimitNextUntil(Instant.now().plusSeconds(1));
    create("watched", spec("flag-31", "fast-track", phase("Canary", Started)));
    awaitReady("watched");

    Set<String> exported =
        scrape()
            .lines()
            .filter(line -> !line.startsWith("#") && !line.isBlank())
            .map(line -> line.split("[{ ]", 2)[0])
            .collect(Collectors.toSet());
    Path chart = Path.of("deploy/helm/flagrelease-operator/files");
    Set<String> used = new TreeSet<>();
    for (String file : List.of("alerts.yaml", "dashboard.json")) {
      Matcher metric =
          Pattern.compile("\\bflagrelease_[a-z_]+").matcher(Files.readString(chart.resolve(file)));
      while (metric.find()) {
        used.add(metric.group());
      }
    }

    assertThat(used).as("metrics the alerts and the dashboard query").hasSizeGreaterThan(5);
    assertThat(exported).containsAll(used);
  }

  @Test
  void aDeletionOnlyAPersonCanUnblockCountsAsStalledForTheAlert() throws Exception {
    tokenSecret("ld-token-metrics", SimulatorResource.SECRET_TOKEN);
    FlagReleaseSpec spec =
        specThrough("ld-token-metrics", "flag-70", "fast-track", phase("Canary", Started));
    create("blocked", spec);
    awaitReady("blocked");
    double stalledBefore = gauge("flagrelease_resources_stalled");
    double deletionPassesBefore = gauge(DELETION_PASSES);

    client.secrets().inNamespace(NAMESPACE).withName("ld-token-metrics").delete();
    awaitTokenSecretMissing("blocked");
    releases().withName("blocked").delete();
    awaitCondition("blocked", ConditionTypes.STALLED, "True", "DeletionBlocked");

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(gauge("flagrelease_resources_stalled"))
                    .as("the FlagReleaseStalled alert counts a blocked deletion")
                    .isEqualTo(stalledBefore + 1));
    assertThat(gauge(DELETION_PASSES))
        .as("passes of a deletion are timed, as every other pass")
        .isGreaterThan(deletionPassesBefore);

    edit("blocked", s -> s.setDeletionPolicy(DeletionPolicy.Orphan));
    await().atMost(TIMEOUT).until(() -> get("blocked") == null);
    await().atMost(TIMEOUT).until(() -> gauge("flagrelease_resources_stalled") == stalledBefore);
  }

  /**
   * The 429s of calls already on their way when a pause began do not add their pause again:
   * FlagReleaseRateLimited reads the sum as a share of wall-clock time.
   */
  @Test
  void overlappingRateLimitPausesAreCountedOnce() throws Exception {
    double pausedBefore = gauge(PAUSE_SECONDS);
    double pausesBefore = gauge("flagrelease_launchdarkly_ratelimit_pauses_total");
    long startedAt = System.nanoTime();
    // the calls sent within a second of the first one are all on their way when its 429 comes
    // (the latency), and each gets a 429 asking for 3 s
    simulator.faults().latency(java.time.Duration.ofSeconds(1));
    simulator
        .faults()
        .rateLimitStormFromNext(
            CallLog.GET_RELEASE,
            java.time.Duration.ofMillis(1500),
            java.time.Duration.ofSeconds(3));
    for (String flag : List.of("flag-90", "flag-84", "flag-85", "flag-86")) {
      create("paused-" + flag, spec(flag, "fast-track"));
    }
    for (String flag : List.of("flag-90", "flag-84", "flag-85", "flag-86")) {
      awaitReady("paused-" + flag);
    }
    simulator.faults().latency(java.time.Duration.ZERO);
    double elapsed = (System.nanoTime() - startedAt) / 1e9;

    assertThat(gauge("flagrelease_launchdarkly_ratelimit_pauses_total") - pausesBefore)
        .as("several 429s, of calls on their way together")
        .isGreaterThan(1);
    assertThat(gauge(PAUSE_SECONDS) - pausedBefore)
        .as("paused seconds, against %.1f s of wall-clock time", elapsed)
        .isGreaterThan(2.5)
        .isLessThanOrEqualTo(elapsed);
  }

  /** An answer that came but could not be read is one call, counted with its status. */
  @Test
  void aGarbledAnswerIsCountedOnce() throws Exception {
    String unanswered =
        "flagrelease_launchdarkly_requests_total{route=\"GET_RELEASE\",status=\"none\"}";
    double before = gauge(unanswered);
    simulator.faults().respondNext(1, 200, "application/json", "{\"garbled");
    create("garbled", spec("flag-88", "fast-track"));
    awaitReady("garbled");

    assertThat(gauge(unanswered) - before).as("already counted as status 200").isZero();
  }

  private static final String PAUSE_SECONDS =
      "flagrelease_launchdarkly_ratelimit_pause_seconds_sum";

  private static final String DELETION_PASSES =
      "flagrelease_reconcile_duration_seconds_count{result=\"Deleting\"}";

  /** The value of one exported series, 0 when it is not exported (yet). */
  private double gauge(String series) throws IOException, InterruptedException {
    return scrape()
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .findFirst()
        .orElse(0);
  }

  private String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
