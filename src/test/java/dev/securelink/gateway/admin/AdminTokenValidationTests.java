package dev.securelink.gateway.admin;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminTokenValidationTests {

	@Test
	void startWhenTokensConfiguredWithoutAudienceOrIssuerThenFailsNamingEveryProperty() {
		for (OAuth2ResourceServerProperties properties : List.of(withJwkSetUri(), withPublicKey())) {
			assertThatThrownBy(
					() -> new AdminTokenValidation().adminTokenRules(properties, new AdminProperties(null, null)))
				.hasMessageContaining("spring.security.oauth2.resourceserver.jwt.audiences")
				.hasMessageContaining("securelink.admin.issuer");
			properties.getJwt().setAudiences(List.of("securelink-admin"));
			assertThatThrownBy(
					() -> new AdminTokenValidation().adminTokenRules(properties, new AdminProperties(null, null)))
				.hasMessageNotContaining("audiences")
				.hasMessageContaining("securelink.admin.issuer");
			assertThatCode(() -> new AdminTokenValidation().adminTokenRules(properties,
					new AdminProperties("https://issuer.example", null)))
				.doesNotThrowAnyException();
		}
		OAuth2ResourceServerProperties byIssuer = new OAuth2ResourceServerProperties();
		byIssuer.getJwt().setIssuerUri("https://issuer.example");
		assertThatThrownBy(() -> new AdminTokenValidation().adminTokenRules(byIssuer, new AdminProperties(null, null)))
			.hasMessageContaining("audiences")
			.hasMessageNotContaining("securelink.admin.issuer");
	}

	@Test
	void startWhenNoTokensConfiguredThenNothingIsRequired() {
		assertThat(new AdminTokenValidation().adminTokenRules(new OAuth2ResourceServerProperties(),
				new AdminProperties(null, null)))
			.isNotNull();
	}

	private static OAuth2ResourceServerProperties withJwkSetUri() {
		OAuth2ResourceServerProperties properties = new OAuth2ResourceServerProperties();
		properties.getJwt().setJwkSetUri("https://issuer.example/keys");
		return properties;
	}

	private static OAuth2ResourceServerProperties withPublicKey() {
		OAuth2ResourceServerProperties properties = new OAuth2ResourceServerProperties();
		properties.getJwt().setPublicKeyLocation(new ByteArrayResource(new byte[0]));
		return properties;
	}

}
