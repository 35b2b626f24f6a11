package dev.securelink.gateway.access;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Brute-force limits: {@code securelink.limits.*}.
 *
 * @param lockThreshold wrong addresses from one client within {@code lockWindow} that
 * lock a link's e-mail check for that client
 * @param lockDuration the first lock; each new lock of the same link doubles it, up to
 * {@code maxLockDuration}
 * @param unknownCodes per client IP, unknown or malformed codes allowed per
 * {@code unknownCodesPeriod}
 * @param wrongAddresses per client IP, wrong addresses allowed per
 * {@code wrongAddressesPeriod}
 * @param sessions per client IP and link, new sessions issued per {@code sessionsPeriod}
 * @param linkCeiling wrong addresses from all clients together within
 * {@code linkCeilingWindow} that lock the link for everyone, until the window ends
 * @param renewals per client IP, requests for a new link ("ask for a new link") allowed
 * per {@code renewalsPeriod}
 * @param renewalAnswerTime the least time a request for a new link is answered in,
 * whatever it came to, so that its timing tells nothing either
 * @param codeValidity how long an e-mail code works (the code mode)
 * @param codeTries wrong codes one code allows before a new one must be asked for (each
 * also counts toward the locks, as a wrong address does)
 * @param codeResendAfter the least time between two codes asked for in one browser
 * @param codesPerAddress codes asked for one link and one typed address per
 * {@code codesPeriod} (a recipient's or not: the limit must not tell them apart)
 * @param codesPerClient codes one client asks for, on any link, per {@code codesPeriod}
 * @param codeAnswerTime the least time the request for a code is answered in, whatever it
 * came to (a mail written or not), so that its timing tells nothing
 */
@Validated
@ConfigurationProperties("securelink.limits")
public record LimitsProperties(@Min(1) @DefaultValue("5") int lockThreshold,
		@NotNull @DefaultValue("15m") Duration lockWindow, @NotNull @DefaultValue("15m") Duration lockDuration,
		@NotNull @DefaultValue("24h") Duration maxLockDuration, @Min(1) @DefaultValue("30") int unknownCodes,
		@NotNull @DefaultValue("1m") Duration unknownCodesPeriod, @Min(1) @DefaultValue("20") int wrongAddresses,
		@NotNull @DefaultValue("15m") Duration wrongAddressesPeriod, @Min(1) @DefaultValue("10") int sessions,
		@NotNull @DefaultValue("1m") Duration sessionsPeriod, @Min(1) @DefaultValue("50") int linkCeiling,
		@NotNull @DefaultValue("24h") Duration linkCeilingWindow, @Min(1) @DefaultValue("10") int renewals,
		@NotNull @DefaultValue("1h") Duration renewalsPeriod,
		@NotNull @DefaultValue("300ms") Duration renewalAnswerTime, @NotNull @DefaultValue("15m") Duration codeValidity,
		@Min(1) @DefaultValue("5") int codeTries, @NotNull @DefaultValue("60s") Duration codeResendAfter,
		@Min(1) @DefaultValue("3") int codesPerAddress, @Min(1) @DefaultValue("10") int codesPerClient,
		@NotNull @DefaultValue("1h") Duration codesPeriod, @NotNull @DefaultValue("300ms") Duration codeAnswerTime) {
}
