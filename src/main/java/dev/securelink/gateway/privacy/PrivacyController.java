package dev.securelink.gateway.privacy;

import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
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

import dev.securelink.gateway.audit.AuditChain;
import dev.securelink.gateway.audit.AuditCheckpoints;
import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.link.AddedView;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkRepository;
import dev.securelink.gateway.paths.GatewayPaths;

/**
 * What the company can prove: its audit events, the verification of their chain against
 * its head and a checkpoint it kept, and one document's evidence (who has access is
 * {@link AccessOverviewController}).
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

	private final LinkRepository links;

	private final Clock clock;

	PrivacyController(AuditChain chain, AuditCheckpoints checkpoints, LinkRepository links, Clock clock) {
		this.chain = chain;
		this.checkpoints = checkpoints;
		this.links = links;
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
	Mono<Evidence> evidence(@PathVariable String tenantId, @PathVariable String linkId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.find(tenant, linkId)
				.switchIfEmpty(Mono
					.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No such link for this tenant.")))
				.flatMap((link) -> Mono
					.zip(this.chain.ofLink(tenant, linkId).map(EventView::of).collectList(), this.chain.verify(tenant))
					.flatMap((found) -> covering(tenant, found.getT1()).map((checkpoint) -> new Evidence(tenant,
							LinkView.of(link), ALGORITHM, found.getT1(), found.getT2(),
							checkpoint.map(CheckpointView::of).orElse(null), this.clock.instant())))));
	}

	/**
	 * One document's evidence.
	 *
	 * @param checkpoint absent until a checkpoint was signed after the link's last sealed
	 * event
	 */
	record Evidence(String tenantId, LinkView link, String algorithm, List<EventView> events,
			AuditChain.Verification chain,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable CheckpointView checkpoint, Instant exportedAt) {
	}

	/**
	 * The link the evidence is about, with the people it gained since its creation and
	 * still has (who shared with whom; removed ones are in the events).
	 */
	record LinkView(String id, String document, Instant createdAt, Instant expiresAt, @Nullable Instant revokedAt,
			@JsonInclude(JsonInclude.Include.NON_EMPTY) List<AddedView> addedRecipients) {

		static LinkView of(Link link) {
			return new LinkView(link.id(), link.document(), link.createdAt(), link.expiresAt(), link.revokedAt(),
					link.added().stream().map(AddedView::of).toList());
		}

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
