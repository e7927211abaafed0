package io.flagops.operator.reconciler.plan;

import java.time.Instant;

/**
 * Where the release stands once a plan's actions are done.
 *
 * @param dueAt for a wait on LaunchDarkly itself, when it is due to move on (a guarded rollout's
 *     end), so that polls can be slow until then; null when unknown
 */
public record Verdict(Kind kind, String reason, String message, Instant dueAt) {

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
    return new Verdict(Kind.IN_SYNC, Reasons.IN_SYNC, message, null);
  }

  public static Verdict waiting(String reason, String message) {
    return new Verdict(Kind.WAITING, reason, message, null);
  }

  /** A wait for LaunchDarkly to move on by itself, which it is due to do at {@code dueAt}. */
  public static Verdict waitingUntil(String reason, String message, Instant dueAt) {
    return new Verdict(Kind.WAITING, reason, message, dueAt);
  }

  public static Verdict blocked(String reason, String message) {
    return new Verdict(Kind.BLOCKED, reason, message, null);
  }

  public static Verdict replan(String message) {
    return new Verdict(Kind.REPLAN, Reasons.PROGRESSING, message, null);
  }

  /** The same verdict, said otherwise. */
  public Verdict withMessage(String said) {
    return new Verdict(kind, reason, said, dueAt);
  }
}
