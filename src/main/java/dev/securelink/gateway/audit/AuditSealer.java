package dev.securelink.gateway.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Readable;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;

/**
 * Links each tenant's new events into its hash chain, in the background and on every
 * instance. One sealer at a time per tenant: a sealer holds the {@code audit_chain_head}
 * rows of the tenants with unsealed events ({@code FOR UPDATE SKIP LOCKED}, so another
 * instance takes the tenants left over instead of waiting), gives their unsealed events
 * their places ({@code seq}) in id order, chains their hashes from each head and moves
 * the heads, all in one transaction per batch, whatever the number of tenants
 * ({@link #sealNow} does the same in its caller's transaction). A sealer that dies
 * mid-way rolls back; the next tick, on any instance, seals the same events.
 * {@link AuditSubscriber}s follow the sealed events in the same transaction.
 */
@Component
class AuditSealer extends BackgroundTask<Long> {

	private static final Log logger = LogFactory.getLog(AuditSealer.class);

	private static final HexFormat HEX = HexFormat.of();

	private final DatabaseClient db;

	private final TransactionalOperator transaction;

	private final AuditProperties properties;

	private final Clock clock;

	private final Counter sealed;

	private final List<AuditSubscriber> subscribers;

	private final PurgeSignatures signatures;

	/**
	 * When the oldest event still unsealed after the last round was written (epoch ms),
	 * or 0.
	 */
	private final AtomicLong oldestUnsealed = new AtomicLong();

	AuditSealer(DatabaseClient db, TransactionalOperator transaction, AuditProperties properties, Clock clock,
			MeterRegistry meters, List<AuditSubscriber> subscribers, PurgeSignatures signatures) {
		super("Audit sealing", properties.sealInterval(), properties.sealInterval());
		this.db = db;
		this.signatures = signatures;
		this.subscribers = List.copyOf(subscribers);
		this.transaction = transaction;
		this.properties = properties;
		this.clock = clock;
		this.sealed = Counter.builder("securelink.audit.sealed")
			.description("Audit events linked into their tenant's chain")
			.register(meters);
		Gauge.builder("securelink.audit.unsealed.age", this, AuditSealer::unsealedAgeSeconds)
			.description("Age of the oldest audit event still unsealed after the last sealing round")
			.baseUnit("seconds")
			.register(meters);
	}

	@Override
	protected Mono<Long> round() {
		return sealAll();
	}

	/**
	 * Seals every tenant's unsealed events; answers how many were sealed. An idle round
	 * is one query on the unsealed events' partial index.
	 */
	Mono<Long> sealAll() {
		return this.db.sql("select distinct tenant_id from access_event where not sealed")
			.map((row) -> row.get("tenant_id", String.class))
			.all()
			.collectList()
			.flatMap((tenants) -> {
				if (tenants.isEmpty()) {
					this.oldestUnsealed.set(0);
					return Mono.just(0L);
				}
				String[] waiting = tenants.toArray(String[]::new);
				return ensureHeads(tenants)
					.then(batch(waiting, true)
						.expand((count) -> (count == this.properties.sealBatch()) ? batch(waiting, true) : Mono.empty())
						.reduce(0L, Long::sum))
					.flatMap((count) -> this.db
						.sql("select min(occurred_at) as oldest from access_event where not sealed")
						.map((row) -> Optional.ofNullable(row.get("oldest", Instant.class)))
						.one()
						.doOnNext((oldest) -> this.oldestUnsealed.set(oldest.map(Instant::toEpochMilli).orElse(0L)))
						.thenReturn(count));
			});
	}

	/**
	 * Seals every unsealed event of {@code tenants} now, in the caller's transaction,
	 * waiting for a sealer that holds one of their heads (their heads exist: they have
	 * sealed events); answers how many were sealed. A purge seals its own event so.
	 */
	Mono<Long> sealNow(List<String> tenants) {
		String[] held = tenants.toArray(String[]::new);
		return batch(held, false)
			.expand((count) -> (count == this.properties.sealBatch()) ? batch(held, false) : Mono.empty())
			.reduce(0L, Long::sum);
	}

	/**
	 * Creates the chain heads these tenants do not have yet, in one statement and outside
	 * any sealing transaction: inside one, a second sealer's insert would wait for the
	 * first one's commit instead of skipping the locked row.
	 */
	private Mono<Void> ensureHeads(List<String> tenants) {
		return this.db.sql("""
				insert into audit_chain_head (tenant_id, seq, hash, sealed_at)
				select tenant, 0, :empty, :now from unnest(:tenants::text[]) as t(tenant)
				on conflict (tenant_id) do nothing
				""")
			.bind("tenants", tenants.toArray(String[]::new))
			.bind("empty", new byte[0])
			.bind("now", this.clock.instant())
			.then();
	}

	private double unsealedAgeSeconds() {
		long oldest = this.oldestUnsealed.get();
		return (oldest == 0) ? 0 : Math.max(0, this.clock.millis() - oldest) / 1000.0;
	}

