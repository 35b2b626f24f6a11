package dev.securelink.gateway.webhook;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.OutboxWorker;

/**
 * The outbox as {@link WebhookDispatcher} works it: claims due deliveries under a lease,
 * saves what each attempt came to, keeps the endpoints' failing streaks, and measures and
 * purges the backlog. Every statement here runs in the caller's transaction, if any.
 */
@Repository
class WebhookQueue {

	private final DatabaseClient db;

	WebhookQueue(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * A delivery claimed for one attempt.
	 *
	 * @param attempt this attempt's number, from 1
	 * @param lease what the attempt's outcome must name to be saved
	 */
	record Claimed(String id, String endpointId, String tenantId, String messageId, String body, int attempt,
			String lease, String url, byte[] secret, byte @Nullable [] previousSecret,
			@Nullable Instant previousSecretUntil) implements OutboxWorker.Claimed {
	}

	/**
	 * Claims up to {@code batch} due deliveries of enabled endpoints, without waiting for
	 * rows another instance holds: each is counted as attempted and leased until
	 * {@code leaseUntil}, after which another worker may take it (this one died).
	 */
	Flux<Claimed> claim(Instant now, Instant leaseUntil, String lease, int batch) {
		return this.db.sql("""
				with claimed as (
				    update webhook_delivery d set attempts = d.attempts + 1, next_attempt_at = :leaseUntil,
				                                  lease = :lease, updated_at = :now
				    from (select d2.id from webhook_delivery d2 join webhook_endpoint e on e.id = d2.endpoint_id
				          where d2.status = 'pending' and d2.next_attempt_at <= :now and e.enabled
				          order by d2.next_attempt_at limit :batch for update of d2 skip locked) due
				    where d.id = due.id
				    returning d.*)
				select c.id, c.endpoint_id, c.tenant_id, c.message_id, c.body, c.attempts, c.lease, e.url, e.secret,
				       e.previous_secret, e.previous_secret_until
				from claimed c join webhook_endpoint e on e.id = c.endpoint_id
				""")
			.bind("now", now)
			.bind("leaseUntil", leaseUntil)
			.bind("lease", lease)
			.bind("batch", batch)
			.map((row) -> new Claimed(row.get("id", String.class), row.get("endpoint_id", String.class),
					row.get("tenant_id", String.class), row.get("message_id", String.class),
					row.get("body", String.class), row.get("attempts", Integer.class), row.get("lease", String.class),
					row.get("url", String.class), row.get("secret", byte[].class),
					row.get("previous_secret", byte[].class), row.get("previous_secret_until", Instant.class)))
			.all();
	}

	/**
	 * Saves {@code attempt} of {@code claimed} and moves the delivery on: to
	 * {@code status}, due again at {@code nextAttemptAt} when still pending. Answers
	 * false when the lease had passed to another worker (nothing is saved then).
	 */
	Mono<Boolean> finish(Claimed claimed, OutboxWorker.Attempt attempt, String status, @Nullable Instant nextAttemptAt,
			Instant now) {
		return this.db.sql("""
				update webhook_delivery set status = :status, next_attempt_at = :next, lease = null,
				                            last_error = :error, updated_at = :now
				where id = :id and lease = :lease
				""")
			.bind("status", status)
			.bind("next", Parameter.fromOrEmpty(nextAttemptAt, Instant.class))
			.bind("error", Parameter.fromOrEmpty(attempt.error(), String.class))
			.bind("now", now)
			.bind("id", claimed.id())
			.bind("lease", claimed.lease())
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows == 0) ? Mono.just(false) : this.db.sql("""
					insert into webhook_attempt (delivery_id, attempt, started_at, duration_ms, status_code, error,
					                             response)
					values (:id, :attempt, :startedAt, :duration, :statusCode, :error, :response)
					on conflict (delivery_id, attempt) do nothing
					""")
				.bind("id", claimed.id())
				.bind("attempt", claimed.attempt())
				.bind("startedAt", attempt.startedAt())
				.bind("duration", attempt.durationMs())
				.bind("statusCode", Parameter.fromOrEmpty(attempt.statusCode(), Integer.class))
				.bind("error", Parameter.fromOrEmpty(attempt.error(), String.class))
				.bind("response", Parameter.fromOrEmpty(attempt.excerpt(), String.class))
				.then()
				.thenReturn(true));
	}

	/** The endpoint answered: it is not failing any more. */
	Mono<Void> endpointSucceeded(String endpointId) {
		return this.db
			.sql("update webhook_endpoint set failing_since = null where id = :id and failing_since is not null")
			.bind("id", endpointId)
			.then();
	}

	/**
	 * The endpoint failed at {@code now}: answers since when it has been failing without
	 * a success.
	 */
	Mono<Instant> endpointFailed(String endpointId, Instant now) {
		return this.db
			.sql("update webhook_endpoint set failing_since = coalesce(failing_since, :now) where id = :id "
					+ "returning failing_since")
			.bind("now", now)
			.bind("id", endpointId)
			.map((row) -> row.get("failing_since", Instant.class))
			.one();
	}

	/**
	 * Disables the endpoint for {@code reason} and fails its pending deliveries (a
	 * disabled endpoint is sent nothing); answers whether it was enabled.
	 */
	Mono<Boolean> disable(String endpointId, String reason, Instant now) {
		return this.db.sql("""
				update webhook_endpoint set enabled = false, disabled_reason = :reason, updated_at = :now
				where id = :id and enabled
				""")
			.bind("reason", reason)
			.bind("now", now)
			.bind("id", endpointId)
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> failPending(endpointId, now).thenReturn(rows > 0));
	}

	/** Fails every pending delivery of the endpoint: it was disabled. */
	Mono<Void> failPending(String endpointId, Instant now) {
		return this.db.sql("""
				update webhook_delivery set status = 'failed', next_attempt_at = null, lease = null,
				                            last_error = coalesce(last_error, 'endpoint-disabled'), updated_at = :now
				where endpoint_id = :id and status = 'pending'
				""").bind("id", endpointId).bind("now", now).then();
	}

	/** Deletes the deliveries (and their attempts) created before {@code before}. */
	Mono<Long> purge(Instant before) {
		return this.db.sql("delete from webhook_delivery where created_at < :before")
			.bind("before", before)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * The due backlog: how many pending deliveries are due, and since when the oldest is.
	 */
	Mono<OutboxWorker.Backlog> backlog(Instant now) {
		return this.db.sql("""
				select count(*) as due, min(next_attempt_at) as oldest from webhook_delivery
				where status = 'pending' and next_attempt_at <= :now
				""")
			.bind("now", now)
			.map((row) -> new OutboxWorker.Backlog(row.get("due", Long.class), row.get("oldest", Instant.class)))
			.one();
	}

}
