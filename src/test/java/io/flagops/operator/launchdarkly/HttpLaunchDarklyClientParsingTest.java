package io.flagops.operator.launchdarkly;

import static io.flagops.operator.launchdarkly.Fixtures.FLAG;
import static io.flagops.operator.launchdarkly.Fixtures.TOKEN;
import static io.flagops.operator.launchdarkly.Fixtures.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flagops.operator.launchdarkly.RecordingServer.Answer;
import io.flagops.operator.launchdarkly.model.AudienceConfiguration;
import io.flagops.operator.launchdarkly.model.EnvironmentSummary;
import io.flagops.operator.launchdarkly.model.Release;
import io.flagops.operator.launchdarkly.model.ReleaseAudience;
import io.flagops.operator.launchdarkly.model.ReleaseGuardianConfiguration;
import io.flagops.operator.launchdarkly.model.ReleasePhase;
import io.flagops.operator.launchdarkly.model.ReleasePipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How answers become records, and how answers that cannot be trusted are refused. */
class HttpLaunchDarklyClientParsingTest {
  private static RecordingServer server;

  @BeforeAll
  static void startServer() {
    server = RecordingServer.start();
  }

  @BeforeEach
  void forgetEarlierRequests() {
    server.reset();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** release-full.json, written out by hand. */
  static Release expectedFullRelease() {
    EnvironmentSummary qa = new EnvironmentSummary("qa", "QA", "7B42BC");
    EnvironmentSummary stagingEu = new EnvironmentSummary("staging-eu", "Staging EU", "F5A623");
    EnvironmentSummary production = new EnvironmentSummary("production", "Production", "D0021B");
    ReleasePhase qaPhase =
        new ReleasePhase(
            "65a1f0c2e4b0a1b2c3d4e5f6",
            "QA",
            true,
            1_767_225_600_000L,
            1_767_312_000_000L,
            List.of(
                new ReleaseAudience(
                    "0b7e4c1a-3f52-4d8e-9a61-5c2f8e7d1b04",
                    "QA testers",
                    qa,
                    new AudienceConfiguration("monitoredRelease", false, null, null, null),
                    List.of("qa-team"),
                    "active")),
            "Complete",
            true,
            1_767_229_200_000L);
    ReleasePhase canary =
        new ReleasePhase(
            "65a1f0c2e4b0a1b2c3d4e5f7",
            "Canary",
            false,
            1_767_225_600_001L,
            null,
            List.of(
                new ReleaseAudience(
                    "5d9a2b6e-71c4-4f0a-b3e8-2e6c9d4a8f17",
                    "EU staging, guarded",
                    stagingEu,
                    new AudienceConfiguration(
                        "monitoredRelease",
                        false,
                        null,
                        null,
                        new ReleaseGuardianConfiguration(1_800_000L, 10, true, "user")),
                    List.of("beta-testers", "internal-staff"),
                    "active"),
                new ReleaseAudience(
                    "c3e8f1d2-9b4a-4e6c-8d7f-1a2b3c4d5e6f",
                    "Production canary",
                    production,
                    new AudienceConfiguration(
                        "monitoredRelease",
                        true,
                        List.of("64f0aa11bb22cc33dd44ee55", "64f0aa11bb22cc33dd44ee56"),
                        List.of("release-approvers"),
                        new ReleaseGuardianConfiguration(3_600_000L, 5, false, "organization")),
                    List.of(),
                    "active")),
            "Started",
            true,
            1_767_319_200_000L);
    ReleasePhase everyone =
        new ReleasePhase(
            "65a1f0c2e4b0a1b2c3d4e5f8",
            "Everyone",
            false,
            1_767_225_600_002L,
            null,
            List.of(
                new ReleaseAudience(
                    "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
                    "All production users",
                    production,
                    new AudienceConfiguration(
                        "monitoredRelease", true, null, List.of("release-approvers"), null),
                    null,
                    "active")),
            "NotStarted",
            false,
            null);
    return new Release(
        "Three-stage rollout",
        "three-stage",
        "QA first, then a guarded canary, then everyone",
        List.of(qaPhase, canary, everyone),
        7L,
        "4a1c7e2b-9d3f-4b6a-8e5c-0f2d1a3b4c5e",
        1_767_405_600_000L);
  }

  private Release getRelease(String body) {
    server.answerAlways(Answer.json(200, body));
    return client(server).getRelease(TOKEN, FLAG).orElseThrow();
  }

  // --- 4. parsing -------------------------------------------------------------------------

  @Test
  void theFullReleaseMapsIntoEveryField() {
    Release release = getRelease(Fixtures.text("release-full.json"));

    assertThat(release).isEqualTo(expectedFullRelease());
    // the same, spelled out for the fields the operator acts on
    assertThat(release.version()).isEqualTo(7L);
    assertThat(release.releaseVariationId()).isEqualTo("4a1c7e2b-9d3f-4b6a-8e5c-0f2d1a3b4c5e");
    assertThat(release.canceledAt()).isEqualTo(1_767_405_600_000L);
    ReleasePhase canary = release.phases().get(1);
    assertThat(canary.id()).isEqualTo("65a1f0c2e4b0a1b2c3d4e5f7");
    assertThat(canary.name()).isEqualTo("Canary");
    assertThat(canary.complete()).isFalse();
    assertThat(canary.status()).isEqualTo(ReleasePhase.STARTED);
    assertThat(canary.started()).isTrue();
    assertThat(canary.startedDate()).isEqualTo(1_767_319_200_000L);
    assertThat(canary.isStarted()).isTrue();
    assertThat(canary.isComplete()).isFalse();
    ReleaseAudience guarded = canary.audiences().get(0);
    assertThat(guarded.id()).isEqualTo("5d9a2b6e-71c4-4f0a-b3e8-2e6c9d4a8f17");
    assertThat(guarded.environment().key()).isEqualTo("staging-eu");
    assertThat(
            guarded.configuration().releaseGuardianConfiguration().monitoringWindowMilliseconds())
        .isEqualTo(1_800_000L);
    assertThat(release.phases().get(0).completionDate()).isEqualTo(1_767_312_000_000L);
    assertThat(release.phases().get(0).isComplete()).isTrue();
    assertThat(release.phases().get(2).status()).isEqualTo(ReleasePhase.NOT_STARTED);
  }

  @ParameterizedTest
  @EnumSource(
      value = Call.class,
      names = {"CREATE_RELEASE", "UPDATE_PHASE", "PATCH_RELEASE"})
  void everyWriteReturnsTheReleaseLaunchDarklyAnswered(Call call) {
    server.answerAlways(Answer.json(200, Fixtures.text("release-full.json")));

    assertThat(call.invoke(client(server))).isEqualTo(expectedFullRelease());
  }

  /**
   * Answers of LaunchDarkly's have been seen spelling the phase statuses in kebab-case: each is the
   * status it names; a word that names none stays as it came (and stops every write).
   */
  @Test
  void phaseStatusesInKebabCaseAreTheDocumentedOnes() {
    ObjectNode release = Fixtures.tree("release-full.json");
    List<String> spelled = List.of("completed", "active", "ready-to-start", "not-started");
    for (int i = 0; i < release.withArray("phases").size(); i++) {
      ((ObjectNode) release.withArray("phases").get(i))
          .put("status", spelled.get(i % spelled.size()));
    }

    List<ReleasePhase> phases = getRelease(release.toString()).phases();

    assertThat(phases)
        .extracting(ReleasePhase::status)
        .containsExactlyElementsOf(
            List.of("Complete", "Started", "ReadyToStart", "NotStarted").subList(0, phases.size()));
    assertThat(phases).allMatch(ReleasePhase::hasKnownStatus);
    ((ObjectNode) release.withArray("phases").get(0)).put("status", "rolled-back");
    assertThat(getRelease(release.toString()).phases().get(0).status()).isEqualTo("rolled-back");
  }

  @Test
  void unknownFieldsAtEveryLevelAreIgnored() {
    ObjectNode release = Fixtures.tree("release-full.json");
    addUnknownFieldsEverywhere(release);
    assertThat(release.toString()).contains("_introducedLater");

    assertThat(getRelease(release.toString())).isEqualTo(expectedFullRelease());
  }

  private static void addUnknownFieldsEverywhere(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<JsonNode> children = new ArrayList<>();
      object.elements().forEachRemaining(children::add);
      children.forEach(HttpLaunchDarklyClientParsingTest::addUnknownFieldsEverywhere);
      object.putObject("_introducedLater").put("kind", "surprise").putArray("ids").add(1);
      object.put("paused", true);
    } else if (node instanceof ArrayNode array) {
      array.forEach(HttpLaunchDarklyClientParsingTest::addUnknownFieldsEverywhere);
    }
  }

