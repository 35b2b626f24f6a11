package dev.securelink.gateway.access;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.keys.Sha256;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCache;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.tenant.Verification;

/**
 * "Remember this device": after a successful check, a recipient's browser may keep a
 * cookie for the company ({@code __Host-sld-{tenantId}}, a random token) whose row names
 * the recipient by the keyed hash of the address, as links store it. A later link of that
 * company to that recipient then opens without the prompt in that browser, while the
 * company keeps the option on (and switched it on before the browser was remembered), the
 * link it was remembered on is not revoked, and no admin call forgot the address. Only
 * the token's SHA-256 is stored; expired rows are purged.
 */
@Component
class RememberedDevices extends BackgroundTask<Long> {

	static final String COOKIE_PREFIX = "__Host-sld-";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final DatabaseClient db;

	private final Clock clock;

	private final AuditLog audit;

	private final LinkCache links;

	private final AttemptGuard attempts;

	RememberedDevices(DatabaseClient db, Clock clock, AuditLog audit, LinkCache links, AttemptGuard attempts) {
		super("Remembered devices purge", Duration.ofMinutes(1), Duration.ofHours(1));
		this.attempts = attempts;
		this.db = db;
		this.clock = clock;
		this.audit = audit;
		this.links = links;
	}

	/**
	 * A remembered browser.
	 *
	 * @param linkId the link it was remembered on
	 * @param addressMac the recipient's address, keyed as links store it
	 * @param method {@code address} or {@code code}: how the recipient was verified
	 */
	record Device(String tenantId, String linkId, byte[] addressMac, String method, Instant createdAt) {
	}

	/**
	 * Remembers the browser for the recipient at {@code addressMac}, for {@code days}:
	 * answers the cookie that holds its token.
	 */
	Mono<ResponseCookie> remember(String tenantId, String linkId, byte[] addressMac, String method, int days,
			Instant now) {
		byte[] token = new byte[32];
		RANDOM.nextBytes(token);
		String value = Base64.getUrlEncoder().withoutPadding().encodeToString(token);
		Duration life = Duration.ofDays(days);
		return this.db.sql("""
				insert into remembered_device (token_hash, tenant_id, link_id, address_mac, method, created_at,
				                               expires_at)
				values (:hash, :tenant, :link, :address, :method, :now, :expires)
				""")
			.bind("hash", Sha256.of(value.getBytes(StandardCharsets.UTF_8)))
			.bind("tenant", tenantId)
			.bind("link", linkId)
			.bind("address", addressMac)
			.bind("method", method)
			.bind("now", now)
			.bind("expires", now.plus(life))
			.then()
			.thenReturn(ResponseCookie.from(COOKIE_PREFIX + tenantId, value)
				.secure(true)
				.httpOnly(true)
				.sameSite("Lax")
				.path("/")
				.maxAge(life)
				.build());
	}

	/**
	 * The browser remembered for {@code tenantId} by its cookie, if any and unexpired.
	 */
	Mono<Device> find(String tenantId, List<String> cookieHeaders, Instant now) {
		String token = Sessions.cookie(cookieHeaders, COOKIE_PREFIX + tenantId);
		if (token == null || token.length() != 43) {
			return Mono.empty();
		}
		return this.db.sql("""
				select tenant_id, link_id, address_mac, method, created_at from remembered_device
				where token_hash = :hash and tenant_id = :tenant and expires_at > :now
				""")
			.bind("hash", Sha256.of(token.getBytes(StandardCharsets.UTF_8)))
			.bind("tenant", tenantId)
			.bind("now", now)
			.map((row) -> new Device(row.get("tenant_id", String.class), row.get("link_id", String.class),
					row.get("address_mac", byte[].class), row.get("method", String.class),
					row.get("created_at", Instant.class)))
			.one();
	}

	/**
	 * After a verification that issued a session: remembers the browser for the recipient
	 * whose address is {@code addressMac} when the tenant allows it and the visitor did
	 * not decline ({@code remember}), recorded as {@code device_remembered}; otherwise
	 * {@code outcome} as it is.
	 */
	Mono<LinkOutcome> afterVerification(LinkOutcome outcome, boolean remember, TenantSettings tenant, byte[] addressMac,
			String method, String clientHash, Instant now) {
		if (!(outcome instanceof LinkOutcome.SessionIssued issued) || !remember || tenant.rememberDeviceDays() == 0
				|| issued.recipient() < 0) {
			return Mono.just(outcome);
		}
		return remember(tenant.tenantId(), issued.link().id(), addressMac, method, tenant.rememberDeviceDays(), now)
			.flatMap(
					(cookie) -> this.audit
						.record(AccessEvent.ofVerification(AuditType.DEVICE_REMEMBERED, tenant.tenantId(),
								issued.link().id(), clientHash, now, new AuditDetail.DeviceRemembered(
										issued.recipient(), tenant.rememberDeviceDays(), method)))
						.thenReturn(issued.withDevice(cookie)));
	}

