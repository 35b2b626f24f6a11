package dev.securelink.gateway.session;

import java.time.Instant;
import java.util.Set;

import dev.securelink.gateway.link.Right;

/**
 * What a document session asserts, signed into its cookie.
 *
 * @param id unique per session (never reused: a new verification makes a new session)
 * @param epoch the link's session epoch when issued; revoking the link moves it
 * @param emailVerified whether the visitor typed a recipient address, or the tenant had
 * verification off
 * @param seenAt last activity, refreshed as the session is used; the idle limit counts
 * from it
 * @param recipient the index of the recipient whose address verified it, or -1 when none
 * did (verification off) or the cookie predates the claim
 * @param mailboxProven whether the recipient also proved the mailbox (an e-mail code, or
 * a browser remembered after one): only such a session lasts while the tenant asks for a
 * code
 * @param delegatedBy the index of the recipient who shared the document with this
 * session's recipient, or -1 (no one did)
 */
public record SessionClaims(String id, String tenantId, String linkId, Set<Right> rights, int epoch,
		boolean emailVerified, Instant issuedAt, Instant expiresAt, Instant seenAt, int recipient,
		boolean mailboxProven, int delegatedBy) {

	/** A session of a recipient no one shared the document with. */
	public SessionClaims(String id, String tenantId, String linkId, Set<Right> rights, int epoch, boolean emailVerified,
			Instant issuedAt, Instant expiresAt, Instant seenAt, int recipient, boolean mailboxProven) {
		this(id, tenantId, linkId, rights, epoch, emailVerified, issuedAt, expiresAt, seenAt, recipient, mailboxProven,
				-1);
	}

	/** A session whose mailbox was not proven. */
	public SessionClaims(String id, String tenantId, String linkId, Set<Right> rights, int epoch, boolean emailVerified,
			Instant issuedAt, Instant expiresAt, Instant seenAt, int recipient) {
		this(id, tenantId, linkId, rights, epoch, emailVerified, issuedAt, expiresAt, seenAt, recipient, false);
	}

	SessionClaims seen(Instant now) {
		return new SessionClaims(this.id, this.tenantId, this.linkId, this.rights, this.epoch, this.emailVerified,
				this.issuedAt, this.expiresAt, now, this.recipient, this.mailboxProven, this.delegatedBy);
	}

}
