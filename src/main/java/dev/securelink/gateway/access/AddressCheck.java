package dev.securelink.gateway.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.RecipientMacs;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.tenant.TenantSettings;

/**
 * The prompt's POST for an active link: form token, then the client's address budget,
 * then the link's attempt, then the address. The client's budget ({@link ClientBudgets})
 * and the link's attempt ({@link AttemptGuard}) are both reserved in PostgreSQL before
 * the address is compared, so a burst on any number of instances gets no more comparisons
 * than either allows; a matching address gives both back. The client is one key
 * everywhere ({@code ClientAddress.key}: an IPv4 address, an IPv6 /64).
 */
@Component
class AddressCheck {

	private static final int MAX_ADDRESS_LENGTH = 254;

	private final FormTokens forms;

	private final ClientBudgets budgets;

	private final AttemptGuard attempts;

	private final RecipientMacs macs;

	private final AuditLog audit;

	private final Duration wrongAddressesPeriod;

	private final int lockThreshold;

	private final Clock clock;

	private final MeterRegistry meters;

	/**
	 * Addresses compared with a link's recipients: never more per burst than the lock
	 * threshold allows.
	 */
	private final Counter comparisons;

	AddressCheck(FormTokens forms, ClientBudgets budgets, AttemptGuard attempts, RecipientMacs macs, AuditLog audit,
			LimitsProperties limitsProperties, Clock clock, MeterRegistry meters) {
		this.forms = forms;
		this.budgets = budgets;
		this.attempts = attempts;
		this.macs = macs;
		this.audit = audit;
		this.wrongAddressesPeriod = limitsProperties.wrongAddressesPeriod();
		this.lockThreshold = limitsProperties.lockThreshold();
		this.clock = clock;
		this.meters = meters;
		// Registered up front so that dashboards see a zero, not a missing series, before
		// the first lock.
		meters.counter("securelink.lockouts");
		this.comparisons = meters.counter("securelink.address.comparisons");
	}

	Mono<LinkOutcome> verify(LinkRequest request, Link link, TenantSettings tenant, Right action, Locale locale) {
		if (!this.forms.valid(request.formNonce(), link.id(), request.formToken())) {
			return Mono.just(new LinkOutcome.Forbidden(link.id(), locale));
		}
		if (!tenant.emailVerification()) {
			return Mono.just(new LinkOutcome.SessionIssued(link, action, false, -1, locale));
		}
		String address = request.address();
		if (address == null || address.isBlank()) {
			return Mono.just(new LinkOutcome.EmailRequired(link, action, LinkOutcome.PromptError.BLANK, locale,
					tenant.sender()));
		}
		String client = request.client();
		Instant now = this.clock.instant();
		String clientHash = this.audit.clientHash(client);
		return this.budgets.reserveAddress(clientHash, now).flatMap((budget) -> {
			if (!budget.granted()) {
				return Mono.just(
						new LinkOutcome.TooManyAttempts(link.id(), this.wrongAddressesPeriod, locale, tenant.sender()));
			}
			return this.attempts.reserve(link.id(), clientHash, now)
				// Nothing was compared: the client's budget goes back.
				.onErrorResume((ex) -> this.budgets.refundAddress(clientHash, budget).then(Mono.error(ex)))
				.flatMap((reservation) -> compare(link, tenant, action, locale, address, clientHash, budget, now,
						reservation));
		});
	}

	/** The reservations are made: the address is compared, unless the link refused. */
	private Mono<LinkOutcome> compare(Link link, TenantSettings tenant, Right action, Locale locale, String address,
			String clientHash, ClientBudgets.Reservation budget, Instant now, AttemptGuard.Reservation reservation) {
		if (reservation instanceof AttemptGuard.Refused refused) {
			return this.budgets.refundAddress(clientHash, budget)
				.thenReturn(new LinkOutcome.TooManyAttempts(link.id(), retryAfter(refused.until(), now), locale,
						tenant.sender()));
		}
		AttemptGuard.Reserved reserved = (AttemptGuard.Reserved) reservation;
		this.comparisons.increment();
		int recipient = (address.length() <= MAX_ADDRESS_LENGTH) ? this.macs.indexOf(link.recipientMacs(), address)
				: -1;
		if (recipient >= 0) {
			return this.budgets.refundAddress(clientHash, budget)
				.then(this.attempts.release(link.id(), clientHash, reserved))
				.then(record(link, AuditType.VERIFIED, clientHash, now, null))
				.thenReturn(new LinkOutcome.SessionIssued(link, action, true, recipient, locale));
		}
		Instant everyone = reserved.locksEveryoneUntil();
		Instant locksUntil = (everyone != null) ? everyone : reserved.locksUntil();
		if (locksUntil != null) {
			return record(link, AuditType.LOCKED, clientHash, now,
					new AuditDetail.Locked(reserved.failures(), this.lockThreshold, locksUntil,
							(everyone != null) ? "everyone" : "client"))
				.thenReturn(new LinkOutcome.TooManyAttempts(link.id(), retryAfter(locksUntil, now), locale,
						tenant.sender()));
		}
		return record(link, AuditType.FAILED, clientHash, now,
				new AuditDetail.Failed(reserved.failures(), this.lockThreshold))
			.thenReturn(new LinkOutcome.EmailRequired(link, action, LinkOutcome.PromptError.MISMATCH, locale,
					tenant.sender()));
	}

	private Mono<Void> record(Link link, AuditType type, String clientHash, Instant now, @Nullable AuditDetail detail) {
		this.meters.counter("securelink.verifications", "outcome", type.id()).increment();
		if (type == AuditType.LOCKED) {
			this.meters.counter("securelink.lockouts").increment();
		}
		return this.audit.record(AccessEvent.ofVerification(type, link.tenantId(), link.id(), clientHash, now, detail));
	}

	static Duration retryAfter(Instant until, Instant now) {
		return Duration.ofSeconds(Duration.between(now, until).getSeconds() + 1);
	}

}
