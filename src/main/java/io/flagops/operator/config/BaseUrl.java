package io.flagops.operator.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What a LaunchDarkly base URL must be before a token is sent to it: https with a host, or plain
 * http only to this machine (a sidecar, the sandbox). The value itself is never repeated in a
 * message: a token pasted into the wrong setting must not end up in a log.
 */
public final class BaseUrl {
  private static final String EXAMPLES =
      "https://app.launchdarkly.com, https://app.eu.launchdarkly.com or https://app.launchdarkly.us";

  private BaseUrl() {}

  /** Why {@code value}, given as {@code setting}, cannot be used; null when it can. */
  public static String problem(String value, String setting) {
    URI uri;
    try {
      uri = new URI(value); // not stripped: the client uses the value as it is
    } catch (URISyntaxException e) {
      return setting + " is not a URL (" + e.getReason() + "); write it as " + EXAMPLES;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || !scheme.matches("https?")) {
      return setting + " needs https:// and a host; write it as " + EXAMPLES;
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return setting
          + " must be only the scheme, host, port and path (LaunchDarkly takes the token in the"
          + " Authorization header, never in the URL)";
    }
    if (scheme.equals("http") && !loopback(uri.getHost())) {
      return setting
          + " uses http://, which would send the access token unencrypted; use https:// (plain"
          + " http is accepted only to this machine: localhost, 127.0.0.1 or [::1])";
    }
    return null;
  }

  /** Matched on the text: resolving a name would let DNS decide where the token goes. */
  private static boolean loopback(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    return name.equals("localhost")
        || name.matches("127(\\.[0-9]{1,3}){3}")
        || name.equals("[::1]")
        || name.equals("[0:0:0:0:0:0:0:1]");
  }
}
