package dev.securelink.gateway.tenant;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's privacy settings. A tenant that never saved any has the defaults: e-mail
 * verification by address, support access off, self-service renewal on (for expired and
 * locked links, not for revoked ones).
 *
 * @param verification how visitors are checked before a session
 * @param selfServiceRenewal whether a recipient stuck on an expired or locked link may
 * ask for a new one ({@code link.renewal_requested})
 * @param renewalForRevoked whether that holds for revoked links too
 * @param displayName the name recipients know the tenant by (plain text), or null
 * @param showSenderOnPrompt whether the pages before verification name the sender
 * @param linksOnGatewayHost whether the tenant's links open on the gateway's own host
 * too, besides its link hosts ({@link LinkHosts})
 * @param rememberDeviceDays how long a verified recipient's browser may skip the prompt
 * on the tenant's later links to the same recipient: 0 (off), 7 or 30
 * @param rememberDeviceSince when that was last switched on (browsers remembered before
 * do not count), or null while off
 * @param codeBeforeActions whether a session verified by an address alone reaches sign or
 * pay only after an e-mail code
 * @param recipientSharing what a verified recipient may pass on to a colleague
 * @param version moves on every change, so that sessions and caches can tell old settings
 * from new
 */
public record TenantSettings(String tenantId, Verification verification, boolean supportAccess,
		@Nullable Instant supportAccessUntil, boolean selfServiceRenewal, boolean renewalForRevoked,
		@Nullable String displayName, boolean showSenderOnPrompt, boolean linksOnGatewayHost, int rememberDeviceDays,
		@Nullable Instant rememberDeviceSince, boolean codeBeforeActions, Sharing recipientSharing, long version,
		@Nullable Instant updatedAt) {

	static TenantSettings defaults(String tenantId) {
		return new TenantSettings(tenantId, Verification.ADDRESS, false, null, true, false, null, true, true, 0, null,
				false, Sharing.VIEW, 0, null);
	}

	/**
	 * Whether a browser remembered at {@code rememberedAt} still may skip the prompt at
	 * {@code now}.
	 */
	public boolean remembers(Instant rememberedAt, Instant now) {
		Instant since = this.rememberDeviceSince;
		return this.rememberDeviceDays > 0 && since != null && !rememberedAt.isBefore(since)
				&& now.isBefore(rememberedAt.plus(java.time.Duration.ofDays(this.rememberDeviceDays)));
	}

	/**
	 * What a recipient of a link that sets {@code stricter} (or null) may pass on: never
	 * more than the company allows, and nothing while no one is verified (the link's code
	 * alone opens the document then).
	 */
	public Sharing sharingFor(@Nullable Sharing stricter) {
		return (this.verification == Verification.OFF) ? Sharing.OFF : this.recipientSharing.stricter(stricter);
	}

	/** Whether a visitor must verify at all (an address, or a code too). */
	public boolean emailVerification() {
		return this.verification != Verification.OFF;
	}

	/**
	 * The sender the pages before verification name ("… sent you this document"), or null
	 * when the tenant has no display name or does not want it shown.
	 */
	public @Nullable String sender() {
		return this.showSenderOnPrompt ? this.displayName : null;
	}

	/**
	 * Support access as it stands at {@code now}: on, and not past its end when it has
	 * one.
	 */
	public boolean supportAccessActive(Instant now) {
		return this.supportAccess && (this.supportAccessUntil == null || now.isBefore(this.supportAccessUntil));
	}

}
