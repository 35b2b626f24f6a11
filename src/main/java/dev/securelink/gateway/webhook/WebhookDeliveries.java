package dev.securelink.gateway.webhook;

import java.time.Instant;
import java.util.List;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The outbox: {@code webhook_delivery} and {@code webhook_attempt}. Every statement here
 * runs in the caller's transaction, if any.
 */
@Repository
class WebhookDeliveries {

	/** A delivery's id, made by the database. */
	private static final String NEW_ID = "'dlv_' || replace(gen_random_uuid()::text, '-', '')";

	private final DatabaseClient db;

	WebhookDeliveries(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * One event to report.
	 *
	 * @param eventId the audit event it reports, or null (a checkpoint, a test)
	 */
	record Message(String tenantId, String type, String messageId, @Nullable Long eventId, String body) {
	}

	/**
	 * Queues each of {@code messages} for every enabled endpoint of its tenant that
	 * subscribes to its type (by name, family or {@code *}), due at once; answers how
	 * many deliveries that made. One statement for the whole batch.
	 */
	Mono<Long> enqueue(List<Message> messages, Instant now) {
		if (messages.isEmpty()) {
			return Mono.just(0L);
		}
		int size = messages.size();
		String[] tenants = new String[size];
		String[] types = new String[size];
		String[] families = new String[size];
		String[] messageIds = new String[size];
		Long[] eventIds = new Long[size];
		String[] bodies = new String[size];
		for (int i = 0; i < size; i++) {
			Message message = messages.get(i);
			tenants[i] = message.tenantId();
			types[i] = message.type();
			families[i] = WebhookEventTypes.family(message.type());
			messageIds[i] = message.messageId();
			eventIds[i] = message.eventId();
			bodies[i] = message.body();
		}
		return this.db
			.sql("insert into webhook_delivery (id, endpoint_id, tenant_id, message_id, event_type, "
					+ "event_id, body, status, next_attempt_at, created_at, updated_at) select " + NEW_ID
					+ """
							, e.id, v.tenant, v.message_id, v.type, v.event_id, v.body, 'pending', :now, :now, :now
							from unnest(:tenants::text[], :types::text[], :families::text[], :messageIds::text[],
							            :eventIds::bigint[], :bodies::text[]) as v(tenant, type, family, message_id, event_id, body)
							join webhook_endpoint e on e.tenant_id = v.tenant and e.enabled
							     and (v.type = any(e.event_types) or v.family = any(e.event_types) or '*' = any(e.event_types))
							""")
			.bind("tenants", tenants)
			.bind("types", types)
			.bind("families", families)
			.bind("messageIds", messageIds)
			.bind("eventIds", eventIds)
			.bind("bodies", bodies)
			.bind("now", now)
			.fetch()
			.rowsUpdated();
	}

	/** Which of {@code tenants} have an enabled endpoint. */
	Flux<String> subscribed(String[] tenants) {
		return this.db
			.sql("select distinct tenant_id from webhook_endpoint where tenant_id = any(:tenants) and enabled")
			.bind("tenants", tenants)
			.map((row) -> row.get("tenant_id", String.class))
			.all();
	}

	/** Queues {@code message} for {@code endpointId} alone, whatever it subscribes to. */
	Mono<Delivery> enqueueFor(String endpointId, Message message, Instant now) {
		return this.db
			.sql("insert into webhook_delivery (id, endpoint_id, tenant_id, message_id, event_type, "
					+ "event_id, body, status, next_attempt_at, created_at, updated_at) values (" + NEW_ID + """
							, :endpoint, :tenant, :messageId, :type, null, :body, 'pending', :now, :now, :now)
							returning *
							""")
			.bind("endpoint", endpointId)
			.bind("tenant", message.tenantId())
			.bind("messageId", message.messageId())
			.bind("type", message.type())
			.bind("body", message.body())
			.bind("now", now)
			.map(WebhookDeliveries::delivery)
			.one();
	}

	/**
	 * A delivery claimed for one attempt.
	 *
	 * @param attempt this attempt's number, from 1
	 * @param lease what the attempt's outcome must name to be saved
	 */
	record Claimed(String id, String endpointId, String tenantId, String messageId, String body, int attempt,
			String lease, String url, byte[] secret, byte @Nullable [] previousSecret,
			@Nullable Instant previousSecretUntil) {
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
	 * What one attempt came to.
	 *
	 * @param statusCode the answer's status, or null when none came
	 * @param error the error class ({@code http-status}, {@code timeout}, ...), or null
	 * when it succeeded
	 * @param response the first kilobyte of the answer's body, or null
	 */
	record Attempt(Instant startedAt, int durationMs, @Nullable Integer statusCode, @Nullable String error,
			@Nullable String response) {
	}

	/**
	 * Saves {@code attempt} of {@code claimed} and moves the delivery on: to
	 * {@code status}, due again at {@code nextAttemptAt} when still pending. Answers
	 * false when the lease had passed to another worker (nothing is saved then).
	 */
	Mono<Boolean> finish(Claimed claimed, Attempt attempt, String status, @Nullable Instant nextAttemptAt,
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
				.bind("response", Parameter.fromOrEmpty(attempt.response(), String.class))
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

	/** A delivery as the admin API shows it. */
	record Delivery(String id, String endpointId, String messageId, String eventType, @Nullable Long eventId,
			String body, String status, int attempts, @Nullable Instant nextAttemptAt, @Nullable String lastError,
			Instant createdAt, Instant updatedAt) {
	}

	/** An attempt as the admin API shows it. */
	record AttemptRow(int attempt, Instant startedAt, int durationMs, @Nullable Integer statusCode,
			@Nullable String error, @Nullable String response) {
	}

	/**
	 * One page of the endpoint's deliveries, newest first, after the cursor's
	 * {@code (createdAt, id)} when given, of {@code status} when given.
	 */
	Flux<Delivery> page(String tenantId, String endpointId, @Nullable String status, @Nullable Instant afterCreated,
			@Nullable String afterId, int limit) {
		return this.db.sql("""
				select * from webhook_delivery
				where tenant_id = :tenant and endpoint_id = :endpoint
				  and (cast(:status as text) is null or status = :status)
				  and (cast(:afterCreated as timestamptz) is null or (created_at, id) < (:afterCreated, :afterId))
				order by created_at desc, id desc limit :limit
				""")
			.bind("tenant", tenantId)
			.bind("endpoint", endpointId)
			.bind("status", Parameter.fromOrEmpty(status, String.class))
			.bind("afterCreated", Parameter.fromOrEmpty(afterCreated, Instant.class))
			.bind("afterId", Parameter.fromOrEmpty(afterId, String.class))
			.bind("limit", limit)
			.map(WebhookDeliveries::delivery)
			.all();
	}

	Mono<Delivery> find(String tenantId, String endpointId, String id) {
		return this.db
			.sql("select * from webhook_delivery where tenant_id = :tenant and endpoint_id = :endpoint and id = :id")
			.bind("tenant", tenantId)
			.bind("endpoint", endpointId)
			.bind("id", id)
			.map(WebhookDeliveries::delivery)
			.one();
	}

	Flux<AttemptRow> attempts(String deliveryId) {
		return this.db.sql("select * from webhook_attempt where delivery_id = :id order by attempt")
			.bind("id", deliveryId)
			.map((row) -> new AttemptRow(row.get("attempt", Integer.class), row.get("started_at", Instant.class),
					row.get("duration_ms", Integer.class), row.get("status_code", Integer.class),
					row.get("error", String.class), row.get("response", String.class)))
			.all();
	}

	/**
	 * Makes a delivery that is not under way due at once (one more attempt, same
	 * {@code webhook-id}); answers it, or nothing when it is unknown or being attempted.
	 */
	Mono<Delivery> retry(String tenantId, String endpointId, String id, Instant now) {
		return this.db.sql("""
				update webhook_delivery set status = 'pending', next_attempt_at = :now, updated_at = :now
				where tenant_id = :tenant and endpoint_id = :endpoint and id = :id and lease is null
				returning *
				""")
			.bind("tenant", tenantId)
			.bind("endpoint", endpointId)
			.bind("id", id)
			.bind("now", now)
			.map(WebhookDeliveries::delivery)
			.one();
	}

	/**
	 * Makes the endpoint's failed deliveries created in {@code [since, until)} due at
	 * once; answers how many.
	 */
	Mono<Long> recover(String tenantId, String endpointId, Instant since, Instant until, Instant now) {
		return this.db.sql("""
				update webhook_delivery set status = 'pending', next_attempt_at = :now, updated_at = :now
				where tenant_id = :tenant and endpoint_id = :endpoint and status = 'failed'
				  and created_at >= :since and created_at < :until
				""")
			.bind("tenant", tenantId)
			.bind("endpoint", endpointId)
			.bind("since", since)
			.bind("until", until)
			.bind("now", now)
			.fetch()
			.rowsUpdated();
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
	Mono<Backlog> backlog(Instant now) {
		return this.db.sql("""
				select count(*) as due, min(next_attempt_at) as oldest from webhook_delivery
				where status = 'pending' and next_attempt_at <= :now
				""")
			.bind("now", now)
			.map((row) -> new Backlog(row.get("due", Long.class), row.get("oldest", Instant.class)))
			.one();
	}

	record Backlog(long due, @Nullable Instant oldest) {
	}

	private static Delivery delivery(Readable row) {
		return new Delivery(row.get("id", String.class), row.get("endpoint_id", String.class),
				row.get("message_id", String.class), row.get("event_type", String.class),
				row.get("event_id", Long.class), row.get("body", String.class), row.get("status", String.class),
				row.get("attempts", Integer.class), row.get("next_attempt_at", Instant.class),
				row.get("last_error", String.class), row.get("created_at", Instant.class),
				row.get("updated_at", Instant.class));
	}

}
