package dev.securelink.gateway.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCache;
import dev.securelink.gateway.link.LinkCode;
import dev.securelink.gateway.link.Recipient;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.tenant.SettingsCache;
import dev.securelink.gateway.tenant.Sharing;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.tenant.Verification;

/**
 * Document sessions: one {@code __Host-} cookie per link, so several documents stay open
 * in one browser. A session is valid only while its signature, its idle and absolute
 * limits, its link (active, same epoch, same tenant) and its tenant's settings
 * (verification turned on ends sessions issued without it) all agree; links and settings
 * come from the caches, so a valid session costs no query.
 */
@Component
public class Sessions {

	static final String COOKIE_PREFIX = "__Host-sls-";

	/** Refresh the last-activity stamp at most this often, not on every request. */
	private static final Duration SEEN_GRANULARITY = Duration.ofMinutes(1);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SessionCodec codec;

	private final SessionProperties properties;

	private final LinkCache links;

	private final SettingsCache settings;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Cache<String, ResponseCookie> refreshed = Caffeine.newBuilder()
		.expireAfterWrite(SEEN_GRANULARITY)
		.maximumSize(100_000)
		.build();

	Sessions(SessionCodec codec, SessionProperties properties, LinkCache links, SettingsCache settings, Clock clock,
			MeterRegistry meters) {
		this.meters = meters;
		this.codec = codec;
		this.properties = properties;
		this.links = links;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * Whether {@code value} has the shape of a link id (checked before it names a cookie
	 * or a lookup).
	 */
	public static boolean isLinkId(String value) {
		return LinkCode.isLinkId(value);
	}

	/** The outcome of a session check. */
	public sealed interface Check permits Valid, Invalid {

	}

	/**
	 * A session that may be used now.
	 *
	 * @param refresh a cookie carrying the new last-activity time, or null when the old
	 * one is recent enough
	 */
	public record Valid(SessionClaims claims, Link link, TenantSettings settings,
			@Nullable ResponseCookie refresh) implements Check {

		/**
		 * Whether this session must give an e-mail code before sign or pay: its tenant
		 * asks for one, and it typed an address only.
		 */
		public boolean codeBeforeActions() {
			return this.settings.codeBeforeActions() && !this.claims.mailboxProven()
					&& this.settings.verification() != Verification.OFF;
		}

		/**
		 * What this session's recipient may pass on to a colleague, in rights order:
		 * their own rights within the company's (and the link's) cap; none when no
		 * recipient verified it, the cap is off, or they are {@code maxDepth} shares away
		 * from a named recipient already.
		 */
		public List<Right> shareable(int maxDepth) {
			Recipient recipient = this.link.recipient(this.claims.recipient());
			Sharing cap = this.settings.sharingFor(this.link.sharing());
			if (recipient == null || !this.claims.emailVerified() || cap == Sharing.OFF
					|| recipient.depth() + 1 > maxDepth) {
				return List.of();
			}
			return this.claims.rights().stream().filter((right) -> cap.allows(right.id())).sorted().toList();
		}

		/** The session's recipient as the link knows them now, or null. */
		public @Nullable Recipient recipient() {
			return this.link.recipient(this.claims.recipient());
		}

	}

	/**
	 * No usable session: missing, forged, expired, idle, or its link or settings moved
	 * on.
	 */
	public record Invalid() implements Check {

	}

	public Mono<Check> check(ServerHttpRequest request, String linkId) {
		return check(request.getHeaders().getOrEmpty(HttpHeaders.COOKIE), linkId);
	}

	/**
	 * The check on the raw {@code Cookie} header lines, for code that runs ahead of
	 * WebFlux.
	 */
	public Mono<Check> check(List<String> cookieHeaders, String linkId) {
		if (!isLinkId(linkId)) {
			return Mono.just(new Invalid());
		}
		String cookie = cookie(cookieHeaders, COOKIE_PREFIX + linkId);
		Optional<SessionClaims> decoded = (cookie != null) ? this.codec.decode(cookie) : Optional.empty();
		Instant now = this.clock.instant();
		if (decoded.isEmpty() || !usable(decoded.get(), linkId, now)) {
			return Mono.just(new Invalid());
		}
		SessionClaims claims = decoded.get();
		return this.links.byId(linkId)
			.filter((link) -> link.status(now) == Link.Status.ACTIVE && link.sessionEpoch() == claims.epoch()
					&& link.tenantId().equals(claims.tenantId()))
			.flatMap((link) -> this.settings.get(link.tenantId())
				// A stricter check than the session passed ends it: verification switched
				// on, or a code asked where only an address was typed, or a cap on
				// sharing below what was shared.
				.filter((current) -> (claims.emailVerified() || !current.emailVerification())
						&& (claims.mailboxProven() || current.verification() != Verification.CODE)
						&& admitted(link, claims, current))
				.map((current) -> (Check) new Valid(claims, link, current, refresh(claims, now))))
			.defaultIfEmpty(new Invalid());
	}

	/**
	 * Whether the session's recipient may still open the link with the session's rights
	 * ({@link Link#admits}): a person added since only while on it (on every instance
	 * once the change feed drops the cached link) and within what they were given, of an
	 * allowed domain with the mailbox proven, shared with within the cap as it is now.
	 * Who shared is the link's to say, never the cookie's.
	 */
	static boolean admitted(Link link, SessionClaims claims, TenantSettings current) {
		return link.admits(claims.recipient(), claims.rights(), claims.mailboxProven(),
				current.sharingFor(link.sharing()));
	}

	/**
	 * The value of one cookie, scanned from the raw header: decoding every cookie the
	 * browser sends, as {@code getCookies()} does, showed in the hot path's profile.
	 */
	public static @Nullable String cookie(List<String> cookieHeaders, String name) {
		for (String header : cookieHeaders) {
			int from = 0;
			while (from < header.length()) {
				int end = header.indexOf(';', from);
				end = (end < 0) ? header.length() : end;
				int start = from;
				while (start < end && header.charAt(start) == ' ') {
					start++;
				}
				int equals = start + name.length();
				if (equals < end && header.charAt(equals) == '=' && header.startsWith(name, start)) {
					return header.substring(equals + 1, end).trim();
				}
				from = end + 1;
			}
		}
		return null;
	}

	private boolean usable(SessionClaims claims, String linkId, Instant now) {
		return claims.linkId().equals(linkId) && now.isBefore(claims.expiresAt())
				&& now.isBefore(claims.seenAt().plus(this.properties.idleTimeout()));
	}

	private @Nullable ResponseCookie refresh(SessionClaims claims, Instant now) {
		if (now.isBefore(claims.seenAt().plus(SEEN_GRANULARITY))) {
			return null;
		}
		// A client that ignores Set-Cookie keeps sending the old token: sign its refresh
		// once a minute, not per request.
		return this.refreshed.get(claims.id() + "@" + claims.seenAt().getEpochSecond(),
				(key) -> cookie(claims.linkId(), this.codec.encode(claims.seen(now.truncatedTo(ChronoUnit.SECONDS))),
						Duration.between(now, claims.expiresAt())));
	}

	/**
	 * A brand-new session for {@code link} (never a cookie the browser already had), for
	 * the recipient at {@code recipient} (-1: none verified), plus the expiry of the
	 * browser's oldest document sessions beyond {@code maxPerBrowser}.
	 */
	public Issued issue(List<String> cookieHeaders, Link link, boolean emailVerified, int recipient) {
		return issue(cookieHeaders, link, emailVerified, recipient, false);
	}

	/** The same, for a recipient who proved the mailbox too ({@code mailboxProven}). */
	public Issued issue(List<String> cookieHeaders, Link link, boolean emailVerified, int recipient,
			boolean mailboxProven) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		Instant expiresAt = now.plus(this.properties.absoluteTimeout());
		if (link.expiresAt().isBefore(expiresAt)) {
			expiresAt = link.expiresAt();
		}
		// A recipient someone shared the document with has their own rights, never more.
		Recipient who = link.recipient(recipient);
		SessionClaims claims = new SessionClaims(newId(), link.tenantId(), link.id(),
				(who != null) ? who.rights() : link.rights(), link.sessionEpoch(), emailVerified, now, expiresAt, now,
				recipient, mailboxProven, (who != null) ? who.delegatedBy() : -1);
		List<ResponseCookie> cookies = new ArrayList<>();
		cookies.add(cookie(link.id(), this.codec.encode(claims), Duration.between(now, expiresAt)));
		this.meters.counter("securelink.sessions.issued", "email_verified", String.valueOf(emailVerified)).increment();
		cookies.addAll(evictions(cookieHeaders, link.id(), emailVerified));
		return new Issued(claims, cookies);
	}

