package dev.securelink.gateway.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.spec.SecretKeySpec;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.keys.Aead;
import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;
import dev.securelink.gateway.link.Audiences;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.RecipientMacs;
import dev.securelink.gateway.link.RecipientSharing;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.mail.MailOutbox;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.tenant.Verification;

/**
 * The prompt's POST in the code mode. The address step answers the same page ("if this
 * address received the document, a code is on its way") in at least the same time for any
 * address: it writes a challenge bound to the browser's form nonce, an audit event and
 * (only for a recipient's address) a mail, the same three statements in one transaction
 * either way. The code step is a guarded comparison ({@link AddressCheck}): a wrong code
 * counts toward the link's locks as a wrong address does, the right one (of a recipient's
 * challenge, unused, unexpired, within its tries) opens a session once. A resend is a new
 * challenge for the same address, no sooner than a minute after the last.
 */
@Component
class CodeCheck {

	private static final int MAX_ADDRESS_LENGTH = 254;

	/**
	 * A challenge's recipient while the mailbox is an allowed domain's, not yet a
	 * recipient.
	 */
	static final int OF_DOMAIN = -2;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final FormTokens forms;

	private final AddressCheck guard;

	private final AttemptGuard attempts;

	private final CodeChallenges challenges;

	private final RecipientMacs macs;

	private final AuditLog audit;

	private final MailOutbox mail;

	private final TransactionalOperator transaction;

	private final LimitsProperties limits;

	private final RememberedDevices devices;

	private final Clock clock;

	private final SecretKeySpec key;

	private final Aead aead;

	private final RecipientSharing sharing;

	private final Audiences audiences;

	CodeCheck(FormTokens forms, AddressCheck guard, AttemptGuard attempts, CodeChallenges challenges,
			RecipientMacs macs, AuditLog audit, MailOutbox mail, TransactionalOperator transaction,
			LimitsProperties limits, RememberedDevices devices, GatewayKeys keys, Clock clock, RecipientSharing sharing,
			Audiences audiences) {
		this.sharing = sharing;
		this.audiences = audiences;
		this.devices = devices;
		this.forms = forms;
		this.guard = guard;
		this.attempts = attempts;
		this.challenges = challenges;
		this.macs = macs;
		this.audit = audit;
		this.mail = mail;
		this.transaction = transaction;
		this.limits = limits;
		this.clock = clock;
		this.key = Hmac.key(Hmac.sha256(keys.emailPepper(), "securelink codes v1"));
		this.aead = new Aead(Hmac.sha256(keys.emailPepper(), "securelink code addresses v1"), "code's address");
	}

	Mono<LinkOutcome> submit(LinkRequest request, Link link, TenantSettings tenant, Right action, Locale locale) {
		return submit(request, link, tenant, action, locale, -1);
	}

	/**
	 * The same, where only the recipient at {@code onlyRecipient} may get a code (-1:
	 * any): a session's step-up before sign or pay, where any other address is answered
	 * as a stranger's.
	 */
	Mono<LinkOutcome> submit(LinkRequest request, Link link, TenantSettings tenant, Right action, Locale locale,
			int onlyRecipient) {
		String nonce = request.formNonce();
		if (nonce == null || !this.forms.valid(nonce, link.id(), request.formToken())) {
			return Mono.just(new LinkOutcome.Forbidden(link.id(), locale));
		}
		byte[] browser = Hmac.sha256(this.key, "browser:" + nonce);
		String clientHash = this.audit.clientHash(request.client());
		if (request.otp() != null) {
			// A step-up (one recipient only) is remembered for its session only.
			return code(request.otp(), request.remember() && onlyRecipient < 0, link, tenant, action, locale, browser,
					clientHash);
		}
		if (request.resend()) {
			return resend(link, tenant, action, locale, browser, clientHash, onlyRecipient);
		}
		String address = request.address();
		if (address == null || address.isBlank()) {
			return Mono.just(LinkOutcome.EmailRequired.of(link, action, LinkOutcome.PromptError.BLANK, locale, tenant));
		}
		return ask(RecipientMacs.normalize(address), link, tenant, action, locale, browser, clientHash, true,
				onlyRecipient);
	}

