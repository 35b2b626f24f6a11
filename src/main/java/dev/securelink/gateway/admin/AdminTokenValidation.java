package dev.securelink.gateway.admin;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.util.StringUtils;

/**
 * What every admin token must carry, whichever way Boot is told to verify it (issuer-uri,
 * jwk-set-uri or public-key-location): an {@code exp}, an {@code iss} equal to the
 * configured issuer, and one of the configured audiences (Boot's own audience check,
 * which this class makes mandatory). Boot adds {@link OAuth2TokenValidator} beans to its
 * decoder; start-up fails, naming every missing property at once, when tokens are
 * configured without an audience or an issuer.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ AdminProperties.class, OAuth2ResourceServerProperties.class })
class AdminTokenValidation {

	static final String AUDIENCES = "spring.security.oauth2.resourceserver.jwt.audiences";

	static final String ISSUER = "securelink.admin.issuer";

	@Bean
	OAuth2TokenValidator<Jwt> adminTokenRules(OAuth2ResourceServerProperties resourceServer, AdminProperties admin) {
		OAuth2ResourceServerProperties.Jwt jwt = resourceServer.getJwt();
		String issuer = StringUtils.hasText(admin.issuer()) ? admin.issuer() : jwt.getIssuerUri();
		boolean configured = StringUtils.hasText(jwt.getIssuerUri()) || StringUtils.hasText(jwt.getJwkSetUri())
				|| jwt.getPublicKeyLocation() != null;
		if (configured) {
			List<String> missing = new ArrayList<>();
			if (jwt.getAudiences() == null || jwt.getAudiences().stream().noneMatch(StringUtils::hasText)) {
				missing.add(AUDIENCES + " (the aud the token issuer puts in admin tokens)");
			}
			if (!StringUtils.hasText(issuer)) {
				missing.add(ISSUER + " (the iss of admin tokens; or set spring.security.oauth2.resourceserver.jwt"
						+ ".issuer-uri)");
			}
			if (!missing.isEmpty()) {
				throw new IllegalStateException("Admin tokens are configured (spring.security.oauth2.resourceserver"
						+ ".jwt.*) but not fully: set " + String.join(" and ", missing));
			}
		}
		JwtTimestampValidator expiry = new JwtTimestampValidator();
		expiry.setAllowEmptyExpiryClaim(false);
		List<OAuth2TokenValidator<Jwt>> rules = new ArrayList<>(List.of(expiry));
		if (StringUtils.hasText(issuer)) {
			rules.add(new JwtIssuerValidator(issuer));
		}
		return new DelegatingOAuth2TokenValidator<>(rules);
	}

}
