package dev.securelink.gateway.mail;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.OutboxWorker;

/**
 * The mail outbox as {@link MailWorker} works it: expires the mails whose code has
 * stopped working, claims due mails under a lease, saves what each attempt came to, and
 * measures and purges the backlog. What a mail says is cleared from its row once it is
 * settled.
 */
@Repository
class MailQueue {

	private final DatabaseClient db;

	MailQueue(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * A mail claimed for one attempt.
	 *
	 * @param attempt this attempt's number, from 1
	 * @param lease what the attempt's outcome must name to be saved
	 */
	record Claimed(String id, String tenantId, String kind, String locale, byte[] sealed, int attempt, String lease,
			Instant expiresAt) implements OutboxWorker.Claimed {
	}

	/**
	 * Settles the pending mails past their expiry as expired, unsent; answers how many.
	 */
	Mono<Long> expire(Instant now) {
		return this.db.sql("""
				update mail_delivery set status = 'expired', sealed = null, next_attempt_at = null, lease = null,
				                         last_error = coalesce(last_error, 'expired'), updated_at = :now
				where status = 'pending' and expires_at <= :now
				""").bind("now", now).fetch().rowsUpdated();
	}

	/**
	 * Claims up to {@code batch} due mails, without waiting for rows another instance
	 * holds: each is counted as attempted and leased until {@code leaseUntil}.
	 */
	Flux<Claimed> claim(Instant now, Instant leaseUntil, String lease, int batch) {
		return this.db.sql("""
				update mail_delivery m set attempts = m.attempts + 1, next_attempt_at = :leaseUntil, lease = :lease,
				                           updated_at = :now
				from (select id from mail_delivery
				      where status = 'pending' and next_attempt_at <= :now and expires_at > :now
				      order by next_attempt_at limit :batch for update skip locked) due
				where m.id = due.id
				returning m.id, m.tenant_id, m.kind, m.locale, m.sealed, m.attempts, m.lease, m.expires_at
				""")
			.bind("now", now)
			.bind("leaseUntil", leaseUntil)
			.bind("lease", lease)
			.bind("batch", batch)
			.map((row) -> new Claimed(row.get("id", String.class), row.get("tenant_id", String.class),
					row.get("kind", String.class), row.get("locale", String.class), row.get("sealed", byte[].class),
					row.get("attempts", Integer.class), row.get("lease", String.class),
					row.get("expires_at", Instant.class)))
			.all();
	}

	/**
	 * Moves the mail on after an attempt: to {@code status}, due again at
	 * {@code nextAttemptAt} when still pending; what it says is cleared unless it is.
	 * Nothing is saved when the lease had passed to another worker.
	 */
	Mono<Void> finish(Claimed claimed, String status, @Nullable Instant nextAttemptAt, @Nullable String error,
			Instant now) {
		return this.db.sql("""
				update mail_delivery set status = :status, next_attempt_at = :next, lease = null, last_error = :error,
				                         sealed = case when :status = 'pending' then sealed end, updated_at = :now
				where id = :id and lease = :lease
				""")
			.bind("status", status)
			.bind("next", Parameter.fromOrEmpty(nextAttemptAt, Instant.class))
			.bind("error", Parameter.fromOrEmpty(error, String.class))
			.bind("now", now)
			.bind("id", claimed.id())
			.bind("lease", claimed.lease())
			.then();
	}

	/** Deletes the mails written before {@code before}. */
	Mono<Long> purge(Instant before) {
		return this.db.sql("delete from mail_delivery where created_at < :before")
			.bind("before", before)
			.fetch()
			.rowsUpdated();
	}

	/** How many mails are due and unsent, and since when the oldest is. */
	Mono<OutboxWorker.Backlog> backlog(Instant now) {
		return this.db.sql("""
				select count(*) as due, min(next_attempt_at) as oldest from mail_delivery
				where status = 'pending' and next_attempt_at <= :now and expires_at > :now
				""")
			.bind("now", now)
			.map((row) -> new OutboxWorker.Backlog(row.get("due", Long.class), row.get("oldest", Instant.class)))
			.one();
	}

}
