package io.flagops.operator.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The operator's version, as the build recorded it: for the User-Agent LaunchDarkly sees. */
public final class OperatorVersion {
  private static final String RESOURCE = "/META-INF/flagrelease-operator.properties";
  private static final String VERSION = read();

  private OperatorVersion() {}

  public static String version() {
    return VERSION;
  }

  /** {@code flagrelease-operator/<version>}, the product token of every LaunchDarkly request. */
  public static String userAgent() {
    return "flagrelease-operator/" + VERSION;
  }

  private static String read() {
    try (InputStream in = OperatorVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + RESOURCE + ": the build writes it");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
