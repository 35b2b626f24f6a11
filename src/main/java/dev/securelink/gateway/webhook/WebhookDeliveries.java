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
 * The outbox as the events and the admin API see it: queues deliveries in
 * {@code webhook_delivery}, and lists, retries and recovers them with their
 * {@code webhook_attempt} rows; {@link WebhookQueue} is the dispatcher's side. Every
 * statement here runs in the caller's transaction, if any.
 */
@Repository
class WebhookDeliveries {

	/** A delivery's id, made by the database. */
	private static final String NEW_ID = "'dlv_' || replace(gen_random_uuid()::text, '-', '')";

	private final DatabaseClient db;

	private final WebhookQueue queue;

	WebhookDeliveries(DatabaseClient db, WebhookQueue queue) {
		this.db = db;
		this.queue = queue;
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
	 * Fails every pending delivery of the endpoint: it was disabled. One statement for
	 * the admin API and the dispatcher ({@link WebhookQueue#disable}).
	 */
	Mono<Void> failPending(String endpointId, Instant now) {
		return this.queue.failPending(endpointId, now);
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

	private static Delivery delivery(Readable row) {
		return new Delivery(row.get("id", String.class), row.get("endpoint_id", String.class),
				row.get("message_id", String.class), row.get("event_type", String.class),
				row.get("event_id", Long.class), row.get("body", String.class), row.get("status", String.class),
				row.get("attempts", Integer.class), row.get("next_attempt_at", Instant.class),
				row.get("last_error", String.class), row.get("created_at", Instant.class),
				row.get("updated_at", Instant.class));
	}

}
