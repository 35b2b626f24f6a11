package dev.securelink.gateway.webhook;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code webhook_endpoint} table. */
@Repository
class WebhookEndpoints {

	private final DatabaseClient db;

	WebhookEndpoints(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Inserts {@code endpoint} unless its tenant has {@code max} already; answers whether
	 * it did. Runs in the caller's transaction, which has locked the tenant's row
	 * ({@code TenantRepository.lock}) so that two creations at once cannot both pass the
	 * count.
	 */
	Mono<Boolean> insert(WebhookEndpoint endpoint, int max) {
		return this.db.sql("""
				insert into webhook_endpoint (id, tenant_id, url, event_types, enabled, description, secret,
				    created_at, updated_at)
				select :id, :tenant, :url, :types, :enabled, :description, :secret, :now, :now
				where (select count(*) from webhook_endpoint where tenant_id = :tenant) < :max
				""")
			.bind("id", endpoint.id())
			.bind("tenant", endpoint.tenantId())
			.bind("url", endpoint.url())
			.bind("types", endpoint.eventTypes().toArray(String[]::new))
			.bind("enabled", endpoint.enabled())
			.bind("secret", endpoint.secret())
			.bind("now", endpoint.createdAt())
			.bind("max", max)
			.bind("description", Parameter.fromOrEmpty(endpoint.description(), String.class))
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	Mono<WebhookEndpoint> find(String tenantId, String id) {
		return this.db.sql("select * from webhook_endpoint where tenant_id = :tenant and id = :id")
			.bind("tenant", tenantId)
			.bind("id", id)
			.map(WebhookEndpoints::endpoint)
			.one();
	}

	/** The tenant's endpoints, oldest first (a tenant has a handful at most). */
	Flux<WebhookEndpoint> list(String tenantId) {
		return this.db.sql("select * from webhook_endpoint where tenant_id = :tenant order by created_at, id")
			.bind("tenant", tenantId)
			.map(WebhookEndpoints::endpoint)
			.all();
	}

	/** Saves what an update may change. */
	Mono<Void> update(WebhookEndpoint endpoint) {
		return this.db.sql("""
				update webhook_endpoint set url = :url, event_types = :types, enabled = :enabled,
				    description = :description, updated_at = :now, disabled_reason = :reason, failing_since = :since
				where tenant_id = :tenant and id = :id
				""")
			.bind("reason", Parameter.fromOrEmpty(endpoint.disabledReason(), String.class))
			.bind("since", Parameter.fromOrEmpty(endpoint.failingSince(), Instant.class))
			.bind("url", endpoint.url())
			.bind("types", endpoint.eventTypes().toArray(String[]::new))
			.bind("enabled", endpoint.enabled())
			.bind("now", endpoint.updatedAt())
			.bind("tenant", endpoint.tenantId())
			.bind("id", endpoint.id())
			.bind("description", Parameter.fromOrEmpty(endpoint.description(), String.class))
			.then();
	}

	/** Saves a rotated secret and the one it replaced. */
	Mono<Void> rotate(WebhookEndpoint endpoint) {
		return this.db.sql("""
				update webhook_endpoint set secret = :secret, previous_secret = :previous,
				    previous_secret_until = :until, updated_at = :now
				where tenant_id = :tenant and id = :id
				""")
			.bind("secret", endpoint.secret())
			.bind("now", endpoint.updatedAt())
			.bind("tenant", endpoint.tenantId())
			.bind("id", endpoint.id())
			.bind("previous", Parameter.fromOrEmpty(endpoint.previousSecret(), byte[].class))
			.bind("until", Parameter.fromOrEmpty(endpoint.previousSecretUntil(), Instant.class))
			.then();
	}

	/** Answers whether the endpoint existed. */
	Mono<Boolean> delete(String tenantId, String id) {
		return this.db.sql("delete from webhook_endpoint where tenant_id = :tenant and id = :id")
			.bind("tenant", tenantId)
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	private static WebhookEndpoint endpoint(Readable row) {
		String[] types = row.get("event_types", String[].class);
		return new WebhookEndpoint(row.get("id", String.class), row.get("tenant_id", String.class),
				row.get("url", String.class), (types != null) ? Arrays.asList(types) : List.of(),
				Boolean.TRUE.equals(row.get("enabled", Boolean.class)), row.get("description", String.class),
				row.get("secret", byte[].class), row.get("previous_secret", byte[].class),
				row.get("previous_secret_until", Instant.class), row.get("created_at", Instant.class),
				row.get("updated_at", Instant.class), row.get("disabled_reason", String.class),
				row.get("failing_since", Instant.class));
	}

}