  /** status and started are optional: a start date alone still says the phase started. */
  @Test
  void aPhaseWithOnlyAStartDateIsStarted() {
    ReleasePhase dated =
        new ReleasePhase("p1", "Canary", false, 1L, null, List.of(), null, null, 2L);
    ReleasePhase denied =
        new ReleasePhase("p1", "Canary", false, 1L, null, List.of(), null, false, 2L);
    ReleasePhase undated =
        new ReleasePhase("p1", "Canary", false, 1L, null, List.of(), null, null, null);

    assertThat(dated.isStarted()).isTrue();
    assertThat(denied.isStarted()).as("started: false has the last word").isFalse();
    assertThat(undated.isStarted()).isFalse();
  }

  @Test
  void aLegacyReleaseParsesWithoutAutomationFields() {
    Release release = getRelease(Fixtures.text("release-legacy.json"));

    EnvironmentSummary test = new EnvironmentSummary("test", "Test", "417505");
    EnvironmentSummary production = new EnvironmentSummary("production", "Production", "D0021B");
    assertThat(release)
        .isEqualTo(
            new Release(
                "Default pipeline",
                "default-pipeline",
                "",
                List.of(
                    new ReleasePhase(
                        "6410c0ffee0000000000aa01",
                        "Testing",
                        true,
                        1_695_000_000_000L,
                        1_695_086_400_000L,
                        List.of(
                            new ReleaseAudience(
                                "6410c0ffee0000000000bb01", "Test", test, null, null, null)),
                        null,
                        null,
                        null),
                    new ReleasePhase(
                        "6410c0ffee0000000000aa02",
                        "Production",
                        false,
                        1_695_000_000_000L,
                        null,
                        List.of(
                            new ReleaseAudience(
                                "6410c0ffee0000000000bb02",
                                "Production",
                                production,
                                null,
                                null,
                                null)),
                        null,
                        null,
                        null)),
                3L,
                null,
                null));
    assertThat(release.phases()).extracting(ReleasePhase::status).containsOnlyNulls();
    assertThat(release.phases()).extracting(ReleasePhase::isComplete).containsExactly(true, false);
    assertThat(release.phases()).extracting(ReleasePhase::isStarted).containsExactly(false, false);
  }

