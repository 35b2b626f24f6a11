package dev.securelink.gateway.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;

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
import dev.securelink.gateway.link.Recipient;
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

	private final RememberedDevices devices;

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
			RememberedDevices devices, LimitsProperties limitsProperties, Clock clock, MeterRegistry meters) {
		this.devices = devices;
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
			return Mono.just(LinkOutcome.EmailRequired.of(link, action, LinkOutcome.PromptError.BLANK, locale, tenant));
		}
		String clientHash = this.audit.clientHash(request.client());
		Instant now = this.clock.instant();
		return guard(link, tenant, action, locale, clientHash, now, null, () -> {
			this.comparisons.increment();
			// A person of an allowed domain is no match here: an address typed proves
			// nothing about who holds it.
			int recipient = (address.length() <= MAX_ADDRESS_LENGTH)
					? link.admittedIndexOf(this.macs.mac(address), false, tenant.sharingFor(link.sharing())) : -1;
			return Mono.just((recipient >= 0) ? new Matched(recipient) : MISMATCHED);
		}, () -> LinkOutcome.EmailRequired.of(link, action, LinkOutcome.PromptError.MISMATCH, locale, tenant)
			.remembering(request.remember()))
			.flatMap((outcome) -> this.devices.afterVerification(outcome, request.remember(), tenant,
					this.macs.mac(address), "address", clientHash, now));
	}

	/**
	 * A guarded comparison (of an address, or of a code): the client's budget, then the
	 * link's attempt, are reserved before {@code compare} runs; a match gives both back,
	 * is recorded as {@code verified} (with {@code verifiedDetail}) and issues a session;
	 * a mismatch counts toward the locks, is recorded as {@code failed} or
	 * {@code locked}, and is answered with {@code mismatch} (or the locked page); a
	 * comparison not made gives both back and is answered as it says.
	 */
	Mono<LinkOutcome> guard(Link link, TenantSettings tenant, Right action, Locale locale, String clientHash,
			Instant now, AuditDetail.@Nullable Verified verifiedDetail, Supplier<Mono<Comparison>> compare,
			Supplier<LinkOutcome> mismatch) {
		return this.budgets.reserveAddress(clientHash, now).flatMap((budget) -> {
			if (!budget.granted()) {
				return Mono.just(
						new LinkOutcome.TooManyAttempts(link.id(), this.wrongAddressesPeriod, locale, tenant.sender()));
			}
			return this.attempts.reserve(link.id(), clientHash, now)
				// Nothing was compared: the client's budget goes back.
				.onErrorResume((ex) -> this.budgets.refundAddress(clientHash, budget).then(Mono.error(ex)))
				.flatMap((reservation) -> {
					if (reservation instanceof AttemptGuard.Refused refused) {
						return this.budgets.refundAddress(clientHash, budget)
							.thenReturn(new LinkOutcome.TooManyAttempts(link.id(), retryAfter(refused.until(), now),
									locale, tenant.sender()));
					}
					AttemptGuard.Reserved reserved = (AttemptGuard.Reserved) reservation;
					return compare.get()
						.flatMap((comparison) -> settle(link, tenant, action, locale, clientHash, now, budget, reserved,
								comparison, verifiedDetail, mismatch));
				});
		});
	}

	/** What the comparison came to, recorded and answered. */
	private Mono<LinkOutcome> settle(Link link, TenantSettings tenant, Right action, Locale locale, String clientHash,
			Instant now, ClientBudgets.Reservation budget, AttemptGuard.Reserved reserved, Comparison comparison,
			AuditDetail.@Nullable Verified verifiedDetail, Supplier<LinkOutcome> mismatch) {
		if (comparison instanceof NotCompared notCompared) {
			return this.budgets.refundAddress(clientHash, budget)
				.then(this.attempts.release(link.id(), clientHash, reserved))
				.thenReturn(notCompared.answer());
		}
		if (comparison instanceof Matched matched) {
			return this.budgets.refundAddress(clientHash, budget)
				.then(this.attempts.release(link.id(), clientHash, reserved))
				.then(record(link, AuditType.VERIFIED, clientHash, now,
						verified(link, matched.recipient(), verifiedDetail)))
				.thenReturn(new LinkOutcome.SessionIssued(link, action, true, matched.recipient(), locale,
						verifiedDetail == AuditDetail.Verified.CODE, null));
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
			.thenReturn(mismatch.get());
	}

	/**
	 * What a verification of the recipient at {@code recipient} records: {@code method}
	 * (null: an address alone), and for a person someone shared the document with, their
	 * index and who shared it.
	 */
	static AuditDetail.@Nullable Verified verified(Link link, int recipient, AuditDetail.@Nullable Verified method) {
		Recipient who = link.recipient(recipient);
		if (who == null || !who.delegated()) {
			return method;
		}
		return ((method != null) ? method : AuditDetail.Verified.ADDRESS).onBehalf(recipient, who.delegatedBy());
	}

	/** What a guarded comparison came to. */
	sealed interface Comparison permits Matched, Mismatched, NotCompared {

	}

	/** It matched the recipient at {@code recipient}. */
	record Matched(int recipient) implements Comparison {
	}

	/** It matched nothing: a failure, counted toward the locks. */
	record Mismatched() implements Comparison {
	}

	/** Nothing could be compared (no live code): answered with {@code answer}. */
	record NotCompared(LinkOutcome answer) implements Comparison {
	}

	static final Comparison MISMATCHED = new Mismatched();

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
