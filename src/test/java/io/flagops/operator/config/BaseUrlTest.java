package io.flagops.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BaseUrlTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://app.launchdarkly.com",
        "https://app.eu.launchdarkly.com/",
        "https://ld-relay.internal:8443/prefix",
        "http://localhost:8089",
        "http://127.0.0.1:8089",
        "http://[::1]:8089"
      })
  void usable(String url) {
    assertThat(BaseUrl.problem(url, "LAUNCHDARKLY_BASE_URL")).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://ld.example.com",
        "http://127.0.0.1.example.com",
        "http://localhost.example.com:80",
        "ld.example.org",
        "ftp://ld.example.org",
        "https://user:secret-token@app.launchdarkly.com",
        "https://app.launchdarkly.com/?token=secret-token",
        "api-secret-token",
        "https://app launchdarkly.com",
        "https://app.launchdarkly.com\n"
      })
  void refusedWithoutRepeatingTheValue(String url) {
    String problem = BaseUrl.problem(url, "LAUNCHDARKLY_BASE_URL");

    assertThat(problem).startsWith("LAUNCHDARKLY_BASE_URL ").doesNotContain(url);
    assertThat(problem).doesNotContain("secret-token").doesNotContain("example");
  }
}
