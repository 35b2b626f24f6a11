package dev.securelink.gateway.link;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditLog;

/**
 * Records each link's expiry as an audit event ({@code expired}, and so the webhook
 * {@code link.expired}) within {@code securelink.links.expiry-check-interval} of it, on
 * any instance, once: the links due are marked under {@code FOR UPDATE SKIP LOCKED} in
 * the transaction that writes their events. A revoked link's expiry is marked without an
 * event (it was announced when it was revoked).
 */
@Component
class LinkExpiry extends BackgroundTask<Long> {

	private static final int BATCH = 500;

	private final DatabaseClient db;

	private final TransactionalOperator transaction;

	private final AuditLog audit;

	private final Clock clock;

	LinkExpiry(DatabaseClient db, TransactionalOperator transaction, AuditLog audit, Clock clock,
			LinkExpiryProperties properties) {
		super("Link expiry", properties.expiryCheckInterval(), properties.expiryCheckInterval());
		this.db = db;
		this.transaction = transaction;
		this.audit = audit;
		this.clock = clock;
	}

	@Override
	protected Mono<Long> round() {
		return recordDue();
	}

	/** Records the expiries due; answers how many links were marked. */
	Mono<Long> recordDue() {
		Instant now = this.clock.instant();
		return this.db.sql("""
				update link l set expiry_recorded = true
				from (select id from link where not expiry_recorded and expires_at <= :now
				      order by expires_at limit :batch for update skip locked) due
				where l.id = due.id
				returning l.id, l.tenant_id, l.expires_at, l.revoked_at is not null as revoked
				""")
			.bind("now", now)
			.bind("batch", BATCH)
			.map((row) -> new Due(row.get("id", String.class), row.get("tenant_id", String.class),
					row.get("expires_at", Instant.class), Boolean.TRUE.equals(row.get("revoked", Boolean.class))))
			.all()
			.concatMap((due) -> due.revoked() ? Mono.just(due) : this.audit.record(event(due)).thenReturn(due))
			.count()
			.as(this.transaction::transactional);
	}

	private static AccessEvent event(Due due) {
		return AccessEvent.expired(due.tenantId(), due.id(), due.expiresAt());
	}

	private record Due(String id, String tenantId, Instant expiresAt, boolean revoked) {
	}

	/**
	 * {@code securelink.links.*}.
	 *
	 * @param expiryCheckInterval how often each instance looks for links that expired
	 */
	@ConfigurationProperties("securelink.links")
	record LinkExpiryProperties(@DefaultValue("20s") Duration expiryCheckInterval) {
	}

}
