package dev.securelink.gateway.tenant;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's privacy settings. A tenant that never saved any has the defaults: e-mail
 * verification on, support access off, self-service renewal on (for expired and locked
 * links, not for revoked ones).
 *
 * @param selfServiceRenewal whether a recipient stuck on an expired or locked link may
 * ask for a new one ({@code link.renewal_requested})
 * @param renewalForRevoked whether that holds for revoked links too
 * @param version moves on every change, so that sessions and caches can tell old settings
 * from new
 */
public record TenantSettings(String tenantId, boolean emailVerification, boolean supportAccess,
		@Nullable Instant supportAccessUntil, boolean selfServiceRenewal, boolean renewalForRevoked, long version,
		@Nullable Instant updatedAt) {

	static TenantSettings defaults(String tenantId) {
		return new TenantSettings(tenantId, true, false, null, true, false, 0, null);
	}

	/**
	 * Support access as it stands at {@code now}: on, and not past its end when it has
	 * one.
	 */
	public boolean supportAccessActive(Instant now) {
		return this.supportAccess && (this.supportAccessUntil == null || now.isBefore(this.supportAccessUntil));
	}

}
