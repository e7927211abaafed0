package io.flagops.operator.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (META-INF/services). Awaitility by default fails a waiting test
 * with any exception thrown on any other thread. The only such exceptions here come from inside the
 * operator SDK when the Fabric8 mock server answers a finalizer removal with an empty body (the
 * real API server returns the object): they are logged, and the tests judge the outcome the user
 * sees instead. The operator's own errors never reach a thread's uncaught handler: the SDK catches
 * them and retries.
 */
public class BackgroundErrorsAreLogged implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) throws ReflectiveOperationException {
    // through the test class's own class loader: a @QuarkusTest has its own copy of Awaitility
    ClassLoader loader = context.getRequiredTestClass().getClassLoader();
    loader
        .loadClass("org.awaitility.Awaitility")
        .getMethod("doNotCatchUncaughtExceptionsByDefault")
        .invoke(null);
  }
}
