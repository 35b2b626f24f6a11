package dev.securelink.gateway.privacy;

import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.admin.AdminPrincipals;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditChain;
import dev.securelink.gateway.audit.AuditCheckpoints;
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

	/** How anyone checks a checkpoint offline. */
	static final String VERIFY_WITH = "An ES256 JWS (typ securelink-checkpoint+jwt): verify it with the key of its kid "
			+ "in the gateway's /.well-known/jwks.json; its claims name the tenant, seq (the number of sealed events, "
			+ "purged ones included) and hash, the hash of the event at seq. Each exported event at or before seq "
			+ "must recompute (algorithm) into a chain that arrives at that hash.";

	static final String ALGORITHM = "hash = SHA-256(prevHash || UTF-8(canonical)); prevHash is empty for a tenant's "
			+ "first event; canonical = tenantId, linkId, type, outcome, actor, client, occurredAt (microseconds "
			+ "since the epoch), sessionId, detail, joined by U+001F, absent values empty";

	private final AuditChain chain;

	private final AuditCheckpoints checkpoints;

	private final AdminPrincipals principals;

	private final TenantRepository tenants;

	private final LinkRepository links;

	private final JsonMapper json;

	private final Clock clock;

	PrivacyController(AuditChain chain, AuditCheckpoints checkpoints, AdminPrincipals principals,
			TenantRepository tenants, LinkRepository links, JsonMapper json, Clock clock) {
		this.chain = chain;
		this.checkpoints = checkpoints;
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

	/**
	 * Recomputes the whole chain, checks it still reaches its head and its latest
	 * checkpoint, and names the first event where it does not hold.
	 */
	@GetMapping("/events/verification")
	Mono<AuditChain.Verification> verify(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap(this.chain::verify);
	}

	/**
	 * The same, and that the chain still reaches a checkpoint the tenant kept: then even
	 * deleting or rewriting the stored checkpoints and the head along with the newest
	 * events shows.
	 */
	@PostMapping("/events/verification")
	Mono<AuditChain.Verification> verifyAgainst(@PathVariable String tenantId,
			@RequestBody @Valid KeptCheckpoint kept) {
		return Mono.fromCallable(() -> {
			String tenant = TenantIds.requireValid(tenantId);
			AuditCheckpoints.Checkpoint checkpoint = this.checkpoints.verified(kept.checkpoint(), tenant);
			if (checkpoint == null) {
				throw new BadInputException("checkpoint",
						"is not a checkpoint of this tenant signed with the gateway's checkpoint key");
			}
			return checkpoint;
		}).flatMap((checkpoint) -> this.chain.verify(checkpoint.tenantId(), checkpoint));
	}

	/**
	 * The tenant's latest signed checkpoint: keep the {@code jws} to check the chain
	 * against it later.
	 */
	@GetMapping("/events/checkpoint")
	Mono<CheckpointView> checkpoint(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap(this.checkpoints::latest)
			.map(CheckpointView::of)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
					"No checkpoint yet: one is signed within securelink.audit.checkpoint-interval of the first "
							+ "sealed event.")));
	}

	/** A checkpoint the tenant kept, handed back. */
	record KeptCheckpoint(@NotBlank @Size(max = 4096) String checkpoint) {
	}

	/**
	 * A checkpoint as the admin API shows it, the signed {@code jws} and what it says.
	 */
	record CheckpointView(String tenantId, long seq, long count, String hash, Instant createdAt, String jws,
			String verifyWith) {

		static CheckpointView of(AuditCheckpoints.Checkpoint checkpoint) {
			return new CheckpointView(checkpoint.tenantId(), checkpoint.seq(), checkpoint.seq(),
					Base64.getEncoder().encodeToString(checkpoint.hash()), checkpoint.createdAt(), checkpoint.jws(),
					VERIFY_WITH);
		}

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
					.flatMap((found) -> covering(tenant, found.getT1()).map((checkpoint) -> {
						Map<String, Object> evidence = new LinkedHashMap<>();
						evidence.put("tenantId", tenant);
						evidence.put("link", link);
						evidence.put("algorithm", ALGORITHM);
						evidence.put("events", found.getT1());
						evidence.put("chain", found.getT2());
						// Absent until a checkpoint was signed after the link's last
						// sealed event.
						checkpoint.map(CheckpointView::of).ifPresent((view) -> evidence.put("checkpoint", view));
						evidence.put("exportedAt", this.clock.instant());
						return evidence;
					}))));
	}

	/** The first checkpoint signed after the last of {@code events} that is sealed. */
	private Mono<Optional<AuditCheckpoints.Checkpoint>> covering(String tenant, List<EventView> events) {
		long last = events.stream()
			.map(EventView::seq)
			.filter(Objects::nonNull)
			.mapToLong(Long::longValue)
			.max()
			.orElse(0);
		return (last == 0) ? Mono.just(Optional.empty())
				: this.checkpoints.covering(tenant, last).map(Optional::of).defaultIfEmpty(Optional.empty());
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
				// What recipients see of the company before they are verified.
				Map<String, Object> sender = new LinkedHashMap<>();
				sender.put("displayName", all.getT4().displayName());
				sender.put("showSenderOnPrompt", all.getT4().showSenderOnPrompt());
				overview.put("sender", sender);
				overview.put("emailVerification", all.getT4().emailVerification());
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
