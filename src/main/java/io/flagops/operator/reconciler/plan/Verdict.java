package io.flagops.operator.reconciler.plan;

/** Where the release stands once a plan's actions are done. */
public record Verdict(Kind kind, String reason, String message) {

  public enum Kind {
    /** LaunchDarkly matches the spec. */
    IN_SYNC,
    /** Nothing to do now; LaunchDarkly (or a person there) must move first. */
    WAITING,
    /** The spec cannot be met as it stands; a person must act. */
    BLOCKED,
    /** The actions change the release's shape: read the result and plan again. */
    REPLAN
  }

  public static Verdict inSync(String message) {
    return new Verdict(Kind.IN_SYNC, Reasons.IN_SYNC, message);
  }

  public static Verdict waiting(String reason, String message) {
    return new Verdict(Kind.WAITING, reason, message);
  }

  public static Verdict blocked(String reason, String message) {
    return new Verdict(Kind.BLOCKED, reason, message);
  }

  public static Verdict replan(String message) {
    return new Verdict(Kind.REPLAN, Reasons.PROGRESSING, message);
  }
}
