package io.flagops.operator.launchdarkly;

import static io.flagops.operator.launchdarkly.Fixtures.FLAG;
import static io.flagops.operator.launchdarkly.Fixtures.TOKEN;

import io.flagops.operator.launchdarkly.RecordingServer.Answer;
import io.flagops.operator.launchdarkly.model.AudienceConfigInput;
import io.flagops.operator.launchdarkly.model.CreateReleaseInput;
import io.flagops.operator.launchdarkly.model.PatchOperation;
import io.flagops.operator.launchdarkly.model.ReleaseGuardianConfiguration;
import io.flagops.operator.launchdarkly.model.UpdatePhaseStatusInput;
import java.util.List;

/** The six calls of the client, each with what should go over the wire for it. */
enum Call {
  GET_RELEASE("GET", "/api/v2/flags/webshop/checkout-redesign/release", false, "GET_RELEASE") {
    @Override
    Object invoke(LaunchDarklyClient client) {
      return client.getRelease(TOKEN, FLAG);
    }
  },
  GET_PIPELINE(
      "GET", "/api/v2/projects/webshop/release-pipelines/three-stage", false, "GET_PIPELINE") {
    @Override
    Object invoke(LaunchDarklyClient client) {
      return client.getReleasePipeline(TOKEN, "webshop", "three-stage");
    }

    @Override
    Answer success() {
      return Answer.json(200, Fixtures.text("pipeline-automated.json"));
    }
  },
  CREATE_RELEASE(
      "PUT", "/api/v2/projects/webshop/flags/checkout-redesign/release", true, "CREATE_RELEASE") {
    @Override
    Object invoke(LaunchDarklyClient client) {
      return client.createRelease(TOKEN, FLAG, new CreateReleaseInput("three-stage", null));
    }
  },
  UPDATE_PHASE(
      "PUT",
      "/api/v2/projects/webshop/flags/checkout-redesign/release/phases/65a1f0c2e4b0a1b2c3d4e5f7",
      true,
      "UPDATE_PHASE") {
    @Override
    Object invoke(LaunchDarklyClient client) {
      return client.updatePhaseStatus(
          TOKEN,
          FLAG,
          "65a1f0c2e4b0a1b2c3d4e5f7",
          new UpdatePhaseStatusInput(
              "Started",
              List.of(
                  new AudienceConfigInput(
                      "5d9a2b6e-71c4-4f0a-b3e8-2e6c9d4a8f17",
                      new ReleaseGuardianConfiguration(1_800_000L, 10, true, "user"),
                      null,
                      null))));
    }
  },
  PATCH_RELEASE("PATCH", "/api/v2/flags/webshop/checkout-redesign/release", true, "PATCH_RELEASE") {
    @Override
    Object invoke(LaunchDarklyClient client) {
      return client.patchRelease(TOKEN, FLAG, List.of(PatchOperation.setPhaseComplete(1, true)));
    }
  },
  DELETE_RELEASE(
      "DELETE", "/api/v2/flags/webshop/checkout-redesign/release", false, "DELETE_RELEASE") {
    @Override
    Object invoke(LaunchDarklyClient client) {
      client.deleteRelease(TOKEN, FLAG);
      return null;
    }

    @Override
    Answer success() {
      return Answer.status(204);
    }
  };

  final String method;
  final String path;
  final boolean sendsBody;
  final String route;

  Call(String method, String path, boolean sendsBody, String route) {
    this.method = method;
    this.path = path;
    this.sendsBody = sendsBody;
    this.route = route;
  }

  /** Makes the call against {@code FLAG} with {@code TOKEN}; returns what the client returned. */
  abstract Object invoke(LaunchDarklyClient client);

  /** What LaunchDarkly answers when the call succeeds. */
  Answer success() {
    return Answer.json(200, Fixtures.text("release-full.json"));
  }

  boolean isWriteReturningRelease() {
    return this == CREATE_RELEASE || this == UPDATE_PHASE || this == PATCH_RELEASE;
  }

  boolean isRead() {
    return this == GET_RELEASE || this == GET_PIPELINE;
  }
}