	/**
	 * A new session: what it says, and the cookies that set it (and expire the oldest).
	 */
	public record Issued(SessionClaims claims, List<ResponseCookie> cookies) {
	}

	/**
	 * Expires the oldest document sessions beyond the limit. A session issued without a
	 * verified address (a GET of a link whose check is off, which a mail scanner makes
	 * too) only ever expires others of its kind, never one a recipient verified. Browsers
	 * send cookies oldest first (RFC 6265 5.4), so the raw header order breaks ties
	 * between sessions issued in the same second.
	 */
	private List<ResponseCookie> evictions(List<String> cookieHeaders, String keep, boolean verifiedIssue) {
		record Held(String name, Instant issuedAt, boolean verified) {
		}
		List<Held> held = new ArrayList<>();
		for (String header : cookieHeaders) {
			for (String pair : header.split(";")) {
				int equals = pair.indexOf('=');
				String name = (equals > 0) ? pair.substring(0, equals).trim() : "";
				if (name.startsWith(COOKIE_PREFIX) && !name.equals(COOKIE_PREFIX + keep)) {
					Optional<SessionClaims> claims = this.codec.decode(pair.substring(equals + 1).trim());
					held.add(new Held(name, claims.map(SessionClaims::issuedAt).orElse(Instant.EPOCH),
							claims.map(SessionClaims::emailVerified).orElse(false)));
				}
			}
		}
		int surplus = held.size() - (this.properties.maxPerBrowser() - 1);
		held.sort(Comparator.comparing(Held::issuedAt));
		List<ResponseCookie> expired = new ArrayList<>();
		for (Held oldest : held) {
			if (expired.size() < surplus && (verifiedIssue || !oldest.verified())) {
				expired.add(cookie(oldest.name().substring(COOKIE_PREFIX.length()), "", Duration.ZERO));
			}
		}
		return expired;
	}

	static ResponseCookie cookie(String linkId, String value, Duration maxAge) {
		return ResponseCookie.from(COOKIE_PREFIX + linkId, value)
			.secure(true)
			.httpOnly(true)
			.sameSite("Lax")
			.path("/")
			.maxAge(maxAge)
			.build();
	}

	private static String newId() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
