package dev.securelink.gateway.audit;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the audit trail back and checks its chains: in {@code seq} order, every sealed
 * event's hash must be SHA-256 of its predecessor's hash and its own canonical form,
 * every event must name its predecessor's hash, and the last must be the tenant's chain
 * head. Events removed by retention leave a tombstone (place and hashes, no content) and
 * a later sealed {@code purged} event that names each one ({@link AuditPurge}), so
 * purging never breaks the chain; any other removal does, a tombstone made by hand and
 * the newest events' included. Events not yet sealed are listed (without hashes) but not
 * verified.
 */
@Component
public class AuditChain {

	private final DatabaseClient db;

	/** How long a verification's statements may run: it reads a whole chain. */
	private static final String VERIFICATION_TIMEOUT = "10min";

	private final PurgeSignatures signatures;

	private final TransactionalOperator transaction;

	AuditChain(DatabaseClient db, PurgeSignatures signatures, TransactionalOperator transaction) {
		this.db = db;
		this.signatures = signatures;
		this.transaction = transaction;
	}

	/**
	 * An event as stored, with its place in the chain once it is sealed.
	 *
	 * @param seq its place in the tenant's chain, or null while it is not sealed
	 */
	public record StoredEvent(long id, AccessEvent event, @Nullable Long seq, byte @Nullable [] prevHash,
			byte @Nullable [] hash) {

		/** Whether the event has its place in the chain (and its hashes). */
		public boolean sealed() {
			return this.seq != null;
		}

	}

	/**
	 * A link of the chain as verification walks it: a purged event is a tombstone, its
	 * hashes only.
	 */
	private record ChainEntry(long id, long seq, @Nullable AccessEvent event, byte @Nullable [] prevHash, byte[] hash) {

	}

	/**
	 * The outcome of a check.
	 *
	 * @param events the sealed events checked (tombstones included)
	 * @param firstBroken the id of the first event at which the chain does not hold, or
	 * null when it holds (or when only its end is missing)
	 * @param unsealed events written but not sealed yet: not covered by this check
	 * @param checkpoint the furthest checkpoint the chain was checked to reach (the
	 * latest stored one, or the caller's), or null when there was none
	 * @param legacyTombstones events removed before purges were signed (accounted for
	 * once by migration V16): their removal cannot be told from tampering
	 */
	public record Verification(boolean valid, long events, @Nullable Long firstBroken, @Nullable String reason,
			long unsealed, @Nullable Long checkpoint, long legacyTombstones) {

		Verification(boolean valid, long events, @Nullable Long firstBroken, @Nullable String reason, long unsealed,
				@Nullable Long checkpoint) {
			this(valid, events, firstBroken, reason, unsealed, checkpoint, 0);
		}

	}

	/**
	 * Listed events: sealed ones and those awaiting sealing, never the unchained ones
	 * from before V3.
	 */
	private static final String LISTED = "(seq is not null or not sealed)";

	public Flux<StoredEvent> ofLink(String tenantId, String linkId) {
		return this.db
			.sql("select * from access_event where tenant_id = :tenant and link_id = :link " + "and " + LISTED
					+ " order by id")
			.bind("tenant", tenantId)
			.bind("link", linkId)
			.map(AuditChain::stored)
			.all();
	}

	public Flux<StoredEvent> ofTenant(String tenantId, long afterId, int limit) {
		return this.db
			.sql("select * from access_event where tenant_id = :tenant and " + LISTED + " and id > :after "
					+ "order by id limit :limit")
			.bind("tenant", tenantId)
			.bind("after", afterId)
			.bind("limit", limit)
			.map(AuditChain::stored)
			.all();
	}

	/** The tenant's events of one type, oldest first. */
	public Flux<StoredEvent> ofType(String tenantId, AuditType type) {
		return this.db
			.sql("select * from access_event where tenant_id = :tenant and type = :type " + "and " + LISTED
					+ " order by id")
			.bind("tenant", tenantId)
			.bind("type", type.id())
			.map(AuditChain::stored)
			.all();
	}

	public Mono<Verification> verify(String tenantId) {
		return verify(tenantId, null);
	}

