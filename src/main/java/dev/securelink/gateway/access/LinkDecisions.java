package dev.securelink.gateway.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCache;
import dev.securelink.gateway.link.LinkCode;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.page.PageLocales;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.tenant.LinkHosts;
import dev.securelink.gateway.tenant.SettingsCache;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.tenant.Verification;

/**
 * What a request to a link comes to. A GET never changes server state (mail scanners
 * prefetch links): it shows the e-mail prompt, or issues a session straight away when the
 * tenant has verification off (or, with the check on, in a browser the tenant remembers
 * for one of the link's recipients: {@link RememberedDevices}). The prompt's POST goes
 * through {@link AddressCheck}, or {@link CodeCheck} in the code mode. Unknown,
 * malformed, expired and revoked codes all come to the same {@link LinkOutcome.NotFound},
 * and each spends one of the client's unknown-code tokens, so guessing is slow.
 */
@Component
class LinkDecisions {

	private final LinkCache links;

	private final SettingsCache settings;

	private final Sessions sessions;

	private final AddressCheck addresses;

	private final CodeCheck codes;

	private final RememberedDevices devices;

	private final IpLimits limits;

	private final Duration unknownCodesPeriod;

	private final Duration sessionsPeriod;

	private final Clock clock;

	private final LinkHosts hosts;

	LinkDecisions(LinkCache links, SettingsCache settings, Sessions sessions, AddressCheck addresses, CodeCheck codes,
			RememberedDevices devices, IpLimits limits, LimitsProperties limitsProperties, Clock clock,
			LinkHosts hosts) {
		this.codes = codes;
		this.devices = devices;
		this.hosts = hosts;
		this.links = links;
		this.settings = settings;
		this.sessions = sessions;
		this.addresses = addresses;
		this.limits = limits;
		this.unknownCodesPeriod = limitsProperties.unknownCodesPeriod();
		this.sessionsPeriod = limitsProperties.sessionsPeriod();
		this.clock = clock;
	}

	/**
	 * A GET: a valid session goes on, verification on asks for the address, verification
	 * off issues a session.
	 */
	Mono<LinkOutcome> open(LinkRequest request) {
		return withActiveLink(request, (link, tenant, action) -> {
			Locale locale = locale(request, link);
			return this.sessions.check(request.cookieHeaders(), link.id()).flatMap((check) -> {
				if (check instanceof Sessions.Valid valid) {
					return Mono.just(new LinkOutcome.Granted(link, action, valid.claims(), locale));
				}
				if (!tenant.emailVerification()) {
					return Mono.just(new LinkOutcome.SessionIssued(link, action, false, -1, locale));
				}
				return this.devices.recognize(request, link, tenant, action, locale, this.clock.instant())
					.defaultIfEmpty(LinkOutcome.EmailRequired.of(link, action, null, locale, tenant));
			});
		});
	}

	/** The prompt's POST: a cross-site post is refused before anything is looked up. */
	Mono<LinkOutcome> submit(LinkRequest request) {
		if (!request.sameOrigin()) {
			return Mono.just(new LinkOutcome.Forbidden(null, locale(request, null)));
		}
		return withActiveLink(request,
				(link, tenant, action) -> (tenant.verification() == Verification.CODE)
						? this.codes.submit(request, link, tenant, action, locale(request, link))
						: this.addresses.verify(request, link, tenant, action, locale(request, link)));
	}

	/**
	 * Resolves the code to an active link and its tenant's settings, then decides with
	 * {@code next}. The client's unknown-code token is reserved before anything is looked
	 * up and given back when the code names an active link (or the lookup failed): a
	 * burst of guesses gets no more lookups than the budget, however many arrive at once.
	 * A path segment that names no action is not found before any budget is spent.
	 */
	private Mono<LinkOutcome> withActiveLink(LinkRequest request, ActiveLinkDecision next) {
		Right action = request.action();
		if (action == null) {
			return Mono.just(new LinkOutcome.NotFound(locale(request, null)));
		}
		String client = request.client();
		if (!this.limits.reserveCode(client)) {
			return Mono.just(new LinkOutcome.TooManyAttempts(null, this.unknownCodesPeriod, locale(request, null)));
		}
		if (!LinkCode.isWellFormed(request.code())) {
			return Mono.just(new LinkOutcome.NotFound(locale(request, null)));
		}
		Instant now = this.clock.instant();
		return this.links.byCode(LinkCode.hash(request.code()))
			.filter((link) -> link.status(now) != Link.Status.REVOKED)
			// A code on another tenant's link host, or on the gateway's host when its
			// tenant keeps its links off it, is an unknown code.
			.filterWhen((link) -> this.settings.get(link.tenantId())
				.flatMap((tenant) -> this.hosts.opens(request.host(), tenant)))
			.doOnError((ex) -> this.limits.refundCode(client))
			.flatMap((link) -> {
				if (link.status(now) == Link.Status.EXPIRED) {
					// Still not found, and still costs an unknown code; the page
					// names the sender, whom the new link will come from.
					return this.settings.get(link.tenantId())
						.map((tenant) -> new LinkOutcome.NotFound(locale(request, null), tenant.sender()));
				}
				this.limits.refundCode(client);
				return this.settings.get(link.tenantId())
					.flatMap((tenant) -> next.decide(link, tenant, action))
					.map((outcome) -> limitSessions(outcome, client));
			})
			.defaultIfEmpty(new LinkOutcome.NotFound(locale(request, null)));
	}

	/**
	 * A new session spends one of the client's session tokens for the link, whichever way
	 * it was granted (verification off, or the right address): beyond, 429.
	 */
	private LinkOutcome limitSessions(LinkOutcome outcome, String client) {
		if (outcome instanceof LinkOutcome.SessionIssued issued
				&& !this.limits.reserveSession(client, issued.link().id())) {
			return new LinkOutcome.TooManyAttempts(issued.link().id(), this.sessionsPeriod, issued.locale());
		}
		return outcome;
	}

	private static Locale locale(LinkRequest request, @Nullable Link link) {
		return PageLocales.resolve(request.language(), (link != null) ? link.locale() : null, request.acceptLanguage());
	}

	/** What is decided once the code named an active link. */
	@FunctionalInterface
	private interface ActiveLinkDecision {

		Mono<LinkOutcome> decide(Link link, TenantSettings tenant, Right action);

	}

}
