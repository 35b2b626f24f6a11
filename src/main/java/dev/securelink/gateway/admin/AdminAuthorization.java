package dev.securelink.gateway.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.tenant.SettingsCache;

/**
 * Who may make an admin call for a tenant. The invoicing application: a token whose
 * {@code tenant} claim is the path's tenant and whose {@code scope} holds one of the
 * call's scopes. Support staff: a token whose {@code roles} hold {@code support} and that
 * names no tenant, on read calls only, and only while the tenant's support access is on
 * (from the settings cache, which the change feed updates on every instance at once);
 * every such request is audited before it is granted. Each granted caller is remembered
 * for the overview.
 */
@Component
class AdminAuthorization {

	/** Exchange attribute carrying why a call was refused, for the problem detail. */
	static final String DENIAL = AdminAuthorization.class.getName() + ".denial";

	private final SettingsCache settings;

	private final AuditLog audit;

	private final AdminPrincipals principals;

	private final Clock clock;

	AdminAuthorization(SettingsCache settings, AuditLog audit, AdminPrincipals principals, Clock clock) {
		this.settings = settings;
		this.audit = audit;
		this.principals = principals;
		this.clock = clock;
	}

	/** The tenant's own application, with one of {@code scopes}. */
	ReactiveAuthorizationManager<AuthorizationContext> tenant(String... scopes) {
		return manager(false, scopes);
	}

	/**
	 * The tenant's own application with one of {@code scopes}, or support staff while
	 * support access is on.
	 */
	ReactiveAuthorizationManager<AuthorizationContext> tenantOrSupport(String... scopes) {
		return manager(true, scopes);
	}

	private ReactiveAuthorizationManager<AuthorizationContext> manager(boolean supportMayRead, String... scopes) {
		Set<String> authorities = Arrays.stream(scopes).map((scope) -> "SCOPE_" + scope).collect(Collectors.toSet());
		return (authentication, context) -> authentication.filter(JwtAuthenticationToken.class::isInstance)
			.cast(JwtAuthenticationToken.class)
			.flatMap((token) -> decide(token, context, authorities, supportMayRead))
			.defaultIfEmpty(new AuthorizationDecision(false));
	}

	private Mono<AuthorizationResult> decide(JwtAuthenticationToken token, AuthorizationContext context,
			Set<String> authorities, boolean supportMayRead) {
		String tenantId = (String) context.getVariables().get("tenantId");
		Jwt jwt = token.getToken();
		String claimed = jwt.getClaimAsString("tenant");
		boolean support = claimed == null && AdminPrincipals.claimList(jwt, "roles").contains("support");
		Instant now = this.clock.instant();
		if (!TenantIds.isValid(tenantId)) {
			// A malformed tenant id names no data: the handler answers 400 rather than a
			// misleading 403.
			return Mono.just(new AuthorizationDecision(claimed != null || support));
		}
		if (claimed != null) {
			boolean scoped = token.getAuthorities()
				.stream()
				.map(GrantedAuthority::getAuthority)
				.anyMatch(authorities::contains);
			if (!scoped || !claimed.equals(tenantId)) {
				return Mono.just(new AuthorizationDecision(false));
			}
			return this.principals.seen(tenantId, jwt, now).thenReturn(new AuthorizationDecision(true));
		}
		// Only read routes take tenantOrSupport, and they allow only GET and HEAD: the
		// route table decides the method.
		if (!support || !supportMayRead) {
			return Mono.just(new AuthorizationDecision(false));
		}
		return this.settings.get(tenantId).flatMap((settings) -> {
			if (!settings.supportAccessActive(now)) {
				context.getExchange()
					.getAttributes()
					.put(DENIAL,
							"Support access is off for this tenant: the company has not granted it, or it has ended.");
				return Mono.just(new AuthorizationDecision(false));
			}
			String path = context.getExchange().getRequest().getPath().value();
			String method = context.getExchange().getRequest().getMethod().name();
			context.getExchange().getAttributes().put(SupportRequests.TENANT, tenantId);
			return this.audit
				.record(AccessEvent.supportRead(tenantId, jwt.getSubject(), now,
						new AuditDetail.SupportRead(method, path)))
				.then(this.principals.seen(tenantId, jwt, now))
				.thenReturn(new AuthorizationDecision(true));
		});
	}

}
