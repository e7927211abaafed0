package io.flagops.operator.launchdarkly;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/** A LaunchDarkly access token. {@link #toString()} never shows it. */
public final class AccessToken {
  private final String value;
  private final String fingerprint;
  private final String tag;

  private AccessToken(String value) {
    this.value = value;
    this.fingerprint = digest("", 16);
    this.tag = digest("flagrelease-token-version:", 6);
  }

  public static AccessToken of(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("access token is empty");
    }
    String token = value.strip();
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        // The JDK's own error for such a header value would quote the whole token.
        throw new IllegalArgumentException(
            "access token has a character that cannot be sent in a header, at index " + i);
      }
    }
    return new AccessToken(token);
  }

  /** The raw token, for the Authorization header only. */
  String reveal() {
    return value;
  }

  /**
   * A stand-in for the token where one is needed as a key (caches, the account a claim is scoped
   * to): a SHA-256 digest, so no cache holds the token itself.
   */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * Tells this token from another where the cluster can read it (the status's token version): 12
   * hex digits of a SHA-256 digest apart from {@link #fingerprint()}'s, which cannot give back a
   * token, nor be matched with a digest shown elsewhere.
   */
  public String tag() {
    return tag;
  }

  private String digest(String prefix, int bytes) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((prefix + value).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Replaces every occurrence of the token in {@code text}, for text that echoes a request. */
  public String redact(String text) {
    return text == null ? null : text.replace(value, "<redacted>");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccessToken other && value.equals(other.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value);
  }

  @Override
  public String toString() {
    return "AccessToken(<redacted>)";
  }
}
