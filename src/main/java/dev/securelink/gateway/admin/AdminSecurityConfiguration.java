package dev.securelink.gateway.admin;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.paths.GatewayPaths;

/**
 * Bearer-token security for {@code /admin/**} only; the public paths never pass through
 * Spring Security. Tokens are verified as Spring Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.*} properties configure, with
 * {@link AdminTokenValidation}'s rules on top. Authorization is one table of routes, each
 * naming the methods it allows and who may call it; a read route allows GET and HEAD
 * alike (HEAD is a GET without its body, so it gets the same decision and the same
 * audit). Whatever the table does not name, any method on any path, is denied.
 */
@Configuration(proxyBeanMethods = false)
class AdminSecurityConfiguration {

	private static final Log logger = LogFactory.getLog(AdminSecurityConfiguration.class);

	private static final String TENANT = GatewayPaths.ADMIN_TENANT;

	/**
	 * One admin route: its path patterns, whether it reads or writes, and who may call
	 * it.
	 */
	private record Route(boolean read, HttpMethod write, ReactiveAuthorizationManager<AuthorizationContext> access,
			String... patterns) {

		List<HttpMethod> methods() {
			return this.read ? List.of(HttpMethod.GET, HttpMethod.HEAD) : List.of(this.write);
		}

	}

	/** The whole admin API; a new endpoint is denied until it is listed here. */
	static List<Route> routes(AdminAuthorization authorization) {
		return List.of(read(authorization.tenantOrSupport("links:read", "settings:write"), TENANT + "/settings"),
				write(HttpMethod.PUT, authorization.tenant("settings:write"), TENANT + "/settings"),
				read(authorization.tenantOrSupport("links:read", "settings:write"), TENANT + "/link-hosts"),
				write(HttpMethod.PUT, authorization.tenant("settings:write"), TENANT + "/link-hosts/{host}"),
				write(HttpMethod.DELETE, authorization.tenant("settings:write"), TENANT + "/link-hosts/{host}"),
				write(HttpMethod.POST, authorization.tenant("settings:write"), TENANT + "/remembered-devices/forget"),
				read(authorization.tenant("links:read", "settings:write"), TENANT + "/access"),
				read(authorization.tenantOrSupport("links:read"), TENANT + "/links", TENANT + "/links/{linkId}",
						TENANT + "/links/{linkId}/evidence", TENANT + "/events", TENANT + "/events/verification",
						TENANT + "/events/checkpoint"),
				// Verifying against a checkpoint the tenant kept: a read, with a body.
				write(HttpMethod.POST, authorization.tenant("links:read"), TENANT + "/events/verification"),
				write(HttpMethod.POST, authorization.tenant("links:write"), TENANT + "/links",
						TENANT + "/links/{linkId}/unlock"),
				write(HttpMethod.DELETE, authorization.tenant("links:write"), TENANT + "/links/{linkId}",
						TENANT + "/links/{linkId}/recipients/{index}"),
				write(HttpMethod.PATCH, authorization.tenant("links:write"), TENANT + "/links/{linkId}"),
				read(authorization.tenant("links:read", "webhooks:write"), TENANT + "/webhooks",
						TENANT + "/webhooks/{endpointId}", TENANT + "/webhooks/{endpointId}/deliveries",
						TENANT + "/webhooks/{endpointId}/deliveries/{deliveryId}"),
				write(HttpMethod.POST, authorization.tenant("webhooks:write"), TENANT + "/webhooks",
						TENANT + "/webhooks/{endpointId}/rotate-secret", TENANT + "/webhooks/{endpointId}/test",
						TENANT + "/webhooks/{endpointId}/recover",
						TENANT + "/webhooks/{endpointId}/deliveries/{deliveryId}/retry"),
				write(HttpMethod.PATCH, authorization.tenant("webhooks:write"), TENANT + "/webhooks/{endpointId}"),
				write(HttpMethod.DELETE, authorization.tenant("webhooks:write"), TENANT + "/webhooks/{endpointId}"));
	}

	private static Route read(ReactiveAuthorizationManager<AuthorizationContext> access, String... patterns) {
		return new Route(true, HttpMethod.GET, access, patterns);
	}

	private static Route write(HttpMethod method, ReactiveAuthorizationManager<AuthorizationContext> access,
			String... patterns) {
		return new Route(false, method, access, patterns);
	}

	@Bean
	SecurityWebFilterChain adminSecurity(ServerHttpSecurity http, ObjectProvider<ReactiveJwtDecoder> decoders,
			ProblemWriter problems, AdminAuthorization authorization) {
		http.securityMatcher(ServerWebExchangeMatchers.pathMatchers(GatewayPaths.ADMIN + "**"))
			.authorizeExchange((exchanges) -> {
				for (Route route : routes(authorization)) {
					for (HttpMethod method : route.methods()) {
						exchanges.pathMatchers(method, route.patterns()).access(route.access());
					}
				}
				exchanges.anyExchange().denyAll();
			})
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
			logger
				.warn("No spring.security.oauth2.resourceserver.jwt.* configured: the admin API refuses every request");
			return (token) -> Mono.error(new BadJwtException("No token issuer is configured"));
		});
	}

}
