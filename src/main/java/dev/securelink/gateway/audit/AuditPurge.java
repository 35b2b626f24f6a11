package dev.securelink.gateway.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Retention's removal of a link's events, never silent: each sealed event leaves a
 * tombstone (its place and hashes, no content), and a {@code purged} event naming the
 * link and the place and hash of every tombstone it left is chained and sealed in the
 * same transaction, signed by the gateway ({@link PurgeSignatures}). Verification accepts
 * a tombstone only where a later signed purge event accounts for it, so moving a sealed
 * event into the tombstone table by hand shows, with or without a purge event written by
 * hand.
 */
@Component
public class AuditPurge {

	private final DatabaseClient db;

	private final AuditLog audit;

	private final AuditSealer sealer;

	private final PurgeSignatures signatures;

	private final Clock clock;

	AuditPurge(DatabaseClient db, AuditLog audit, AuditSealer sealer, PurgeSignatures signatures, Clock clock) {
		this.db = db;
		this.audit = audit;
		this.sealer = sealer;
		this.signatures = signatures;
		this.clock = clock;
	}

	/**
	 * Deletes the events of the given links, leaving a tombstone of each sealed one and a
	 * sealed purge event per tenant and link that had any. Runs in the caller's
	 * transaction.
	 */
	public Mono<Void> purgeLinks(List<String> linkIds) {
		String[] ids = linkIds.toArray(String[]::new);
		// The chain heads of the tenants concerned first, then the events, in the order a
		// sealer takes them (so the two never wait for each other in a circle): a sealer
		// busy with one of these tenants finishes first, and no sealer chains one of
		// these
		// events after its tombstone was taken.
		return this.db
			.sql("select tenant_id from audit_chain_head where tenant_id in (select tenant_id from access_event "
					+ "where link_id = any(:ids)) order by tenant_id for update")
			.bind("ids", ids)
			.then()
			.then(this.db.sql("select id from access_event where link_id = any(:ids) order by id for update")
				.bind("ids", ids)
				.then())
			.then(this.db
				.sql("select tenant_id, link_id, seq, hash from access_event "
						+ "where link_id = any(:ids) and seq is not null order by seq")
				.bind("ids", ids)
				.map((row) -> new Tombstone(row.get("tenant_id", String.class), row.get("link_id", String.class),
						row.get("seq", Long.class), row.get("hash", byte[].class)))
				.all()
				.collectList())
			.flatMap((tombstones) -> this.db.sql("""
					insert into access_event_tombstone (id, tenant_id, seq, prev_hash, hash)
					select id, tenant_id, seq, prev_hash, hash from access_event
					where link_id = any(:ids) and seq is not null
					""")
				.bind("ids", ids)
				.then()
				.then(this.db.sql("delete from access_event where link_id = any(:ids)").bind("ids", ids).then())
				.then(account(tombstones)));
	}

	/** One purge event per tenant and link that left tombstones, sealed at once. */
	private Mono<Void> account(List<Tombstone> tombstones) {
		Map<List<String>, List<AuditDetail.Removed>> byLink = new LinkedHashMap<>();
		for (Tombstone tombstone : tombstones) {
			byLink.computeIfAbsent(List.of(tombstone.tenantId(), tombstone.linkId()), (key) -> new ArrayList<>())
				.add(new AuditDetail.Removed(tombstone.seq(), Base64.getEncoder().encodeToString(tombstone.hash())));
		}
		if (byLink.isEmpty()) {
			return Mono.empty();
		}
		List<String> tenants = byLink.keySet().stream().map((key) -> key.get(0)).distinct().toList();
		return Flux.fromIterable(byLink.entrySet())
			.concatMap((purged) -> this.audit.record(AccessEvent.purged(purged.getKey().get(0), this.clock.instant(),
					this.signatures.sign(purged.getKey().get(0),
							new AuditDetail.Purged(purged.getKey().get(1), purged.getValue(), null)))))
			.then(this.sealer.sealNow(tenants))
			.then();
	}

	private record Tombstone(String tenantId, String linkId, long seq, byte[] hash) {
	}

}