	/**
	 * A GET of a link whose check is on, in a browser the tenant remembered for one of
	 * the link's recipients: a session for that recipient, recorded as {@code verified}
	 * by {@code device}. Nothing (the prompt) when the browser holds no such cookie, when
	 * it was remembered for another recipient or after an address only while the tenant
	 * asks for a code, or when the link's check is locked. The prompt that also makes the
	 * browser forget its cookie when the browser is remembered no more: forgotten,
	 * expired, the option switched off (or switched on after it), or the link it was
	 * remembered on revoked.
	 */
	Mono<LinkOutcome> recognize(LinkRequest request, Link link, TenantSettings tenant, Right action, Locale locale,
			Instant now) {
		if (Sessions.cookie(request.cookieHeaders(), COOKIE_PREFIX + tenant.tenantId()) == null) {
			return Mono.empty();
		}
		LinkOutcome over = LinkOutcome.EmailRequired.of(link, action, null, locale, tenant)
			.forgetting(expired(tenant.tenantId()));
		if (tenant.rememberDeviceDays() == 0) {
			return Mono.just(over);
		}
		String clientHash = this.audit.clientHash(request.client());
		return find(tenant.tenantId(), request.cookieHeaders(), now).map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((found) -> {
				if (found.isEmpty() || !tenant.remembers(found.get().createdAt(), now)) {
					return Mono.just(over);
				}
				Device device = found.get();
				if (tenant.verification() == Verification.CODE && !"code".equals(device.method())) {
					return Mono.empty();
				}
				return alive(device, link, now).flatMap((alive) -> alive
						? open(device, link, tenant, action, locale, clientHash, now) : Mono.just(over));
			})
			// Without the database's answer, the prompt, as without a remembered browser.
			.onErrorResume((ex) -> Mono.empty());
	}

	/** Whether the link the browser was remembered on is not revoked. */
	private Mono<Boolean> alive(Device device, Link link, Instant now) {
		return device.linkId().equals(link.id()) ? Mono.just(true)
				: this.links.byId(device.linkId())
					.map((origin) -> origin.status(now) != Link.Status.REVOKED)
					.defaultIfEmpty(false);
	}

	/**
	 * The session for the device's recipient, unless the link names no such recipient or
	 * its check is locked (for this client, or for everyone: a link that opens for no one
	 * without the check opens for no remembered browser either).
	 */
	private Mono<LinkOutcome> open(Device device, Link link, TenantSettings tenant, Right action, Locale locale,
			String clientHash, Instant now) {
		int recipient = link.admittedIndexOf(device.addressMac(), "code".equals(device.method()),
				tenant.sharingFor(link.sharing()));
		if (recipient < 0) {
			return Mono.empty();
		}
		return this.attempts.lockedFor(link.id(), clientHash, now)
			.filter((locked) -> !locked)
			.flatMap((unlocked) -> this.audit
				.record(AccessEvent.ofVerification(AuditType.VERIFIED, link.tenantId(), link.id(), clientHash, now,
						AddressCheck.verified(link, recipient,
								AuditDetail.Verified.device(device.linkId(), device.method()))))
				.thenReturn((LinkOutcome) new LinkOutcome.SessionIssued(link, action, true, recipient, locale,
						"code".equals(device.method()), null)));
	}

	/** Forgets every browser remembered for the address; answers how many. */
	Mono<Long> forget(String tenantId, byte[] addressMac) {
		return this.db.sql("delete from remembered_device where tenant_id = :tenant and address_mac = :address")
			.bind("tenant", tenantId)
			.bind("address", addressMac)
			.fetch()
			.rowsUpdated();
	}

	/** The cookie that makes a browser forget it was remembered for {@code tenantId}. */
	static ResponseCookie expired(String tenantId) {
		return ResponseCookie.from(COOKIE_PREFIX + tenantId, "")
			.secure(true)
			.httpOnly(true)
			.sameSite("Lax")
			.path("/")
			.maxAge(Duration.ZERO)
			.build();
	}

	@Override
	protected Mono<Long> round() {
		return this.db.sql("delete from remembered_device where expires_at < :now")
			.bind("now", this.clock.instant())
			.fetch()
			.rowsUpdated();
	}

}