  @Test
  void anAutomatedPipelineIsNotLegacy() {
    server.answerAlways(Answer.json(200, Fixtures.text("pipeline-automated.json")));

    ReleasePipeline pipeline =
        client(server).getReleasePipeline(TOKEN, "webshop", "three-stage").orElseThrow();

    assertThat(pipeline.key()).isEqualTo("three-stage");
    assertThat(pipeline.name()).isEqualTo("Three-stage rollout");
    assertThat(pipeline.legacy()).isFalse();
    assertThat(pipeline.phases())
        .extracting(ReleasePipeline.Phase::name)
        .startsWith("QA", "Canary");
    ReleasePipeline.Audience canary = pipeline.phases().get(1).audiences().get(0);
    assertThat(canary.name()).isEqualTo("Production canary");
    assertThat(canary.configuration().requireApproval()).isTrue();
    assertThat(canary.configuration().notifyTeamKeys()).containsExactly("release-approvers");
    assertThat(canary.configuration().releaseGuardianConfiguration().monitoringWindowMilliseconds())
        .isEqualTo(3_600_000L);
  }

  @Test
  void aLegacyPipelineIsLegacy() {
    server.answerAlways(Answer.json(200, Fixtures.text("pipeline-legacy.json")));

    ReleasePipeline pipeline =
        client(server).getReleasePipeline(TOKEN, "webshop", "default-pipeline").orElseThrow();

    assertThat(pipeline.key()).isEqualTo("default-pipeline");
    assertThat(pipeline.name()).isEqualTo("Default pipeline");
    assertThat(pipeline.legacy()).isTrue();
  }