	/**
	 * Verifies the tenant's chain, and that it still reaches its latest stored checkpoint
	 * and {@code kept} (a checkpoint the tenant kept, already checked to be signed for
	 * it) with the same hashes: deleting or rewriting the newest events after a
	 * checkpoint, even with the chain head, then shows.
	 */
	public Mono<Verification> verify(String tenantId, AuditCheckpoints.@Nullable Checkpoint kept) {
		Flux<ChainEntry> chain = this.db.sql("""
				select id, seq, tenant_id, link_id, type, outcome, actor, client, occurred_at, session_id, detail,
				       prev_hash, hash, false as tombstone
				from access_event where tenant_id = :tenant and seq is not null
				union all
				select id, seq, tenant_id, null, null, null, null, null, null, null, null, prev_hash, hash, true
				from access_event_tombstone where tenant_id = :tenant
				order by seq
				""")
			.bind("tenant", tenantId)
			.map((row) -> new ChainEntry(row.get("id", Long.class), row.get("seq", Long.class),
					Boolean.TRUE.equals(row.get("tombstone", Boolean.class)) ? null : event(row),
					row.get("prev_hash", byte[].class), row.get("hash", byte[].class)))
			.all();
		Mono<Head> head = this.db.sql("select seq, hash from audit_chain_head where tenant_id = :tenant")
			.bind("tenant", tenantId)
			.map((row) -> new Head(row.get("seq", Long.class), row.get("hash", byte[].class)))
			.one()
			.defaultIfEmpty(new Head(0, new byte[0]));
		Mono<Long> unsealed = this.db.sql("select count(*) from access_event where tenant_id = :tenant and not sealed")
			.bind("tenant", tenantId)
			.map((row) -> row.get(0, Long.class))
			.one();
		Mono<List<Head>> checkpoints = this.db
			.sql("select seq, hash from audit_checkpoint where tenant_id = :tenant order by seq desc limit 1")
			.bind("tenant", tenantId)
			.map((row) -> new Head(row.get("seq", Long.class), row.get("hash", byte[].class)))
			.all()
			.concatWith((kept != null) ? Mono.just(new Head(kept.seq(), kept.hash())) : Mono.empty())
			.collectList();
		Mono<PurgeLedger> purged = this.db
			.sql("select seq, detail from access_event where tenant_id = :tenant and type = :type and seq is not null")
			.bind("tenant", tenantId)
			.bind("type", AuditType.PURGED.id())
			.map((row) -> Map.entry(row.get("seq", Long.class), Objects.toString(row.get("detail", String.class), "")))
			.all()
			.collectList()
			.map((purges) -> new PurgeLedger(tenantId, purges, this.signatures));
		// The whole chain is read in one statement: longer than a request's statement may
		// run for a large tenant, so this transaction allows it more.
		return this.db.sql("set local statement_timeout = '" + VERIFICATION_TIMEOUT + "'")
			.then()
			.then(Mono.zip(head, unsealed, checkpoints, purged)
				.flatMap((found) -> walk(chain, found.getT1(), found.getT2(), found.getT3(), found.getT4())))
			.as(this.transaction::transactional);
	}

	private static Mono<Verification> walk(Flux<ChainEntry> chain, Head head, long unsealed, List<Head> checkpoints,
			PurgeLedger purges) {
		byte[][] expected = { new byte[0] };
		long[] count = { 0 };
		long[] legacy = { 0 };
		Long furthest = checkpoints.stream().map(Head::seq).max(Long::compare).orElse(null);
		return chain.concatMap((entry) -> {
			count[0]++;
			for (Head checkpoint : checkpoints) {
				if (checkpoint.seq() == entry.seq() && !MessageDigest.isEqual(checkpoint.hash(), entry.hash())) {
					return Mono.just(new Verification(false, count[0], entry.id(),
							"differs from checkpoint " + checkpoint.seq() + ": this or an earlier event was rewritten",
							unsealed, furthest));
				}
			}
			byte[] prevHash = entry.prevHash();
			byte[] prev = (prevHash != null) ? prevHash : new byte[0];
			AccessEvent event = entry.event();
			if (entry.seq() != count[0] || !MessageDigest.isEqual(prev, expected[0])) {
				return Mono.just(new Verification(false, count[0], entry.id(),
						"does not follow the event before it: an event was removed or altered", unsealed, furthest));
			}
			if (event != null && !MessageDigest.isEqual(entry.hash(), AuditLog.chain(prev, event))) {
				return Mono
					.just(new Verification(false, count[0], entry.id(), "its content was altered", unsealed, furthest));
			}
			if (event != null && purges.forged(entry.seq())) {
				return Mono.just(new Verification(false, count[0], entry.id(), "is a purge the gateway did not sign",
						unsealed, furthest));
			}
			Boolean legacyPurge = (event != null) ? Boolean.FALSE : purges.accountedFor(entry.seq(), entry.hash());
			if (legacyPurge == null) {
				return Mono.just(new Verification(false, count[0], entry.id(),
						"was removed without a purge that accounts for it", unsealed, furthest));
			}
			legacy[0] += legacyPurge ? 1 : 0;
			expected[0] = entry.hash();
			return Mono.empty();
		}).next().switchIfEmpty(Mono.fromSupplier(() -> {
			if (furthest != null && count[0] < furthest) {
				return new Verification(false, count[0], null, "the chain ends at event " + count[0]
						+ " but checkpoint " + furthest + " was signed after it: events were removed", unsealed,
						furthest);
			}
			if (count[0] != head.seq() || !MessageDigest.isEqual(expected[0], head.hash())) {
				return new Verification(false, count[0], null, "the chain ends at event " + count[0]
						+ " but its head is at " + head.seq() + ": its newest events were removed", unsealed, furthest);
			}
			return new Verification(true, count[0], null, null, unsealed, furthest, legacy[0]);
		}));
	}

	/** An event's content as stored (the row of an {@code access_event} query). */
	static AccessEvent event(Readable row) {
		return new AccessEvent(row.get("tenant_id", String.class), row.get("link_id", String.class),
				row.get("type", String.class), row.get("outcome", String.class), row.get("actor", String.class),
				row.get("client", String.class), row.get("occurred_at", Instant.class),
				row.get("session_id", String.class), row.get("detail", String.class));
	}

	private static StoredEvent stored(Readable row) {
		return new StoredEvent(row.get("id", Long.class), event(row), row.get("seq", Long.class),
				row.get("prev_hash", byte[].class), row.get("hash", byte[].class));
	}

	/** Where a tenant's chain ends, as the sealer left it. */
	record Head(long seq, byte[] hash) {
	}

}
