package io.flagops.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.ReleaseState;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway over HTTP, for what kubectl relies on but does not show. */
class KubectlGatewayHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
          + "g=meta.k8s.io,application/json";
  private static final String FR = "/apis/flagops.io/v1alpha1/namespaces/default/flagreleases";
  private static final String MERGE = "application/merge-patch+json";

  @TempDir static Path dir;
  private static KubectlGatewaySandbox sandbox;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    sandbox = KubectlGatewaySandbox.start(dir);
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  @Test
  void discoveryAnswersWithThePlainDocuments() throws Exception {
    HttpResponse<String> apis =
        get(
            "/apis?timeout=32s",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");
    JsonNode resources = json(get("/apis/flagops.io/v1alpha1", null));
    JsonNode core = json(get("/api/v1", null));

    assertThat(apis.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json(apis).path("kind").asText()).isEqualTo("APIGroupList");
    assertThat(json(apis).findValuesAsText("name"))
        .contains("flagops.io", "coordination.k8s.io", "apiextensions.k8s.io");
    assertThat(json(get("/api", null)).path("versions").toString()).isEqualTo("[\"v1\"]");
    assertThat(json(get("/version", null)).path("gitVersion").asText()).startsWith("v1.32");
    JsonNode flagReleases = resources.path("resources").get(0);
    assertThat(flagReleases.path("name").asText()).isEqualTo("flagreleases");
    assertThat(flagReleases.path("singularName").asText()).isEqualTo("flagrelease");
    assertThat(flagReleases.path("kind").asText()).isEqualTo("FlagRelease");
    assertThat(flagReleases.path("namespaced").asBoolean()).isTrue();
    assertThat(flagReleases.path("shortNames").toString()).isEqualTo("[\"fr\"]");
    assertThat(flagReleases.path("categories").toString()).isEqualTo("[\"flagops\"]");
    assertThat(flagReleases.path("verbs").toString()).contains("watch", "patch", "create");
    assertThat(resources.path("resources").get(1).path("name").asText())
        .isEqualTo("flagreleases/status");
    assertThat(core.findValuesAsText("name"))
        .contains("namespaces", "secrets", "configmaps", "events", "serviceaccounts");
    assertThat(get("/apis/nope.io/v1", null).statusCode()).isEqualTo(404);
    assertThat(get("/openapi/v2", null).statusCode()).isEqualTo(404);
    assertThat(get("/nothing/here", null).statusCode()).isEqualTo(404);
  }

  @Test
  void openApiV3CarriesTheCrdSchemaAndFieldValidation() throws Exception {
    JsonNode root = json(get("/openapi/v3", null));
    String url =
        root.path("paths").path("apis/flagops.io/v1alpha1").path("serverRelativeURL").asText();
    JsonNode document = json(get(url, null));

    assertThat(url).startsWith("/openapi/v3/apis/flagops.io/v1alpha1?hash=");
    assertThat(root.path("paths").has("api/v1")).isTrue();
    JsonNode schema =
        document.path("components").path("schemas").path("io.flagops.v1alpha1.FlagRelease");
    assertThat(schema.path("x-kubernetes-group-version-kind").get(0).path("kind").asText())
        .isEqualTo("FlagRelease");
    assertThat(schema.at("/properties/spec/properties/deletionPolicy/enum").toString())
        .isEqualTo("[\"Delete\",\"DeleteEvenIfAdopted\",\"Orphan\"]");
    assertThat(schema.at("/properties/metadata/allOf/0/$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    JsonNode patch =
        document.path("paths").path(FR.replace("default", "{namespace}") + "/{name}").path("patch");
    assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText())
        .isEqualTo("FlagRelease");
    assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation");
  }

  @Test
  void tablesCarryThePrinterColumns() throws Exception {
    sandbox.create("table-a", "flag-ta");
    sandbox.create("table-b", "flag-tb");
    sandbox.setStatus("table-a", ReleaseState.Ready, "Production", "True");

    HttpResponse<String> answer = get(FR + "?limit=500", TABLE);
    JsonNode table = json(answer);
    JsonNode one = json(get(FR + "/table-b?includeObject=Object", TABLE));

    assertThat(answer.headers().firstValue("Content-Type").orElse("")).contains("as=Table");
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.path("columnDefinitions").findValuesAsText("name"))
        .containsExactly(
            "Name",
            "Project",
            "Flag",
            "Pipeline",
            "Current-Phase",
            "State",
            "Ready",
            "Reason",
            "Age",
            "Message");
    assertThat(table.path("columnDefinitions").get(8).path("type").asText()).isEqualTo("date");
    assertThat(table.path("columnDefinitions").get(9).path("priority").asInt()).isEqualTo(1);
    assertThat(table.path("columnDefinitions").get(0).path("format").asText()).isEqualTo("name");
    JsonNode rowA = row(table, "table-a");
    assertThat(rowA.path("cells").toString())
        .startsWith(
            "[\"table-a\",\"shop\",\"flag-ta\",\"standard\",\"Production\",\"Ready\",\"True\",");
    assertThat(rowA.path("cells").get(8).asText()).matches("\\d+s");
    assertThat(rowA.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(rowA.path("object").path("metadata").path("namespace").asText())
        .isEqualTo("default");
    JsonNode rowB = row(table, "table-b");
    assertThat(rowB.path("cells").get(4).isNull()).isTrue();
    assertThat(rowB.path("cells").get(6).isNull()).isTrue();
    assertThat(one.path("rows")).hasSize(1);
    assertThat(one.path("rows").get(0).path("object").path("spec").path("flagKey").asText())
        .isEqualTo("flag-tb");
  }

  @Test
  void mergePatchReplacesListsAndRemovesNulls() throws Exception {
    sandbox.create("merge", "flag-m");

    HttpResponse<String> answer =
        send(
            "PATCH",
            FR + "/merge",
            MERGE,
            "{\"spec\":{\"phases\":[{\"name\":\"Production\",\"status\":\"Complete\"}],"
                + "\"releasePipelineKey\":null}}");

    assertThat(answer.statusCode()).isEqualTo(422); // releasePipelineKey is required
    answer =
        send(
            "PATCH",
            FR + "/merge",
            MERGE,
            "{\"metadata\":{\"labels\":{\"tier\":\"gold\"}},"
                + "\"spec\":{\"phases\":[{\"name\":\"Production\",\"status\":\"Complete\"}],"
                + "\"releaseVariationId\":null}}");
    assertThat(answer.statusCode()).isEqualTo(200);
    FlagRelease stored = sandbox.get("merge");
    assertThat(stored.getSpec().getPhases()).hasSize(1);
    assertThat(stored.getSpec().getPhases().get(0).getName()).isEqualTo("Production");
    assertThat(stored.getMetadata().getLabels()).containsEntry("tier", "gold");
    assertThat(json(answer).path("metadata").path("resourceVersion").asText())
        .isEqualTo(stored.getMetadata().getResourceVersion());
  }

  @Test
  void patchesOfStatusAndSpecStayApart() throws Exception {
    sandbox.create("split", "flag-s");

    send(
        "PATCH",
        FR + "/split/status",
        MERGE,
        "{\"spec\":{\"flagKey\":\"changed\"},\"status\":{\"state\":\"Ready\"}}");
    send("PATCH", FR + "/split", MERGE, "{\"status\":{\"state\":\"Failed\"}}");

    FlagRelease stored = sandbox.get("split");
    assertThat(stored.getStatus().getState()).isEqualTo(ReleaseState.Ready);
    assertThat(stored.getSpec().getFlagKey()).isEqualTo("flag-s");
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void strategicMergePatchIsRefusedOnCustomResourcesAndMergedOnSecrets() throws Exception {
    sandbox.create("strategic", "flag-st");
    send(
        "POST",
        "/api/v1/namespaces/default/secrets",
        "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"smp\"},"
            + "\"stringData\":{\"a\":\"1\",\"b\":\"2\"}}");

    HttpResponse<String> custom =
        send(
            "PATCH",
            FR + "/strategic",
            "application/strategic-merge-patch+json",
            "{\"spec\":{\"suspend\":true}}");
    HttpResponse<String> secret =
        send(
            "PATCH",
            "/api/v1/namespaces/default/secrets/smp",
            "application/strategic-merge-patch+json",
            "{\"$setElementOrder/x\":[],\"data\":{\"a\":null,\"c\":\"Mw==\"}}");

    assertThat(custom.statusCode()).isEqualTo(415);
    assertThat(json(custom).path("kind").asText()).isEqualTo("Status");
    assertThat(secret.statusCode()).isEqualTo(200);
    var data = sandbox.mockClient.secrets().inNamespace("default").withName("smp").get().getData();
    assertThat(data).containsOnlyKeys("b", "c");
  }

  @Test
  void jsonPatchAndConflicts() throws Exception {
    FlagRelease created = sandbox.create("json", "flag-j");

    HttpResponse<String> replaced =
        send(
            "PATCH",
            FR + "/json",
            "application/json-patch+json",
            "[{\"op\":\"replace\",\"path\":\"/spec/phases/0/status\",\"value\":\"Started\"}]");
    HttpResponse<String> stale =
        send(
            "PATCH",
            FR + "/json",
            MERGE,
            "{\"metadata\":{\"resourceVersion\":\""
                + created.getMetadata().getResourceVersion()
                + "\"},\"spec\":{\"suspend\":true}}");

    assertThat(replaced.statusCode()).isEqualTo(200);
    assertThat(sandbox.get("json").getSpec().getPhases().get(0).getStatus()).hasToString("Started");
    assertThat(stale.statusCode()).isEqualTo(409);
    assertThat(sandbox.get("json").getSpec().isSuspend()).isFalse();
  }

  @Test
  void removingTheLastFinalizerAnswersTheObject() throws Exception {
    sandbox.create("final-patch", "flag-f1", "flagops.io/finalizer");
    sandbox.create("final-put", "flag-f2", "flagops.io/finalizer");
    sandbox.create("final-client", "flag-f3", "flagops.io/finalizer");
    send("DELETE", FR + "/final-patch", null, null);
    send("DELETE", FR + "/final-put", null, null);
    send("DELETE", FR + "/final-client", null, null);

    HttpResponse<String> patched =
        send("PATCH", FR + "/final-patch", MERGE, "{\"metadata\":{\"finalizers\":null}}");
    JsonNode current = json(get(FR + "/final-put", null));
    ((com.fasterxml.jackson.databind.node.ObjectNode) current.path("metadata"))
        .remove("finalizers");
    HttpResponse<String> put =
        send("PUT", FR + "/final-put", "application/json", current.toString());
    FlagRelease edited;
    try (KubernetesClient client = clientOfTheGateway()) {
      edited =
          client
              .resources(FlagRelease.class)
              .inNamespace("default")
              .withName("final-client")
              .edit(
                  r -> {
                    r.getMetadata().setFinalizers(new ArrayList<>());
                    return r;
                  });
    }

    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(json(patched).path("metadata").path("name").asText()).isEqualTo("final-patch");
    assertThat(json(patched).path("metadata").path("deletionTimestamp").asText()).endsWith("Z");
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(json(put).path("metadata").path("name").asText()).isEqualTo("final-put");
    assertThat(edited).isNotNull();
    assertThat(edited.getMetadata().getName()).isEqualTo("final-client");
    assertThat(sandbox.get("final-patch")).isNull();
    assertThat(sandbox.get("final-put")).isNull();
    assertThat(sandbox.get("final-client")).isNull();
  }

  @Test
  void aDryRunDeletionDeletesNothing() throws Exception {
    sandbox.create("dry-one", "flag-d1");
    sandbox.create("dry-two", "flag-d2");

    HttpResponse<String> one = send("DELETE", FR + "/dry-one?dryRun=All", null, null);
    HttpResponse<String> all = send("DELETE", FR + "?dryRun=All", null, null);
    HttpResponse<String> none =
        send("DELETE", FR + "?dryRun=All&labelSelector=team%3Dnobody", null, null);

    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one).path("metadata").path("name").asText()).isEqualTo("dry-one");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(json(all).path("items").findValuesAsText("name")).contains("dry-one", "dry-two");
    assertThat(json(none).path("items")).isEmpty();
    assertThat(sandbox.get("dry-one")).isNotNull();
    assertThat(sandbox.get("dry-two")).isNotNull();
  }

  /** Why the gateway does the patches itself: what the mock alone does (Fabric8 7.5.2). */
  @Test
  void theMockAloneAppendsListsAndAnswersNoObject() throws Exception {
    sandbox.create("mock-only", "flag-mo", "flagops.io/finalizer");
    String mock = sandbox.server.url("/").replaceAll("/$", "");
    HttpResponse<String> appended =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(mock + FR + "/mock-only"))
                .header("Content-Type", MERGE)
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString(
                        "{\"spec\":{\"phases\":[{\"name\":\"Testing\",\"status\":\"Complete\"}]}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    sandbox
        .mockClient
        .resources(FlagRelease.class)
        .inNamespace("default")
        .withName("mock-only")
        .delete();
    HttpResponse<String> last =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(mock + FR + "/mock-only"))
                .header("Content-Type", MERGE)
                .method(
                    "PATCH",
                    HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"finalizers\":null}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(json(appended).at("/spec/phases")).hasSize(3);
    assertThat(last.statusCode()).isEqualTo(202);
    assertThat(last.body()).isEmpty();
  }

  @Test
  void fieldSelectorsAreAppliedByTheGateway() throws Exception {
    FlagRelease a = sandbox.create("selected-a", "flag-sa");
    FlagRelease b = sandbox.create("selected-b", "flag-sb");
    event("sel-1", a, "Created");
    event("sel-2", b, "Created");
    event("sel-3", a, "Progressed");

    JsonNode byName =
        json(
            get(
                "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dselected-a",
                null));
    JsonNode byUidAndKind =
        json(
            get(
                "/api/v1/namespaces/default/events?fieldSelector="
                    + encode(
                        "involvedObject.uid="
                            + b.getMetadata().getUid()
                            + ",involvedObject.kind=FlagRelease,involvedObject.namespace=default"),
                null));
    JsonNode notReason =
        json(
            get(
                "/api/v1/namespaces/default/events?fieldSelector="
                    + encode("involvedObject.name=selected-a,reason!=Created"),
                null));
    JsonNode byObjectName = json(get(FR + "?fieldSelector=metadata.name%3Dselected-b", null));

    assertThat(byName.path("kind").asText()).isEqualTo("EventList");
    assertThat(byName.path("items").findValuesAsText("name"))
        .contains("sel-1", "sel-3")
        .doesNotContain("sel-2");
    assertThat(byUidAndKind.path("items")).hasSize(1);
    assertThat(byUidAndKind.path("items").get(0).path("metadata").path("name").asText())
        .isEqualTo("sel-2");
    assertThat(notReason.path("items")).hasSize(1);
    assertThat(byObjectName.path("items")).hasSize(1);
    assertThat(byObjectName.path("kind").asText()).isEqualTo("FlagReleaseList");
  }

  @Test
  void watchesStreamOverChunkedHttp() throws Exception {
    sandbox.create("streamed", "flag-w1");
    sandbox.create("streamed-other", "flag-w2");
    String version = json(get(FR, null)).path("metadata").path("resourceVersion").asText();

    try (Stream plain =
            watch(
                FR
                    + "?watch=1&resourceVersion="
                    + version
                    + "&fieldSelector=metadata.name%3Dstreamed",
                null);
        Stream table = watch(FR + "?watch=true&fieldSelector=metadata.name%3Dstreamed", TABLE)) {
      JsonNode added = table.next();
      sandbox.setStatus("streamed-other", ReleaseState.Failed, null, "False");
      sandbox.setStatus("streamed", ReleaseState.Ready, "Production", "True");
      sandbox.setStatus("streamed", ReleaseState.Failed, "Production", "False");
      JsonNode modified = plain.next();
      JsonNode modifiedRow = table.next();
      JsonNode secondRow = table.next();

      assertThat(plain.response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
      assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
      assertThat(modified.at("/object/metadata/name").asText()).isEqualTo("streamed");
      assertThat(modified.at("/object/status/state").asText()).isEqualTo("Ready");
      assertThat(plain.next().at("/object/status/state").asText()).isEqualTo("Failed");
      assertThat(added.path("type").asText()).isEqualTo("ADDED");
      assertThat(added.at("/object/kind").asText()).isEqualTo("Table");
      assertThat(added.at("/object/columnDefinitions")).hasSize(10);
      assertThat(modifiedRow.at("/object/rows/0/cells/5").asText()).isEqualTo("Ready");
      assertThat(modifiedRow.at("/object/columnDefinitions")).isEmpty();
      assertThat(secondRow.at("/object/rows/0/cells/5").asText()).isEqualTo("Failed");
    }
  }

  @Test
  void manyWatchesAtOnceAreEachServed() throws Exception {
    List<Stream> streams = new ArrayList<>();
    try {
      for (int i = 0; i < 60; i++) { // more than Vert.x's default of 50 WebSockets to one server
        streams.add(watch(FR + "?watch=true&fieldSelector=metadata.name%3Dcrowded", null));
      }
      sandbox.create("crowded", "flag-c");

      for (Stream stream : streams) {
        assertThat(stream.next().at("/object/metadata/name").asText()).isEqualTo("crowded");
      }
    } finally {
      for (Stream stream : streams) {
        stream.close();
      }
    }
  }

  @Test
  void aFabric8ClientWatchesThroughTheGateway() throws Exception {
    sandbox.create("informed", "flag-i");
    BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    try (KubernetesClient client = clientOfTheGateway();
        var watch =
            client
                .resources(FlagRelease.class)
                .inNamespace("default")
                .withName("informed")
                .watch(
                    new io.fabric8.kubernetes.client.Watcher<FlagRelease>() {
                      @Override
                      public void eventReceived(Action action, FlagRelease resource) {
                        seen.add(action + " " + resource.getSpec().getPhases().size());
                      }

                      @Override
                      public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                    })) {
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED 2");
      // the client's own merge patch, through the gateway: the list is replaced
      client
          .resources(FlagRelease.class)
          .inNamespace("default")
          .withName("informed")
          .patch(
              io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
              "{\"spec\":{\"phases\":[{\"name\":\"Testing\",\"status\":\"Complete\"}]}}");
      assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("MODIFIED 1");
    }
  }

  @Test
  void closingTheGatewayEndsItsWatchesPromptly() throws Exception {
    KubectlGateway second = KubectlGateway.start(0, sandbox.server.url("/"), List.of(sandbox.crd));
    HttpResponse<InputStream> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(second.url() + FR + "?watch=true")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(answer.statusCode()).isEqualTo(200);

    long started = System.nanoTime();
    second.close();
    Duration closing = Duration.ofNanos(System.nanoTime() - started);

    assertThat(closing).isLessThan(Duration.ofSeconds(3));
    try (InputStream body = answer.body()) {
      // the stream ends (or breaks) instead of hanging
      Thread reader = new Thread(() -> drain(body));
      reader.start();
      reader.join(3000);
      assertThat(reader.isAlive()).isFalse();
    }
  }

  @Test
  void unknownKindsGoToTheMockUnchanged() throws Exception {
    sandbox
        .mockClient
        .pods()
        .inNamespace("default")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("passing")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("noop")
                .endContainer()
                .endSpec()
                .build())
        .create();

    JsonNode pod = json(get("/api/v1/namespaces/default/pods/passing", null));

    assertThat(pod.path("kind").asText()).isEqualTo("Pod");
    assertThat(pod.at("/spec/containers/0/image").asText()).isEqualTo("noop");
  }

  @Test
  void kubeconfigPointsAtTheGateway() throws Exception {
    String text = Files.readString(sandbox.kubeconfig);

    assertThat(text)
        .contains("server: " + sandbox.gateway.url())
        .contains("current-context: flagops-sandbox")
        .contains("namespace: default")
        .contains("token: ");
    assertThat(sandbox.gateway.url()).startsWith("http://127.0.0.1:");
    Config config = Config.fromKubeconfig(text);
    assertThat(config.getMasterUrl()).startsWith(sandbox.gateway.url());
    assertThat(config.getNamespace()).isEqualTo("default");
  }

  // --- helpers ---

  /** A watch stream read line by line in the background. */
  private static final class Stream implements AutoCloseable {
    final HttpResponse<InputStream> response;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final Thread reader;

    Stream(HttpResponse<InputStream> response) {
      this.response = response;
      reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) {
                      lines.add(line);
                    }
                  }
                } catch (Exception e) {
                  // closed
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    JsonNode next() throws Exception {
      String line = lines.poll(10, TimeUnit.SECONDS);
      assertThat(line).as("no watch event within 10 s").isNotNull();
      return JSON.readTree(line);
    }

    @Override
    public void close() throws Exception {
      response.body().close();
    }
  }

  private static Stream watch(String path, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(sandbox.gateway.url() + path))
            .timeout(Duration.ofSeconds(10)); // until the answer begins

    if (accept != null) {
      request.header("Accept", accept);
    }
    HttpResponse<InputStream> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    return new Stream(response);
  }

  private static void drain(InputStream body) {
    try {
      body.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (Exception e) {
      // broken: ended as well
    }
  }

  private static KubernetesClient clientOfTheGateway() {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(Config.empty())
                .withMasterUrl(sandbox.gateway.url())
                .withNamespace("default")
                .withOauthToken("sandbox")
                .build())
        .build();
  }

  private static JsonNode row(JsonNode table, String name) {
    for (JsonNode row : table.path("rows")) {
      if (row.path("cells").get(0).asText().equals(name)) {
        return row;
      }
    }
    throw new AssertionError("no row " + name + " in " + table);
  }

  private static void event(String name, FlagRelease about, String reason) {
    sandbox
        .mockClient
        .v1()
        .events()
        .inNamespace("default")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("FlagRelease")
                .withName(about.getMetadata().getName())
                .withNamespace("default")
                .withUid(about.getMetadata().getUid())
                .endInvolvedObject()
                .withReason(reason)
                .withType("Normal")
                .build())
        .create();
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.gateway.url() + path));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(
      String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.gateway.url() + path));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body());
  }
}
