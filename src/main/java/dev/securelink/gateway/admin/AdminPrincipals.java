package dev.securelink.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Remembers who used the admin API for which tenant, for the company's "who has access"
 * view: subject, name, roles, last seen, and whether the token showed multi-factor
 * authentication ({@code amr} holding {@code mfa}). One instance writes a principal at
 * most once a minute.
 */
@Component
public class AdminPrincipals {

	private static final Duration RESOLUTION = Duration.ofMinutes(1);

	private final DatabaseClient db;

	private final Cache<String, Boolean> recentlySeen = Caffeine.newBuilder()
		.expireAfterWrite(RESOLUTION)
		.maximumSize(10_000)
		.build();

	AdminPrincipals(DatabaseClient db) {
		this.db = db;
	}

	/** A principal as the overview lists it. */
	public record Principal(String subject, String name, List<String> roles, boolean mfa, Instant lastSeen) {
	}

	Mono<Void> seen(String tenantId, Jwt token, Instant now) {
		String key = tenantId + "\u001f" + token.getSubject();
		if (this.recentlySeen.getIfPresent(key) != null) {
			return Mono.empty();
		}
		List<String> roles = claimList(token, "roles");
		String name = (token.getClaimAsString("name") != null) ? token.getClaimAsString("name")
				: token.getClaimAsString("preferred_username");
		return this.db.sql("""
				insert into admin_principal (tenant_id, subject, name, roles, mfa, last_seen)
				values (:tenant, :subject, :name, :roles, :mfa, :now)
				on conflict (tenant_id, subject) do update
				set name = excluded.name, roles = excluded.roles, mfa = excluded.mfa, last_seen = excluded.last_seen
				""")
			.bind("tenant", tenantId)
			.bind("subject", token.getSubject())
			.bind("name", Parameter.fromOrEmpty(name, String.class))
			.bind("roles", String.join(" ", roles))
			.bind("mfa", claimList(token, "amr").contains("mfa"))
			.bind("now", now)
			.then()
			.doOnSuccess((done) -> this.recentlySeen.put(key, Boolean.TRUE));
	}

	public reactor.core.publisher.Flux<Principal> of(String tenantId) {
		return this.db
			.sql("select subject, name, roles, mfa, last_seen from admin_principal where tenant_id = :tenant "
					+ "order by last_seen desc")
			.bind("tenant", tenantId)
			.map((row) -> new Principal(row.get("subject", String.class), row.get("name", String.class),
					List.of(row.get("roles", String.class).split(" ")).stream().filter((r) -> !r.isEmpty()).toList(),
					Boolean.TRUE.equals(row.get("mfa", Boolean.class)), row.get("last_seen", Instant.class)))
			.all();
	}

	static List<String> claimList(Jwt token, String claim) {
		Object value = token.getClaims().get(claim);
		if (value instanceof List<?> list) {
			return list.stream().map(String::valueOf).toList();
		}
		if (value instanceof String text) {
			return List.of(text.split(" "));
		}
		return List.of();
	}

}
