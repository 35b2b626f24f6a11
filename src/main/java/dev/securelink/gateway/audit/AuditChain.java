package dev.securelink.gateway.audit;

import java.security.MessageDigest;
import java.time.Instant;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the chained audit trail back and checks it: every event's hash must be SHA-256 of
 * its predecessor's hash and its own canonical form, and every event must name its
 * predecessor's hash. Events removed by retention leave a tombstone (id and hashes, no
 * content), so purging never breaks the chain; any other removal does.
 */
@Component
public class AuditChain {

	private final DatabaseClient db;

	AuditChain(DatabaseClient db) {
		this.db = db;
	}

	/** An event as stored, with its place in the chain. */
	public record StoredEvent(long id, AccessEvent event, byte @Nullable [] prevHash, byte[] hash) {
	}

	/**
	 * A link of the chain as verification walks it: a purged event is a tombstone, its
	 * hashes only.
	 */
	private record ChainEntry(long id, @Nullable AccessEvent event, byte @Nullable [] prevHash, byte[] hash) {

	}

	/**
	 * The outcome of a check.
	 *
	 * @param firstBroken the id of the first event at which the chain does not hold, or
	 * null when it holds
	 */
	public record Verification(boolean valid, long events, @Nullable Long firstBroken, @Nullable String reason) {
	}

	public Flux<StoredEvent> ofLink(String tenantId, String linkId) {
		return this.db
			.sql("select * from access_event where tenant_id = :tenant and link_id = :link "
					+ "and hash is not null order by id")
			.bind("tenant", tenantId)
			.bind("link", linkId)
			.map(AuditChain::stored)
			.all();
	}

	public Flux<StoredEvent> ofTenant(String tenantId, long afterId, int limit) {
		return this.db
			.sql("select * from access_event where tenant_id = :tenant and hash is not null and id > :after "
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
			.sql("select * from access_event where tenant_id = :tenant and type = :type "
					+ "and hash is not null order by id")
			.bind("tenant", tenantId)
			.bind("type", type.id())
			.map(AuditChain::stored)
			.all();
	}

	public Mono<Verification> verify(String tenantId) {
		Flux<ChainEntry> chain = this.db.sql("""
				select id, tenant_id, link_id, type, outcome, actor, client, occurred_at, session_id, detail,
				       prev_hash, hash, false as tombstone
				from access_event where tenant_id = :tenant and hash is not null
				union all
				select id, tenant_id, null, null, null, null, null, null, null, null, prev_hash, hash, true
				from access_event_tombstone where tenant_id = :tenant
				order by id
				""")
			.bind("tenant", tenantId)
			.map((row) -> Boolean.TRUE.equals(row.get("tombstone", Boolean.class))
					? new ChainEntry(row.get("id", Long.class), null, row.get("prev_hash", byte[].class),
							row.get("hash", byte[].class))
					: entry(stored(row)))
			.all();
		byte[][] expected = { new byte[0] };
		long[] count = { 0 };
		return chain.concatMap((stored) -> {
			count[0]++;
			byte[] prevHash = stored.prevHash();
			byte[] prev = (prevHash != null) ? prevHash : new byte[0];
			AccessEvent event = stored.event();
			if (!MessageDigest.isEqual(prev, expected[0])) {
				return Mono.just(new Verification(false, count[0], stored.id(),
						"does not follow the event before it: an event was removed or altered"));
			}
			if (event != null && !MessageDigest.isEqual(stored.hash(), AuditLog.chain(prev, event))) {
				return Mono.just(new Verification(false, count[0], stored.id(), "its content was altered"));
			}
			expected[0] = stored.hash();
			return Mono.empty();
		}).next().switchIfEmpty(Mono.fromSupplier(() -> new Verification(true, count[0], null, null)));
	}

	private static ChainEntry entry(StoredEvent stored) {
		return new ChainEntry(stored.id(), stored.event(), stored.prevHash(), stored.hash());
	}

	private static StoredEvent stored(Readable row) {
		AccessEvent event = new AccessEvent(row.get("tenant_id", String.class), row.get("link_id", String.class),
				row.get("type", String.class), row.get("outcome", String.class), row.get("actor", String.class),
				row.get("client", String.class), row.get("occurred_at", Instant.class),
				row.get("session_id", String.class), row.get("detail", String.class));
		return new StoredEvent(row.get("id", Long.class), event, row.get("prev_hash", byte[].class),
				row.get("hash", byte[].class));
	}

}
