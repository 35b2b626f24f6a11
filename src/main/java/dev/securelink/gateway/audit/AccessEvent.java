package dev.securelink.gateway.audit;

import java.time.Instant;

/**
 * One line of the audit trail. Never a code, a cookie, a token or an e-mail address; the client only as a keyed
 * hash.
 *
 * @param actor who acted: the admin token's subject, or null for a link's visitor
 */
public record AccessEvent(String tenantId, String linkId, String type, String outcome, String actor, String client,
		Instant occurredAt) {
}
