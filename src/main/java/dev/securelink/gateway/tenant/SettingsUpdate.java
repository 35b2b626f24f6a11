package dev.securelink.gateway.tenant;

import java.time.Instant;

import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

/**
 * {@code PUT} body.
 *
 * @param selfServiceRenewal whether a recipient stuck on an expired or locked link may
 * ask for a new one; left out, unchanged (default on)
 * @param renewalForRevoked whether a recipient may do so for a revoked link too; left
 * out, unchanged (default off)
 * @param displayName the name recipients know the tenant by, shown as "… sent you this
 * document" before verification (1 to 80 characters of plain text, trimmed); left out,
 * unchanged (default none)
 * @param showSenderOnPrompt whether that name is shown; left out, unchanged (default on)
 * @param linksOnGatewayHost whether the tenant's links open on the gateway's own host
 * too, not only on its link hosts; left out, unchanged (default on)
 * @param emailVerification as before {@code verification} existed: false is {@code off},
 * true keeps a mode that is on ({@code address} from {@code off})
 * @param verification {@code off}, {@code address} or {@code code}; this or
 * {@code emailVerification} is required
 * @param rememberDeviceDays 0 (off), 7 or 30: how long a verified recipient's browser may
 * skip the prompt on the tenant's later links to the same recipient; left out, unchanged
 * (default off)
 * @param codeBeforeActions whether a session verified by an address alone reaches sign or
 * pay only after an e-mail code; left out, unchanged (default off)
 * @param recipientSharing what a verified recipient may pass on to a colleague:
 * {@code off}, {@code view}, {@code view+sign} or {@code full}; left out, unchanged
 * (default {@code view})
 */
record SettingsUpdate(@Nullable Boolean emailVerification, @NotNull Boolean supportAccess,
		@Nullable Instant supportAccessUntil, @Nullable Boolean selfServiceRenewal, @Nullable Boolean renewalForRevoked,
		@Nullable String displayName, @Nullable Boolean showSenderOnPrompt, @Nullable Boolean linksOnGatewayHost,
		@Nullable String verification, @Nullable Integer rememberDeviceDays, @Nullable Boolean codeBeforeActions,
		@Nullable String recipientSharing) {
}
