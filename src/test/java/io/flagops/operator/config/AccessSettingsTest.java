package io.flagops.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin's grants for the default token and the namespaces where token Secrets are read. */
class AccessSettingsTest {

  @Test
  void grantsNamespacesProjectsAndWildcards() {
    DefaultTokenGrants grants = DefaultTokenGrants.parse("team-a=shop,checkout; team-b=*;*=demo");

    assertThat(grants.allows("team-a", "shop")).isTrue();
    assertThat(grants.allows("team-a", "checkout")).isTrue();
    assertThat(grants.allows("team-a", "payments")).isFalse();
    assertThat(grants.allows("team-b", "payments")).isTrue();
    assertThat(grants.allows("anyone", "demo")).isTrue();
    assertThat(grants.allows("anyone", "shop")).isFalse();
    assertThat(grants.projectsFor("team-a")).containsExactly("shop", "checkout", "demo");
    assertThat(grants.projectsFor("team-b")).containsExactly("*");
    assertThat(grants.projectsFor("nobody-else")).containsExactly("demo");
  }

  @Test
  void emptyGrantsNothing() {
    assertThat(DefaultTokenGrants.parse("").grantsNothing()).isTrue();
    assertThat(DefaultTokenGrants.parse(null).allows("default", "shop")).isFalse();
    assertThat(DefaultTokenGrants.parse("*=*").allows("any-namespace", "any-project")).isTrue();
  }

  @Test
  void aGrantThatCannotBeReadIsNamedByItsPlaceNotItsText() {
    assertThatThrownBy(() -> DefaultTokenGrants.parse("team-a=shop;team-b"))
        .hasMessage(
            "FLAGRELEASE_DEFAULT_TOKEN_GRANTS entry 2 (entries are separated by ;) has no '=';"
                + " write NAMESPACE=PROJECT[,PROJECT...]");
    assertThatThrownBy(() -> DefaultTokenGrants.parse("Team_A=shop"))
        .hasMessageContaining("entry 1 (entries are separated by ;) names a namespace that is not")
        .hasMessageNotContaining("Team_A");
    assertThatThrownBy(() -> DefaultTokenGrants.parse("team-a=shop,"))
        .hasMessageContaining(
            "entry 1 (entries are separated by ;) has a project (number 2 after '=') that is not a"
                + " LaunchDarkly project key or *");
  }

  /** A token is a valid namespace name and project key: refused, and never repeated. */
  @Test
  void aTokenPastedIntoAnAccessSettingIsRefusedWithoutRepeatingIt() {
    String token = "api-0b6c1f2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
    assertThatThrownBy(() -> DefaultTokenGrants.parse("team-a=" + token))
        .hasMessageContaining("looks like a LaunchDarkly access token")
        .hasMessageNotContaining(token);
    assertThatThrownBy(() -> DefaultTokenGrants.parse(token + "=shop"))
        .hasMessageContaining("names a namespace that looks like a LaunchDarkly access token");
    assertThatThrownBy(() -> DefaultTokenGrants.parse(token))
        .hasMessageContaining("has no '='")
        .hasMessageNotContaining(token);
    assertThatThrownBy(() -> TokenSecretScope.parse("team-a," + token.toUpperCase()))
        .hasMessageContaining("entry 2 (entries are separated by ,) looks like a LaunchDarkly")
        .hasMessageNotContaining(token.toUpperCase());
    assertThat(SettingNames.listProblem("X", List.of("sdk-" + token.substring(4)))).isNotNull();
    assertThat(SettingNames.listProblem("X", List.of("api-gateway", "a".repeat(63)))).isNull();
    assertThat(SettingNames.listProblem("X", List.of("a".repeat(64))))
        .isEqualTo(
            "X entry 1 (entries are separated by ,) is not a namespace name (lowercase letters,"
                + " digits and '-', at most 63)");
  }

  @Test
  void tokenSecretNamespaces() {
    assertThat(TokenSecretScope.parse("").isEmpty()).isTrue();
    assertThat(TokenSecretScope.parse("*").allows("whatever")).isTrue();
    TokenSecretScope listed = TokenSecretScope.parse("team-a, team-b");
    assertThat(listed.allows("team-b")).isTrue();
    assertThat(listed.allows("team-c")).isFalse();
    assertThatThrownBy(() -> TokenSecretScope.parse("team-a,Team B"))
        .hasMessage(
            "FLAGRELEASE_TOKEN_SECRETS_NAMESPACES entry 2 (entries are separated by ,) is not a"
                + " namespace name (lowercase letters, digits and '-', at most 63); write * or a"
                + " comma-separated list");
  }
}
