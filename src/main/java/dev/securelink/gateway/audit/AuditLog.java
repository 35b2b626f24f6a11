package dev.securelink.gateway.audit;

import java.util.HexFormat;

import javax.crypto.spec.SecretKeySpec;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;

/** Appends to the durable audit trail; the returned Mono completes once the row is written. */
@Component
public class AuditLog {

	private final DatabaseClient db;

	private final SecretKeySpec pepper;

	AuditLog(DatabaseClient db, GatewayKeys keys) {
		this.db = db;
		this.pepper = keys.emailPepper();
	}

	/**
	 * A client IP as the audit trail keeps it: a keyed hash (HMAC with the pepper, 16 bytes), enough to tell
	 * repeated attempts from one client apart from many, useless for recovering the address.
	 */
	public String clientHash(String ip) {
		return HexFormat.of().formatHex(Hmac.sha256(this.pepper, "client:" + ip), 0, 16);
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


	/**
	 * Records that a session opened its document, once per session across all instances: a second record of
	 * the same session is ignored by the database.
	 */
	public Mono<Void> recordOpened(AccessEvent event, String sessionId) {
		return this.db.sql("""
				insert into access_event (tenant_id, link_id, type, outcome, client, occurred_at, session_id)
				values (:tenant, :link, 'opened', 'ok', :client, :at, :session)
				on conflict (link_id, session_id) where type = 'opened' do nothing
				""")
			.bind("tenant", event.tenantId())
			.bind("link", event.linkId())
			.bind("client", Parameter.fromOrEmpty(event.client(), String.class))
			.bind("at", event.occurredAt())
			.bind("session", sessionId)
			.then();
	}

}
