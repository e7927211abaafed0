package io.flagops.operator.launchdarkly;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flagops.operator.config.OperatorVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** Shared values and the hand-written answers under {@code launchdarkly/fixtures/}. */
final class Fixtures {
  /** A made-up personal access token: only its shape matters. */
  static final String TOKEN_VALUE = "api-5c1f3e0a-7b2d-4e9f-a8c6-1d0b3f2e4a79";

  static final AccessToken TOKEN = AccessToken.of(TOKEN_VALUE);
  static final FlagRef FLAG = new FlagRef("webshop", "checkout-redesign");

  /** "Now" for every client in the tests: 2026-01-03T00:26:40Z. */
  static final Instant NOW = Instant.ofEpochMilli(1_767_400_000_000L);

  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  static HttpLaunchDarklyClient client(RecordingServer server) {
    return client(
        server.baseUrl(), Duration.ofSeconds(5), HttpLaunchDarklyClient.ResponseListener.NONE);
  }

  static HttpLaunchDarklyClient client(
      String baseUrl, Duration readTimeout, HttpLaunchDarklyClient.ResponseListener listener) {
    return new HttpLaunchDarklyClient(
        baseUrl,
        Duration.ofSeconds(2),
        readTimeout,
        new ObjectMapper(),
        CLOCK,
        listener,
        OperatorVersion.userAgent(),
        CallGuard.NONE);
  }

  /** A fixture file as text. */
  static String text(String name) {
    String path = "/launchdarkly/fixtures/" + name;
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON fixture as a fresh, mutable tree. */
  static ObjectNode tree(String name) {
    return (ObjectNode) parse(text(name));
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture with the member or element at {@code pointer} removed. */
  static String without(String name, String pointer) {
    ObjectNode root = tree(name);
    JsonPointer at = JsonPointer.compile(pointer);
    JsonNode parent = root.at(at.head());
    String last = at.last().getMatchingProperty();
    if (parent instanceof ObjectNode object) {
      if (object.remove(last) == null) {
        throw new IllegalArgumentException("nothing at " + pointer);
      }
    } else if (parent instanceof ArrayNode array) {
      array.remove(Integer.parseInt(last));
    } else {
      throw new IllegalArgumentException("nothing at " + pointer);
    }
    return root.toString();
  }

  /** The fixture with the member at {@code pointer} set to JSON null. */
  static String withNullAt(String name, String pointer) {
    ObjectNode root = tree(name);
    JsonPointer at = JsonPointer.compile(pointer);
    ObjectNode parent = (ObjectNode) root.at(at.head());
    String last = at.last().getMatchingProperty();
    if (!parent.has(last)) {
      throw new IllegalArgumentException("nothing at " + pointer);
    }
    parent.putNull(last);
    return root.toString();
  }
}
