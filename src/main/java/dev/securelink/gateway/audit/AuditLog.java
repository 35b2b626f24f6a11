package dev.securelink.gateway.audit;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/** Appends to the durable audit trail; the returned Mono completes once the row is written. */
@Component
public class AuditLog {

	private final DatabaseClient db;

	AuditLog(DatabaseClient db) {
		this.db = db;
	}

	public Mono<Void> record(AccessEvent event) {
		return this.db.sql("""
				insert into access_event (tenant_id, link_id, type, outcome, actor, client, occurred_at)
				values (:tenant, :link, :type, :outcome, :actor, :client, :at)
				""")
			.bind("tenant", event.tenantId())
			.bind("type", event.type())
			.bind("outcome", event.outcome())
			.bind("at", event.occurredAt())
			.bind("link", Parameter.fromOrEmpty(event.linkId(), String.class))
			.bind("actor", Parameter.fromOrEmpty(event.actor(), String.class))
			.bind("client", Parameter.fromOrEmpty(event.client(), String.class))
			.then();
	}

}
