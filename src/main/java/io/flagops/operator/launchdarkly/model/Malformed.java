package io.flagops.operator.launchdarkly.model;

/** Thrown when LaunchDarkly's answer lacks a field the schema requires. */
public class Malformed extends RuntimeException {
  public Malformed(String message) {
    super(message);
  }

  static <T> T require(T value, String field) {
    if (value == null) {
      throw new Malformed("the answer has no '" + field + "'");
    }
    return value;
  }
}
