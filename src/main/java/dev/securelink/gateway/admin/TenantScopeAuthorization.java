package dev.securelink.gateway.admin;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.authorization.AuthorizationContext;

/**
 * Grants an admin call when the token's {@code tenant} claim equals the path's tenant and its {@code scope} holds
 * one of the scopes the call needs.
 */
final class TenantScopeAuthorization implements ReactiveAuthorizationManager<AuthorizationContext> {

	private final Set<String> authorities;

	private TenantScopeAuthorization(Set<String> authorities) {
		this.authorities = authorities;
	}

	static TenantScopeAuthorization anyScope(String... scopes) {
		return new TenantScopeAuthorization(
				Set.of(java.util.Arrays.stream(scopes).map((scope) -> "SCOPE_" + scope).toArray(String[]::new)));
	}

	@Override
	public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
		String tenantId = (String) context.getVariables().get("tenantId");
		return authentication.filter(Authentication::isAuthenticated)
			.filter(JwtAuthenticationToken.class::isInstance)
			.cast(JwtAuthenticationToken.class)
			.map((token) -> (AuthorizationResult) new AuthorizationDecision(allowed(token, tenantId)))
			.defaultIfEmpty(new AuthorizationDecision(false));
	}

	private boolean allowed(JwtAuthenticationToken token, String tenantId) {
		boolean scoped = token.getAuthorities().stream().map(GrantedAuthority::getAuthority)
			.anyMatch(this.authorities::contains);
		// A malformed tenant id names no data: let the handler answer 400 rather than a misleading 403.
		boolean tenant = !TenantIds.isValid(tenantId) || tenantId.equals(token.getToken().getClaimAsString("tenant"));
		return scoped && tenant;
	}

}
