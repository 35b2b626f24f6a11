package dev.securelink.gateway.tenant;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The settings as they stand now: {@code supportAccess} is false once its end has passed.
 */
record SettingsView(String tenantId, String verification, boolean emailVerification, boolean supportAccess,
		@Nullable Instant supportAccessUntil, boolean selfServiceRenewal, boolean renewalForRevoked,
		@Nullable String displayName, boolean showSenderOnPrompt, boolean linksOnGatewayHost, int rememberDeviceDays,
		boolean codeBeforeActions, String recipientSharing, long version, @Nullable Instant updatedAt) {

	static SettingsView of(TenantSettings settings, Instant now) {
		boolean support = settings.supportAccessActive(now);
		return new SettingsView(settings.tenantId(), settings.verification().id(), settings.emailVerification(),
				support, support ? settings.supportAccessUntil() : null, settings.selfServiceRenewal(),
				settings.renewalForRevoked(), settings.displayName(), settings.showSenderOnPrompt(),
				settings.linksOnGatewayHost(), settings.rememberDeviceDays(), settings.codeBeforeActions(),
				settings.recipientSharing().id(), settings.version(), settings.updatedAt());
	}

}
