package io.flagops.operator.launchdarkly;

import java.time.Duration;
import java.util.function.Supplier;

/** What a LaunchDarkly call passes through before it leaves: see {@link LaunchDarklyGuard}. */
public interface CallGuard {
  /** No budget, no breaker: for a client on its own (tests, tools). */
  CallGuard NONE =
      new CallGuard() {
        @Override
        public <T> T call(String route, String account, Object turnOf, Supplier<T> call) {
          return call.get();
        }
      };

  /**
   * Makes the call, or refuses it with a {@link LaunchDarklyException} without calling.
   *
   * @param route the route's name, for metrics
   * @param account the account the call goes to (the token's fingerprint)
   * @param turnOf who this call begins a pass for (it waits its turn); null for a call that follows
   *     one in the same pass
   */
  <T> T call(String route, String account, Object turnOf, Supplier<T> call);

  /**
   * How long until a call for {@code turnOf} would not be refused for its turn; zero when it would
   * go now. Reserves the turn, takes nothing.
   */
  default Duration untilTurn(String account, Object turnOf) {
    return Duration.ZERO;
  }
}