  @Test
  void aPipelineWithoutTheLegacyFlagIsNotLegacy() {
    server.answerAlways(Answer.json(200, Fixtures.without("pipeline-legacy.json", "/_isLegacy")));

    ReleasePipeline pipeline =
        client(server).getReleasePipeline(TOKEN, "webshop", "default-pipeline").orElseThrow();

    assertThat(pipeline.isLegacy()).isNull();
    assertThat(pipeline.legacy()).isFalse();
  }

  // --- 6. answers that must not be trusted ------------------------------------------------

  static Stream<Arguments> missingReleaseFields() {
    return Stream.of(
        Arguments.of("/phases", "'phases'"),
        Arguments.of("/_version", "'_version'"),
        Arguments.of("/name", "'name'"),
        Arguments.of("/releasePipelineKey", "'releasePipelineKey'"),
        Arguments.of("/phases/1/_id", "'phases[1]._id'"),
        Arguments.of("/phases/0/_name", "'phases[0]._name'"),
        Arguments.of("/phases/2/complete", "'phases[2].complete'"),
        Arguments.of("/phases/1/_audiences", "'phases[1]._audiences'"),
        Arguments.of("/phases/1/_audiences/1/_id", "'phases[1]._audiences[1]._id'"),
        Arguments.of("/phases/2/_audiences/0/_id", "'phases[2]._audiences[0]._id'"),
        Arguments.of("/phases/0/_audiences/0/name", "'phases[0]._audiences[0].name'"));
  }

  @ParameterizedTest
  @MethodSource("missingReleaseFields")
  void aReadReleaseMissingARequiredFieldIsRefusedByName(String pointer, String field) {
    server.answerAlways(Answer.json(200, Fixtures.without("release-full.json", pointer)));

    assertRefused(() -> client(server).getRelease(TOKEN, FLAG), field);
  }

  @ParameterizedTest
  @MethodSource("missingReleaseFields")
  void aRequiredFieldSetToNullIsRefusedByName(String pointer, String field) {
    server.answerAlways(Answer.json(200, Fixtures.withNullAt("release-full.json", pointer)));

    assertRefused(() -> client(server).getRelease(TOKEN, FLAG), field);
  }

  @ParameterizedTest
  @MethodSource("missingReleaseFields")
  void aWrittenReleaseMissingARequiredFieldIsRefusedByName(String pointer, String field) {
    server.answerAlways(Answer.json(200, Fixtures.without("release-full.json", pointer)));

    for (Call call : List.of(Call.CREATE_RELEASE, Call.UPDATE_PHASE, Call.PATCH_RELEASE)) {
      assertRefused(() -> call.invoke(client(server)), field);
    }
  }

  @Test
  void aNullPhaseOrAudienceIsRefusedByPosition() {
    ObjectNode nullPhase = Fixtures.tree("release-full.json");
    ((ArrayNode) nullPhase.get("phases")).insertNull(1);
    server.enqueue(Answer.json(200, nullPhase.toString()));
    assertRefused(() -> client(server).getRelease(TOKEN, FLAG), "'phases[1]'");

    ObjectNode nullAudience = Fixtures.tree("release-full.json");
    ((ArrayNode) nullAudience.at("/phases/0/_audiences")).addNull();
    server.enqueue(Answer.json(200, nullAudience.toString()));
    assertRefused(() -> client(server).getRelease(TOKEN, FLAG), "'phases[0]._audiences[1]'");
  }