	/**
	 * A code for {@code address}: the same statements and, at the least, the same time
	 * whether it is a recipient's or not; refused alike beyond the hourly limits or while
	 * the link is locked for this client.
	 */
	private Mono<LinkOutcome> ask(String address, Link link, TenantSettings tenant, Right action, Locale locale,
			byte[] browser, String clientHash, boolean typed, int onlyRecipient) {
		Instant now = this.clock.instant();
		// Any length is answered alike; beyond an address's it is no recipient's, and is
		// kept cut.
		String kept = (address.length() <= MAX_ADDRESS_LENGTH) ? address : address.substring(0, MAX_ADDRESS_LENGTH);
		byte[] mac = this.macs.mac(address);
		int matched = (address.length() <= MAX_ADDRESS_LENGTH)
				? link.admittedIndexOf(mac, true, tenant.sharingFor(link.sharing())) : -1;
		int recipient = (onlyRecipient < 0 || matched == onlyRecipient) ? matched : -1;
		// A mailbox of a domain the link lets in (the code mode only, never a step-up)
		// gets a code as a recipient's does, and becomes one when it proves it.
		boolean ofDomain = recipient < 0 && onlyRecipient < 0 && tenant.verification() == Verification.CODE
				&& address.length() <= MAX_ADDRESS_LENGTH && this.audiences.admits(link, address) && !link.barred(mac);
		// The mail goes to the address as the check normalised it, only a recipient's,
		// only a deliverable one, and only with a relay to send it.
		boolean send = (recipient >= 0 || ofDomain) && this.mail.available() && deliverable(address);
		String id = "chl_" + HexFormat.of().formatHex(random(16));
		String code = newCode();
		Instant expires = now.plus(this.limits.codeValidity());
		CodeChallenges.Challenge challenge = new CodeChallenges.Challenge(id, link.id(), browser, clientHash,
				this.macs.mac(kept), ofDomain ? OF_DOMAIN : recipient, codeHash(id, code),
				this.aead.seal(id, kept.getBytes(StandardCharsets.UTF_8)), 0, false, expires, now);
		Mono<LinkOutcome> work = this.attempts.lockedFor(link.id(), clientHash, now).flatMap((locked) -> {
			if (locked) {
				return Mono.just(tooMany(link, tenant, locale, this.limits.lockDuration()));
			}
			// The same address typed again within a minute in this browser: its code is
			// on its way (the same answer for any address; another address is not held
			// up, a typo fixed).
			return (typed ? this.challenges.latest(link.id(), browser) : Mono.<CodeChallenges.Challenge>empty())
				.filter((last) -> MessageDigest.isEqual(last.addressMac(), challenge.addressMac())
						&& last.createdAt().plus(this.limits.codeResendAfter()).isAfter(now))
				.map((last) -> (LinkOutcome) new LinkOutcome.CodeRequired(link, action, LinkOutcome.CodeError.WAIT,
						locale, tenant))
				.switchIfEmpty(Mono.defer(() -> create(challenge, link, tenant, action, locale, clientHash, recipient,
						address, code, expires, send, now)));
		});
		// At the floor, whatever it came to, a failure included.
		return work.materialize()
			.zipWith(Mono.delay(this.limits.codeAnswerTime()), (signal, delay) -> signal)
			.dematerialize();
	}

	/**
	 * Writes the challenge, its event and (when {@code send}) its mail in one
	 * transaction, within the hourly limits.
	 */
	private Mono<LinkOutcome> create(CodeChallenges.Challenge challenge, Link link, TenantSettings tenant, Right action,
			Locale locale, String clientHash, int recipient, String address, String code, Instant expires, boolean send,
			Instant now) {
		return this.challenges
			.create(challenge, this.limits.codesPeriod(), this.limits.codesPerAddress(), this.limits.codesPerClient())
			.flatMap((created) -> {
				if (!created) {
					return Mono.just(tooMany(link, tenant, locale, this.limits.codesPeriod()));
				}
				return this.audit
					.record(AccessEvent.ofVerification(AuditType.CODE_REQUESTED, link.tenantId(), link.id(), clientHash,
							now, new AuditDetail.CodeRequested((recipient >= 0) ? recipient : null)))
					.then(this.mail.enqueue(new MailOutbox.CodeMail(link.tenantId(), locale, address, code,
							tenant.displayName(), expires), send, now))
					.thenReturn((LinkOutcome) new LinkOutcome.CodeRequired(link, action, null, locale, tenant));
			})
			.as(this.transaction::transactional);
	}

	/** Whether the relay would take {@code address} as a recipient at all. */
	private static boolean deliverable(String address) {
		try {
			new InternetAddress(address, true).validate();
			return true;
		}
		catch (AddressException ex) {
			return false;
		}
	}

