package dev.securelink.gateway.admin;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * Bearer-token security for {@code /admin/**} only; the public paths never pass through Spring Security. Tokens
 * are verified as Spring Boot's {@code spring.security.oauth2.resourceserver.jwt.*} properties configure; every
 * route states the scopes it needs, and the token's tenant must be the path's.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfiguration {

	private static final Log logger = LogFactory.getLog(AdminSecurityConfiguration.class);

	private static final String TENANT = "/admin/v1/tenants/{tenantId}";

	@Bean
	SecurityWebFilterChain adminSecurity(ServerHttpSecurity http, ObjectProvider<ReactiveJwtDecoder> decoders,
			ProblemWriter problems, AdminAuthorization authorization) {
		http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/admin/**"))
			.authorizeExchange((exchanges) -> exchanges
				.pathMatchers(HttpMethod.GET, TENANT + "/settings")
				.access(authorization.tenantOrSupport("links:read", "settings:write"))
				.pathMatchers(HttpMethod.PUT, TENANT + "/settings")
				.access(authorization.tenant("settings:write"))
				.pathMatchers(HttpMethod.GET, TENANT + "/access")
				.access(authorization.tenant("links:read", "settings:write"))
				.pathMatchers(HttpMethod.GET, TENANT + "/links", TENANT + "/links/{linkId}",
						TENANT + "/links/{linkId}/evidence", TENANT + "/events", TENANT + "/events/verification")
				.access(authorization.tenantOrSupport("links:read"))
				.pathMatchers(HttpMethod.POST, TENANT + "/links")
				.access(authorization.tenant("links:write"))
				.pathMatchers(HttpMethod.DELETE, TENANT + "/links/{linkId}")
				.access(authorization.tenant("links:write"))
				.anyExchange()
				.authenticated())
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.jwtDecoder(decoder(decoders)))
				.authenticationEntryPoint(problems)
				.accessDeniedHandler(problems))
			.exceptionHandling((handling) -> handling.authenticationEntryPoint(problems).accessDeniedHandler(problems))
			// Stateless bearer-token API: no session, no cookies, hence no CSRF exposure.
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable);
		return http.build();
	}

	private static ReactiveJwtDecoder decoder(ObjectProvider<ReactiveJwtDecoder> decoders) {
		return decoders.getIfAvailable(() -> {
			logger.warn("No spring.security.oauth2.resourceserver.jwt.* configured: the admin API refuses every request");
			return (token) -> Mono.error(new BadJwtException("No token issuer is configured"));
		});
	}

}