  @Test
  void aPipelineMissingItsKeyIsRefusedByName() {
    server.answerAlways(Answer.json(200, Fixtures.without("pipeline-automated.json", "/key")));

    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(
            LaunchDarklyException.Unavailable.class,
            () -> client(server).getReleasePipeline(TOKEN, "webshop", "three-stage"));

    assertThat(e.getMessage()).contains("ReleasePipeline").contains("'key'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"name\": \"Three-stage rollout\", \"phases\": [",
        "this is not JSON",
        "[]",
        "null",
        "42",
        "{\"name\": \"x\", \"releasePipelineKey\": \"p\", \"phases\": \"soon\", \"_version\": 1}",
        "{\"name\": \"x\", \"releasePipelineKey\": \"p\", \"phases\": [], \"_version\": \"seven\"}",
        "{\"name\": \"x\", \"releasePipelineKey\": \"p\", \"phases\": [], \"_version\": {}}"
      })
  void malformedJsonIsUnavailableNeverAPartialRelease(String body) {
    server.answerAlways(Answer.json(200, body));

    for (Call call : List.of(Call.GET_RELEASE, Call.CREATE_RELEASE, Call.UPDATE_PHASE)) {
      LaunchDarklyException.Unavailable e =
          catchThrowableOfType(
              LaunchDarklyException.Unavailable.class, () -> call.invoke(client(server)));
      assertThat(e).as(call + " on " + body).isNotNull();
      assertThat(e.getMessage()).contains("not a valid Release");
      assertThat(e.httpStatus()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Call.class,
      names = {"CREATE_RELEASE", "UPDATE_PHASE", "PATCH_RELEASE"})
  void anEmptyAnswerToAWriteIsUnavailable(Call call) {
    server.enqueue(Answer.status(200), Answer.status(204));

    for (int i = 0; i < 2; i++) {
      LaunchDarklyException.Unavailable e =
          catchThrowableOfType(
              LaunchDarklyException.Unavailable.class, () -> call.invoke(client(server)));
      assertThat(e).as("answer " + i).isNotNull();
      assertThat(e.getMessage()).contains("empty");
    }
  }

  /** An empty 2xx is not LaunchDarkly saying "no release": that would invite a second create. */
  @ParameterizedTest
  @EnumSource(
      value = Call.class,
      names = {"GET_RELEASE", "GET_PIPELINE"})
  void anEmptyAnswerToAReadIsUnavailableNotAbsent(Call call) {
    server.enqueue(Answer.status(200), Answer.status(204));

    for (int i = 0; i < 2; i++) {
      LaunchDarklyException.Unavailable e =
          catchThrowableOfType(
              LaunchDarklyException.Unavailable.class, () -> call.invoke(client(server)));
      assertThat(e).as("answer " + i).isNotNull();
      assertThat(e.getMessage()).contains("empty");
    }
  }

  @Test
  void anHtmlPageWithStatus200IsUnavailable() {
    server.answerAlways(
        Answer.status(200).withBody("text/html", "<html><body>Sign in to continue</body></html>"));

    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(
            LaunchDarklyException.Unavailable.class, () -> client(server).getRelease(TOKEN, FLAG));

    assertThat(e.getMessage()).contains("not a valid Release").doesNotContain("Sign in");
  }

  @Test
  void aDeleteAcceptsEither204Or200WithABody() {
    server.enqueue(Answer.status(204), Answer.json(200, "{}"));

    client(server).deleteRelease(TOKEN, FLAG);
    client(server).deleteRelease(TOKEN, FLAG);

    assertThat(server.requests()).hasSize(2);
  }

  private static void assertRefused(Runnable call, String field) {
    LaunchDarklyException.Unavailable e =
        catchThrowableOfType(LaunchDarklyException.Unavailable.class, call::run);
    assertThat(e).as("refused for " + field).isNotNull();
    assertThat(e.getMessage()).contains("not a valid Release").contains(field);
    assertThat(e.httpStatus()).isEqualTo(200);
  }
}
