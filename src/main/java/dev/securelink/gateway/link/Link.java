package dev.securelink.gateway.link;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A stored link. It holds no secret in clear: the code exists only as its hash (not even
 * loaded here), the recipients only as HMACs.
 *
 * @param completed the actions the invoicing application marked done (paid, signed):
 * their pages say so and their submissions are never forwarded
 * @param signOnce whether a signature the upstream accepted completes the link's
 * signature
 */
public record Link(String id, String tenantId, String document, Set<Right> rights, byte[] recipientMacs,
		@Nullable String locale, Instant createdAt, Instant expiresAt, @Nullable Instant revokedAt, int sessionEpoch,
		Set<Right> completed, boolean signOnce) {

	/** What a link is at an instant; only {@code ACTIVE} opens anything. */
	public enum Status {

		/** Opens the document. */
		ACTIVE,

		/** Past its expiry. */
		EXPIRED,

		/** Revoked by the admin API. */
		REVOKED

	}

	public Status status(Instant now) {
		if (this.revokedAt != null) {
			return Status.REVOKED;
		}
		return now.isBefore(this.expiresAt) ? Status.ACTIVE : Status.EXPIRED;
	}

}