	/**
	 * A new code for the address of the browser's last one, a minute after it at the
	 * earliest; without one, the address prompt.
	 */
	private Mono<LinkOutcome> resend(Link link, TenantSettings tenant, Right action, Locale locale, byte[] browser,
			String clientHash, int onlyRecipient) {
		Instant now = this.clock.instant();
		return this.challenges.latest(link.id(), browser).flatMap((last) -> {
			if (last.createdAt().plus(this.limits.codeResendAfter()).isAfter(now)) {
				return Mono.just((LinkOutcome) new LinkOutcome.CodeRequired(link, action, LinkOutcome.CodeError.WAIT,
						locale, tenant));
			}
			String address = new String(this.aead.open(last.id(), last.sealed()), StandardCharsets.UTF_8);
			return ask(address, link, tenant, action, locale, browser, clientHash, false, onlyRecipient);
		}).defaultIfEmpty(LinkOutcome.EmailRequired.of(link, action, null, locale, tenant));
	}

	/** A code typed: a guarded comparison with the browser's last code. */
	private Mono<LinkOutcome> code(String typed, boolean remember, Link link, TenantSettings tenant, Right action,
			Locale locale, byte[] browser, String clientHash) {
		String code = typed.replaceAll("[\\s-]", "");
		if (code.isEmpty()) {
			return Mono.just(new LinkOutcome.CodeRequired(link, action, LinkOutcome.CodeError.BLANK, locale, tenant));
		}
		Instant now = this.clock.instant();
		LinkOutcome expired = new LinkOutcome.CodeRequired(link, action, LinkOutcome.CodeError.EXPIRED, locale, tenant);
		// The tries the code has had with this one, for the answer to a wrong one.
		AtomicInteger tries = new AtomicInteger();
		return this.challenges.latest(link.id(), browser)
			.flatMap((challenge) -> this.guard
				.guard(link, tenant, action, locale, clientHash, now, AuditDetail.Verified.CODE,
						() -> this.challenges.spend(challenge.id(), this.limits.codeTries(), now)
							.doOnNext(tries::set)
							.flatMap((spent) -> compare(challenge, code, expired, link, tenant, clientHash))
							.defaultIfEmpty(new AddressCheck.NotCompared(expired)),
						() -> new LinkOutcome.CodeRequired(link, action,
								(tries.get() >= this.limits.codeTries()) ? LinkOutcome.CodeError.EXPIRED
										: LinkOutcome.CodeError.WRONG,
								locale, tenant)
							.remembering(remember))
				.flatMap((outcome) -> this.devices.afterVerification(outcome, remember, tenant, challenge.addressMac(),
						"code", clientHash, now)))
			.defaultIfEmpty(expired);
	}

	/**
	 * The code against the challenge: only a recipient's (or an allowed domain's
	 * mailbox's) challenge can match; a domain's mailbox that proves itself becomes a
	 * recipient of the link.
	 */
	private Mono<AddressCheck.Comparison> compare(CodeChallenges.Challenge challenge, String code, LinkOutcome expired,
			Link link, TenantSettings tenant, String clientHash) {
		boolean right = code.length() == 6 && code.chars().allMatch((c) -> c >= '0' && c <= '9')
				&& MessageDigest.isEqual(codeHash(challenge.id(), code), challenge.codeHash());
		// The recipient the code was asked for must still be one, as the link is now: a
		// person removed since, or outside the sharing cap now, gets no session.
		if (challenge.recipient() >= 0 && challenge.recipient() != link.admittedIndexOf(challenge.addressMac(), true,
				tenant.sharingFor(link.sharing()))) {
			right = false;
		}
		if (right && (challenge.recipient() >= 0 || challenge.recipient() == OF_DOMAIN)) {
			AddressCheck.Comparison gone = new AddressCheck.NotCompared(expired);
			return this.challenges.use(challenge.id()).flatMap((spent) -> {
				if (!spent) {
					return Mono.just(gone);
				}
				return (challenge.recipient() >= 0) ? Mono.just(new AddressCheck.Matched(challenge.recipient()))
						: this.sharing.joinByDomain(link, challenge.addressMac(), clientHash)
							.map((index) -> (AddressCheck.Comparison) new AddressCheck.Matched(index))
							.defaultIfEmpty(gone);
			});
		}
		return Mono.just(AddressCheck.MISMATCHED);
	}

	private LinkOutcome tooMany(Link link, TenantSettings tenant, Locale locale, Duration retryAfter) {
		return new LinkOutcome.TooManyAttempts(link.id(), retryAfter, locale, tenant.sender());
	}

	private byte[] codeHash(String id, String code) {
		return Hmac.sha256(this.key, "code:" + id + ":" + code);
	}

	/** Six digits, uniformly. */
	static String newCode() {
		return String.format(Locale.ROOT, "%06d", RANDOM.nextInt(1_000_000));
	}

	private static byte[] random(int bytes) {
		byte[] random = new byte[bytes];
		RANDOM.nextBytes(random);
		return random;
	}

}
