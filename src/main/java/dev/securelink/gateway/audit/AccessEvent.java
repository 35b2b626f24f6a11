package dev.securelink.gateway.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One line of the audit trail. Never a code, a cookie, a token or an e-mail address; the client only as a keyed
 * hash.
 *
 * @param type {@code created}, {@code revoked}, {@code opened}, {@code verified}, {@code failed}, {@code locked},
 * {@code signed}, {@code paid}, {@code settings_changed} or {@code support_read}
 * @param actor who acted: the admin token's subject, or null for a link's visitor
 * @param sessionId the document session, for {@code opened} (written once per session)
 * @param detail JSON with what else matters (old and new settings, the path support staff read), or null
 */
public record AccessEvent(String tenantId, String linkId, String type, String outcome, String actor, String client,
		Instant occurredAt, String sessionId, String detail) {

	public AccessEvent {
		// PostgreSQL keeps microseconds: the hashed form must be exactly what is stored.
		occurredAt = occurredAt.truncatedTo(ChronoUnit.MICROS);
	}

	public AccessEvent(String tenantId, String linkId, String type, String outcome, String actor, String client,
			Instant occurredAt) {
		this(tenantId, linkId, type, outcome, actor, client, occurredAt, null, null);
	}

	/** The form the chain hashes: every field, in order, separated by U+001F; absent fields empty. */
	public String canonical() {
		long micros = ChronoUnit.MICROS.between(Instant.EPOCH, this.occurredAt);
		return String.join("\u001f", this.tenantId, orEmpty(this.linkId), this.type, this.outcome, orEmpty(this.actor),
				orEmpty(this.client), Long.toString(micros), orEmpty(this.sessionId), orEmpty(this.detail));
	}

	private static String orEmpty(String value) {
		return (value != null) ? value : "";
	}

}
