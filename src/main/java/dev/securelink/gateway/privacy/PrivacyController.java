package dev.securelink.gateway.privacy;

import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.admin.AdminPrincipals;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditChain;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.link.LinkRepository;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.tenant.TenantRepository;
import dev.securelink.gateway.web.GatewayPaths;

/**
 * What the company's GDPR settings page shows and what it can prove: who has access to
 * its data, its audit events, the verification of their chain, and one document's
 * evidence.
 */
@RestController
@RequestMapping(GatewayPaths.ADMIN_TENANT)
class PrivacyController {

	static final String ALGORITHM = "hash = SHA-256(prevHash || UTF-8(canonical)); prevHash is empty for a tenant's "
			+ "first event; canonical = tenantId, linkId, type, outcome, actor, client, occurredAt (microseconds "
			+ "since the epoch), sessionId, detail, joined by U+001F, absent values empty";

	private final AuditChain chain;

	private final AdminPrincipals principals;

	private final TenantRepository tenants;

	private final LinkRepository links;

	private final JsonMapper json;

	private final Clock clock;

	PrivacyController(AuditChain chain, AdminPrincipals principals, TenantRepository tenants, LinkRepository links,
			JsonMapper json, Clock clock) {
		this.chain = chain;
		this.principals = principals;
		this.tenants = tenants;
		this.links = links;
		this.json = json;
		this.clock = clock;
	}

	/**
	 * The tenant's audit events, oldest first, {@code limit} (≤ 500) after
	 * {@code afterId}.
	 */
	@GetMapping("/events")
	Mono<List<EventView>> events(@PathVariable String tenantId, @RequestParam(defaultValue = "0") long afterId,
			@RequestParam(defaultValue = "100") int limit) {
		return Mono.fromCallable(() -> {
			if (limit < 1 || limit > 500) {
				throw new BadInputException("limit", "must be between 1 and 500");
			}
			return TenantIds.requireValid(tenantId);
		}).flatMap((tenant) -> this.chain.ofTenant(tenant, afterId, limit).map(EventView::of).collectList());
	}

	/** Recomputes the whole chain and names the first event where it does not hold. */
	@GetMapping("/events/verification")
	Mono<AuditChain.Verification> verify(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap(this.chain::verify);
	}

	/**
	 * One document's events with their hashes and how to check them, and the state of the
	 * tenant's chain.
	 */
	@GetMapping("/links/{linkId}/evidence")
	Mono<Map<String, Object>> evidence(@PathVariable String tenantId, @PathVariable String linkId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.find(tenant, linkId).map((found) -> {
				Map<String, Object> link = new LinkedHashMap<>();
				link.put("id", found.id());
				link.put("document", found.document());
				link.put("createdAt", found.createdAt());
				link.put("expiresAt", found.expiresAt());
				link.put("revokedAt", found.revokedAt());
				return link;
			})
				.switchIfEmpty(Mono
					.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No such link for this tenant.")))
				.flatMap((link) -> Mono
					.zip(this.chain.ofLink(tenant, linkId).map(EventView::of).collectList(), this.chain.verify(tenant))
					.map((found) -> {
						Map<String, Object> evidence = new LinkedHashMap<>();
						evidence.put("tenantId", tenant);
						evidence.put("link", link);
						evidence.put("algorithm", ALGORITHM);
						evidence.put("events", found.getT1());
						evidence.put("chain", found.getT2());
						evidence.put("exportedAt", this.clock.instant());
						return evidence;
					})));
	}

	/**
	 * Who has access: the principals that used the admin API for this tenant, the support
	 * access state with its history, and the active links per right.
	 */
	@GetMapping("/access")
	Mono<Map<String, Object>> access(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap((tenant) -> {
			Instant now = this.clock.instant();
			Mono<List<AdminPrincipals.Principal>> principals = this.principals.of(tenant).collectList();
			Mono<Map<Right, Long>> links = this.links.activeByRight(tenant, now);
			Mono<List<Map<String, Object>>> history = this.chain.ofType(tenant, AuditType.SETTINGS_CHANGED)
				.map((stored) -> supportChange(stored.event()))
				.filter((change) -> !change.isEmpty())
				.collectList();
			return Mono.zip(principals, links, history, this.tenants.find(tenant)).map((all) -> {
				Map<String, Object> support = new LinkedHashMap<>();
				support.put("enabled", all.getT4().supportAccessActive(now));
				support.put("until", all.getT4().supportAccessActive(now) ? all.getT4().supportAccessUntil() : null);
				support.put("history", all.getT3());
				Map<String, Long> perRight = new LinkedHashMap<>();
				for (Right right : Right.values()) {
					perRight.put(right.id(), all.getT2().getOrDefault(right, 0L));
				}
				Map<String, Object> overview = new LinkedHashMap<>();
				overview.put("tenantId", tenant);
				overview.put("principals", all.getT1());
				overview.put("supportAccess", support);
				overview.put("activeLinks", perRight);
				return overview;
			});
		});
	}

	/**
	 * A settings change as support-access history: empty when support access did not
	 * change.
	 */
	@SuppressWarnings("unchecked")
	private Map<String, Object> supportChange(AccessEvent event) {
		Map<String, Object> parsed = this.json.readValue(event.detail(), Map.class);
		Map<String, Object> before = (Map<String, Object>) parsed.getOrDefault("before", Map.of());
		Map<String, Object> after = (Map<String, Object>) parsed.getOrDefault("after", Map.of());
		boolean changed = !java.util.Objects.equals(before.get("supportAccess"), after.get("supportAccess"))
				|| !java.util.Objects.equals(before.get("supportAccessUntil"), after.get("supportAccessUntil"));
		if (!changed) {
			return Map.of();
		}
		Map<String, Object> change = new LinkedHashMap<>();
		change.put("at", event.occurredAt());
		change.put("by", event.actor());
		change.put("supportAccess", after.get("supportAccess"));
		change.put("until", after.get("supportAccessUntil"));
		return change;
	}

	/**
	 * An event with its place in the chain, hashes in base64; {@code sealed} is false
	 * (and {@code seq} and the hashes absent) until the sealer has linked it into the
	 * chain.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record EventView(long id, @Nullable String linkId, String type, String outcome, @Nullable String actor,
			@Nullable String client, Instant occurredAt, @Nullable String sessionId, @Nullable String detail,
			String canonical, boolean sealed, @Nullable Long seq, @Nullable String prevHash, @Nullable String hash) {

		static EventView of(AuditChain.StoredEvent stored) {
			var event = stored.event();
			return new EventView(stored.id(), event.linkId(), event.type(), event.outcome(), event.actor(),
					event.client(), event.occurredAt(), event.sessionId(), event.detail(), event.canonical(),
					stored.sealed(), stored.seq(), base64(stored.prevHash()), base64(stored.hash()));
		}

		private static @Nullable String base64(byte @Nullable [] bytes) {
			return (bytes != null) ? Base64.getEncoder().encodeToString(bytes) : null;
		}

	}

}
