package dev.securelink.gateway.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;

/**
 * Links each tenant's new events into its hash chain, in the background and on every
 * instance. One sealer at a time per tenant: a sealer holds the tenant's
 * {@code audit_chain_head} row ({@code FOR UPDATE SKIP LOCKED}, so another instance
 * passes on to the next tenant instead of waiting), gives the unsealed events their
 * places ({@code seq}) in id order, chains their hashes from the head and moves the head,
 * all in one transaction. A sealer that dies mid-way rolls back; the next tick, on any
 * instance, seals the same events.
 */
@Component
class AuditSealer extends BackgroundTask<Long> {

	private static final HexFormat HEX = HexFormat.of();

	private final DatabaseClient db;

	private final TransactionalOperator transaction;

	private final AuditProperties properties;

	private final Clock clock;

	private final Counter sealed;

	/**
	 * When the oldest event still unsealed after the last round was written (epoch ms),
	 * or 0.
	 */
	private final AtomicLong oldestUnsealed = new AtomicLong();

	AuditSealer(DatabaseClient db, TransactionalOperator transaction, AuditProperties properties, Clock clock,
			MeterRegistry meters) {
		super("Audit sealing", properties.sealInterval(), properties.sealInterval());
		this.db = db;
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
				return ensureHeads(tenants).thenMany(Flux.fromIterable(tenants).concatMap(this::seal))
					.reduce(0L, Long::sum)
					.flatMap((count) -> this.db
						.sql("select min(occurred_at) as oldest from access_event where not sealed")
						.map((row) -> Optional.ofNullable(row.get("oldest", Instant.class)))
						.one()
						.doOnNext((oldest) -> this.oldestUnsealed.set(oldest.map(Instant::toEpochMilli).orElse(0L)))
						.thenReturn(count));
			});
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
	 * Seals the tenant's unsealed events, batch after batch, unless another sealer holds
	 * its chain.
	 */
	private Mono<Long> seal(String tenantId) {
		return batch(tenantId)
			.expand((count) -> (count == this.properties.sealBatch()) ? batch(tenantId) : Mono.empty())
			.reduce(0L, Long::sum);
	}

	/**
	 * One batch in one transaction, unless another sealer holds the tenant's chain head.
	 */
	private Mono<Long> batch(String tenantId) {
		return this.db.sql("select seq, hash from audit_chain_head where tenant_id = :tenant for update skip locked")
			.bind("tenant", tenantId)
			.map((row) -> new AuditChain.Head(row.get("seq", Long.class), row.get("hash", byte[].class)))
			.one()
			.flatMap((head) -> this.db
				.sql("select * from access_event where tenant_id = :tenant and not sealed order by id limit :batch "
						+ "for update")
				.bind("tenant", tenantId)
				.bind("batch", this.properties.sealBatch())
				.map(AuditSealer::unsealed)
				.all()
				.collectList()
				.flatMap((events) -> events.isEmpty() ? Mono.just(0L) : link(tenantId, head, events)))
			.defaultIfEmpty(0L)
			.as(this.transaction::transactional)
			.doOnNext(this.sealed::increment);
	}

	/**
	 * Chains {@code events} from {@code head}, in the order given, and moves the head
	 * past them.
	 */
	private Mono<Long> link(String tenantId, AuditChain.Head head, List<Unsealed> events) {
		int size = events.size();
		Long[] ids = new Long[size];
		Long[] seqs = new Long[size];
		String[] prevs = new String[size];
		String[] hashes = new String[size];
		byte[] previous = head.hash();
		for (int i = 0; i < size; i++) {
			byte[] hash = AuditLog.chain(previous, events.get(i).event());
			ids[i] = events.get(i).id();
			seqs[i] = head.seq() + i + 1;
			prevs[i] = HEX.formatHex(previous);
			hashes[i] = HEX.formatHex(hash);
			previous = hash;
		}
		Instant now = this.clock.instant();
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
			.then(this.db
				.sql("update audit_chain_head set seq = :seq, hash = :hash, sealed_at = :now "
						+ "where tenant_id = :tenant")
				.bind("seq", head.seq() + size)
				.bind("hash", previous)
				.bind("now", now)
				.bind("tenant", tenantId)
				.then())
			.thenReturn((long) size);
	}

	private static Unsealed unsealed(Readable row) {
		return new Unsealed(row.get("id", Long.class), AuditChain.event(row));
	}

	private record Unsealed(long id, AccessEvent event) {
	}

}
