package dev.securelink.gateway.webhook;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A tenant's webhook endpoint as stored; {@code secret} and {@code previousSecret} are
 * encrypted ({@link WebhookSecrets}).
 *
 * @param disabledReason why the gateway disabled it ({@code gone}: it answered 410;
 * {@code failing}: it failed for {@code disable-after}), or null
 * @param failingSince since when its deliveries have failed without a success, or null
 */
record WebhookEndpoint(String id, String tenantId, String url, List<String> eventTypes, boolean enabled,
		@Nullable String description, byte[] secret, byte @Nullable [] previousSecret,
		@Nullable Instant previousSecretUntil, Instant createdAt, Instant updatedAt, @Nullable String disabledReason,
		@Nullable Instant failingSince) {

	/**
	 * The endpoint as an update leaves it; enabling it again forgets why and since when
	 * it failed.
	 */
	WebhookEndpoint with(String url, List<String> eventTypes, boolean enabled, @Nullable String description,
			Instant now) {
		boolean reenabled = enabled && !this.enabled;
		return new WebhookEndpoint(this.id, this.tenantId, url, eventTypes, enabled, description, this.secret,
				this.previousSecret, this.previousSecretUntil, this.createdAt, now,
				reenabled ? null : this.disabledReason, reenabled ? null : this.failingSince);
	}

	/**
	 * {@code secret} in place of the current one, which keeps signing until
	 * {@code previousUntil} (none when null).
	 */
	WebhookEndpoint rotated(byte[] secret, @Nullable Instant previousUntil, Instant now) {
		return new WebhookEndpoint(this.id, this.tenantId, this.url, this.eventTypes, this.enabled, this.description,
				secret, (previousUntil != null) ? this.secret : null, previousUntil, this.createdAt, now,
				this.disabledReason, this.failingSince);
	}

}
