package io.flagops.operator;

/** Settings read before Quarkus starts, in the order Quarkus reads them. */
final class Settings {
  private Settings() {}

  /** The system property if set, else the environment variable, else null. */
  static String value(String property, String environment) {
    String value = System.getProperty(property);
    return value != null ? value : System.getenv(environment);
  }
}
