package io.flagops.operator.reconciler.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flagops.operator.api.v1alpha1.FlagRelease;
import io.flagops.operator.api.v1alpha1.FlagReleaseSpec;
import io.flagops.operator.config.DefaultTokenGrants;
import io.flagops.operator.config.LaunchDarklyConfig;
import io.flagops.operator.config.TokenSecretScope;
import io.flagops.operator.launchdarkly.AccessToken;
import io.flagops.operator.reconciler.plan.Reasons;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The default token and its grants, without a cluster: who may use it, for which project. */
class AccessTokensTest {
  private static final String TOKEN = "api-default-token-for-tests";

  @Test
  void aGrantedNamespaceUsesTheDefaultTokenForItsProjects() {
    AccessTokens tokens = tokens(Optional.of(TOKEN), "team-a=shop,search");

    AccessTokens.Resolved resolved = tokens.resolve(resource("team-a", "search"));

    assertThat(resolved.token().fingerprint()).isEqualTo(AccessToken.of(TOKEN).fingerprint());
    assertThat(resolved.version()).doesNotContain(TOKEN);
    assertThat(tokens.accountOf(resource("team-a", "shop")))
        .contains(resolved.token().fingerprint());
  }

  @Test
  void anotherProjectOrNamespaceIsRefusedNamingWhatIsMissing() {
    AccessTokens tokens = tokens(Optional.of(TOKEN), "team-a=shop");

    assertThatThrownBy(() -> tokens.resolve(resource("team-a", "payments")))
        .isInstanceOfSatisfying(
            AccessTokens.Unavailable.class,
            e -> assertThat(e.reason()).isEqualTo(Reasons.DEFAULT_TOKEN_NOT_GRANTED))
        .hasMessageContaining("namespace 'team-a'")
        .hasMessageContaining("project 'payments'")
        .hasMessageContaining("projects shop")
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> tokens.resolve(resource("team-b", "shop")))
        .hasMessageContaining("it grants this namespace no project");
    assertThat(tokens.accountOf(resource("team-b", "shop"))).as("no token, no account").isEmpty();
  }

  @Test
  void noDefaultTokenSaysWhereItShouldComeFrom() {
    AccessTokens tokens = tokens(Optional.empty(), "*=*");

    assertThatThrownBy(() -> tokens.resolve(resource("team-a", "shop")))
        .isInstanceOfSatisfying(
            AccessTokens.Unavailable.class,
            e -> assertThat(e.reason()).isEqualTo(Reasons.TOKEN_UNAVAILABLE))
        .hasMessageContaining("LAUNCHDARKLY_ACCESS_TOKEN");
  }

  @Test
  void theSourceIsTheSecretAndKeyOrTheDefaultTokenNotWhatRotates() {
    assertThat(AccessTokens.sameSource("secret/team/token@7", "secret/team/token@9")).isTrue();
    assertThat(AccessTokens.sameSource("secret/team/token@7", "secret/team/other@7")).isFalse();
    assertThat(AccessTokens.sameSource("secret/team/token@7", "secret/teams/token@7")).isFalse();
    assertThat(AccessTokens.sameSource("secret/team/token@7", "env")).isFalse();
    assertThat(AccessTokens.sameSource("file@1700000000000", "secret/team/token@7")).isFalse();
    // the default token moved from its variable to a file (a Helm install): still the default
    assertThat(AccessTokens.sameSource("env", "file@1700000000000")).isTrue();
    assertThat(AccessTokens.sameSource("file@1", "file@2")).isTrue();
    // written before the key was part of the version: any key of the same Secret
    assertThat(AccessTokens.sameSource("secret/team@7", "secret/team/token@8")).isTrue();
    assertThat(AccessTokens.sameSource("secret/team/token@8", "secret/team@7")).isTrue();
    assertThat(AccessTokens.sameSource("secret/team@7", "secret/teams/token@8")).isFalse();
  }

  @Test
  void theSameVersionIsTheSameSourceAtTheSameRotation() {
    assertThat(AccessTokens.sameVersion("secret/team/token@7", "secret/team/token@7")).isTrue();
    assertThat(AccessTokens.sameVersion("secret/team@7", "secret/team/token@7"))
        .as("written before the key was part of it")
        .isTrue();
    assertThat(AccessTokens.sameVersion("secret/team@7", "secret/team/token@8")).isFalse();
    assertThat(AccessTokens.sameVersion("secret/team/other@7", "secret/team/token@7")).isFalse();
    assertThat(AccessTokens.sameVersion(null, "secret/team/token@7")).isFalse();
    assertThat(AccessTokens.sameVersion("env", "file@1700000000000"))
        .as("the same source, maybe another token")
        .isFalse();
    assertThat(AccessTokens.sameVersion("file@1", "file@1")).isTrue();
    assertThat(AccessTokens.sameVersion("env@0a1b2c3d4e5f", "file@0a1b2c3d4e5f"))
        .as("the same token moved from the variable to a file")
        .isTrue();
    assertThat(AccessTokens.sameVersion("file@1", "file@2")).isFalse();
  }

  @Test
  void theSameTokenIsTheSameWhateverItsSource() {
    assertThat(AccessTokens.sameToken("secret/team/token@0a1b2c3d4e5f", "env@0a1b2c3d4e5f"))
        .as("moved from a Secret to the default token")
        .isTrue();
    assertThat(AccessTokens.sameToken("secret/a/token@0a1b2c3d4e5f", "secret/b/key@0a1b2c3d4e5f"))
        .isTrue();
    assertThat(AccessTokens.sameToken("secret/a/token@0a1b2c3d4e5f", "secret/a/token@0a1b2c3d4e50"))
        .isFalse();
    assertThat(AccessTokens.sameToken("file@1700000000000", "secret/a/token@1700000000000"))
        .as("a file's modification time, not a digest")
        .isFalse();
    assertThat(AccessTokens.sameToken("secret/team", "secret/team")).isFalse();
    assertThat(AccessTokens.sameToken(null, "env@0a1b2c3d4e5f")).isFalse();
  }

  private static AccessTokens tokens(Optional<String> token, String grants) {
    DefaultToken defaultToken = new DefaultToken(new Settings(token), null);
    return new AccessTokens(
        defaultToken, null, DefaultTokenGrants.parse(grants), TokenSecretScope.NONE);
  }

  private static FlagRelease resource(String namespace, String project) {
    FlagRelease resource = new FlagRelease();
    resource.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace(namespace).build());
    FlagReleaseSpec spec = new FlagReleaseSpec();
    spec.setProjectKey(project);
    spec.setFlagKey("flag");
    resource.setSpec(spec);
    return resource;
  }

  /** The default token from the environment, no file. */
  private record Settings(Optional<String> accessToken) implements LaunchDarklyConfig {
    @Override
    public String baseUrl() {
      return "https://launchdarkly.invalid";
    }

    @Override
    public Optional<Path> accessTokenFile() {
      return Optional.empty();
    }

    @Override
    public Duration connectTimeout() {
      return Duration.ofSeconds(1);
    }

    @Override
    public Duration readTimeout() {
      return Duration.ofSeconds(1);
    }
  }
}
