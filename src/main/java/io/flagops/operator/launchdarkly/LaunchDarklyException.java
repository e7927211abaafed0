package io.flagops.operator.launchdarkly;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A failed LaunchDarkly call, typed by what the caller should do about it. Messages carry
 * LaunchDarkly's own explanation and never the access token.
 */
public abstract sealed class LaunchDarklyException extends RuntimeException {
  /** How a message names LaunchDarkly's error id, which support finds the request by. */
  static final String ERROR_ID = "error id ";

  private static final Pattern SAID_ERROR_ID =
      Pattern.compile("(, " + ERROR_ID + "[^,)]*)|( \\(" + ERROR_ID + "[^)]*\\))");

  private final int httpStatus;

  LaunchDarklyException(String message, int httpStatus, Throwable cause) {
    super(message, cause, false, false);
    this.httpStatus = httpStatus;
  }

  /**
   * The message without LaunchDarkly's error id, which differs on every answer: what a status says
   * (or a repeated warning is told by) must not change when only the id does.
   */
  public static String withoutErrorId(String message) {
    return message == null ? null : SAID_ERROR_ID.matcher(message).replaceAll("");
  }

  /** The HTTP status LaunchDarkly answered, or 0 when no answer came. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Whether LaunchDarkly surely changed nothing: the call was refused (400, 401, 403, 409, 429) or
   * never sent (budget, breaker). Not a 404, whose meaning depends on the call, nor a server error
   * or timeout, after which a write may have been made.
   */
  public boolean changedNothing() {
    return this instanceof Rejected
        || this instanceof Conflict
        || this instanceof Unauthorized
        || this instanceof RateLimited
        || this instanceof Throttled
        || this instanceof CircuitOpen;
  }

  /**
   * Whether a write that failed so may still have been made: no answer came, or one that does not
   * say (a server error, a garbled body). Then only a read tells; a refusal of any kind (a 404 on a
   * write included) never needs one.
   */
  public boolean mayHaveBeenMade() {
    return !changedNothing() && !(this instanceof NotFound);
  }

  /** The project, flag, pipeline, release or phase named in a write does not exist. */
  public static final class NotFound extends LaunchDarklyException {
    public NotFound(String message) {
      super(message, 404, null);
    }
  }

  /** Too many requests: wait {@link #retryAfter()} before the next call. */
  public static final class RateLimited extends LaunchDarklyException {
    private final Duration retryAfter;

    public RateLimited(String message, Duration retryAfter) {
      super(message, 429, null);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** A 5xx, a timeout, a dropped connection or an answer that cannot be read: retry later. */
  public static final class Unavailable extends LaunchDarklyException {
    private final boolean connected;

    public Unavailable(String message, int httpStatus, Throwable cause) {
      this(message, httpStatus, cause, true);
    }

    private Unavailable(String message, int httpStatus, Throwable cause, boolean connected) {
      super(message, httpStatus, cause);
      this.connected = connected;
    }

    /** No connection was made: the request never left (a write it carried was not made). */
    public static Unavailable notConnected(String message) {
      return new Unavailable(message, 0, null, false);
    }

    /** Whether a connection was made, so the request may have reached LaunchDarkly. */
    public boolean connected() {
      return connected;
    }
  }

  /**
   * The circuit breaker is open after repeated failures: no call was made. Try again after {@link
   * #retryAfter()}.
   */
  public static final class CircuitOpen extends LaunchDarklyException {
    private final Duration retryAfter;

    public CircuitOpen(String message, Duration retryAfter) {
      super(message, 0, null);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * The operator's own request budget is spent for longer than a caller waits: no call was made.
   * Not an error: the resource is simply looked at again after {@link #retryAfter()}.
   */
  public static final class Throttled extends LaunchDarklyException {
    private final Duration retryAfter;

    public Throttled(Duration retryAfter) {
      super("the operator's LaunchDarkly request budget is spent for now", 0, null);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** 401: the access token is missing, wrong or revoked. */
  public static final class Unauthorized extends LaunchDarklyException {
    public Unauthorized(String message) {
      super(message, 401, null);
    }
  }

  /**
   * 409: LaunchDarkly refused the write because the release changed concurrently (optimistic
   * locking). Read again and retry; never a reason to give up.
   */
  public static final class Conflict extends LaunchDarklyException {
    public Conflict(String message) {
      super(message, 409, null);
    }
  }

  /** 400, 403 or another 4xx: the request itself is wrong and repeating it will not help. */
  public static final class Rejected extends LaunchDarklyException {
    public Rejected(String message, int httpStatus) {
      super(message, httpStatus, null);
    }
  }
}