	/**
	 * One batch in one transaction, for all of {@code tenants} whose chain head no other
	 * sealer holds: the oldest unsealed events of those tenants, each tenant's chained
	 * from its head in id order, and the heads moved, in a fixed number of statements
	 * however many tenants take part (a statement per tenant made a round of a hundred
	 * tenants' first opens cost more than the opens).
	 */
	private Mono<Long> batch(String[] tenants, boolean skipLocked) {
		return this.db
			.sql("select tenant_id, seq, hash from audit_chain_head where tenant_id = any(:tenants) order by tenant_id "
					+ (skipLocked ? "for update skip locked" : "for update"))
			.bind("tenants", tenants)
			.map((row) -> Map.entry(row.get("tenant_id", String.class),
					new AuditChain.Head(row.get("seq", Long.class), row.get("hash", byte[].class))))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.flatMap((heads) -> heads.isEmpty() ? Mono.just(0L)
					: this.db
						.sql("select * from access_event where tenant_id = any(:held) and not sealed order by id "
								+ "limit :batch for update")
						.bind("held", heads.keySet().toArray(String[]::new))
						.bind("batch", this.properties.sealBatch())
						.map(AuditSealer::unsealed)
						.all()
						.filter(this::madeByTheGateway)
						.collectList()
						.flatMap((events) -> events.isEmpty() ? Mono.just(0L) : link(heads, events)))
			.as(this.transaction::transactional)
			.doOnNext(this.sealed::increment);
	}

	/**
	 * Chains {@code events} (in id order) from their tenants' heads and moves each head
	 * past its tenant's last one.
	 */
	private Mono<Long> link(Map<String, AuditChain.Head> heads, List<Unsealed> events) {
		int size = events.size();
		Long[] ids = new Long[size];
		Long[] seqs = new Long[size];
		String[] prevs = new String[size];
		String[] hashes = new String[size];
		Map<String, AuditChain.Head> moved = new HashMap<>();
		List<AuditSubscriber.SealedEvent> sealedEvents = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			Unsealed unsealed = events.get(i);
			String tenant = unsealed.event().tenantId();
			AuditChain.Head head = moved.get(tenant);
			if (head == null) {
				head = Objects.requireNonNull(heads.get(tenant), "only the held tenants' events are read");
			}
			byte[] hash = AuditLog.chain(head.hash(), unsealed.event());
			ids[i] = unsealed.id();
			seqs[i] = head.seq() + 1;
			prevs[i] = HEX.formatHex(head.hash());
			hashes[i] = HEX.formatHex(hash);
			moved.put(tenant, new AuditChain.Head(head.seq() + 1, hash));
			sealedEvents.add(new AuditSubscriber.SealedEvent(unsealed.id(), head.seq() + 1, hash, unsealed.event()));
		}
		String[] movedTenants = moved.keySet().toArray(String[]::new);
		Long[] headSeqs = new Long[movedTenants.length];
		String[] headHashes = new String[movedTenants.length];
		for (int i = 0; i < movedTenants.length; i++) {
			AuditChain.Head head = Objects.requireNonNull(moved.get(movedTenants[i]));
			headSeqs[i] = head.seq();
			headHashes[i] = HEX.formatHex(head.hash());
		}
		return this.db.sql("""
				update access_event e
				set seq = v.seq, prev_hash = decode(nullif(v.prev, ''), 'hex'), hash = decode(v.hash, 'hex'),
				    sealed = true
				from unnest(:ids::bigint[], :seqs::bigint[], :prevs::text[], :hashes::text[]) as v(id, seq, prev, hash)
				where e.id = v.id
				""")
			.bind("ids", ids)
			.bind("seqs", seqs)
			.bind("prevs", prevs)
			.bind("hashes", hashes)
			.then()
			.then(this.db.sql("""
					update audit_chain_head h set seq = v.seq, hash = decode(v.hash, 'hex'), sealed_at = :now
					from unnest(:tenants::text[], :seqs::bigint[], :hashes::text[]) as v(tenant, seq, hash)
					where h.tenant_id = v.tenant
					""")
				.bind("tenants", movedTenants)
				.bind("seqs", headSeqs)
				.bind("hashes", headHashes)
				.bind("now", this.clock.instant())
				.then())
			.then(Flux.fromIterable(this.subscribers).concatMap((subscriber) -> subscriber.sealed(sealedEvents)).then())
			.thenReturn((long) size);
	}

	/**
	 * Whether the event may be sealed: any event but a purge the gateway did not sign,
	 * which stays unsealed (the unsealed-age alert shows it) and accounts for nothing.
	 */
	private boolean madeByTheGateway(Unsealed unsealed) {
		AccessEvent event = unsealed.event();
		if (!AuditType.PURGED.id().equals(event.type())) {
			return true;
		}
		boolean signed = event.details() instanceof AuditDetail.Purged purged
				&& this.signatures.verifies(event.tenantId(), purged);
		if (!signed) {
			logger.warn("An audit event of type purged that the gateway did not sign is left unsealed (event "
					+ unsealed.id() + ")");
		}
		return signed;
	}

	private static Unsealed unsealed(Readable row) {
		return new Unsealed(row.get("id", Long.class), AuditChain.event(row));
	}

	private record Unsealed(long id, AccessEvent event) {
	}

}
