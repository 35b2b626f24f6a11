package dev.securelink.gateway.access;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCache;
import dev.securelink.gateway.link.LinkCode;
import dev.securelink.gateway.link.RecipientMacs;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.tenant.SettingsCache;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.web.AccessLogFilter;
import dev.securelink.gateway.web.ClientAddress;
import dev.securelink.gateway.web.MessagePages;
import dev.securelink.gateway.web.PageKind;
import dev.securelink.gateway.web.PageLocales;
import dev.securelink.gateway.web.Pages;
import dev.securelink.gateway.web.SameOrigin;

/**
 * {@code /l/{code}[/sign|/pay]}: the link as mailed. A GET never changes server state (mail scanners prefetch
 * links): it shows the e-mail prompt, or issues a session straight away when the tenant has verification off. The
 * POST of the prompt checks the address and, on success, exchanges the code for a session and a 303 to a URL
 * without the code. Unknown, malformed, expired and revoked codes all get the same 404 page.
 */
@Component
class LinkAccessHandler {

	private static final Log logger = LogFactory.getLog(LinkAccessHandler.class);

	private static final int MAX_ADDRESS_LENGTH = 254;

	private final LinkCache links;

	private final SettingsCache settings;

	private final Sessions sessions;

	private final RecipientMacs macs;

	private final FormTokens forms;

	private final IpLimits limits;

	private final AttemptGuard attempts;

	private final AuditLog audit;

	private final ClientAddress clients;

	private final SameOrigin sameOrigin;

	private final LimitsProperties limitsProperties;

	private final Clock clock;

	private final MeterRegistry meters;

	private final MessagePages pages;

	/** Addresses compared with a link's recipients: never more per burst than the lock threshold allows. */
	private final Counter comparisons;

	LinkAccessHandler(LinkCache links, SettingsCache settings, Sessions sessions, RecipientMacs macs,
			FormTokens forms, IpLimits limits, AttemptGuard attempts, AuditLog audit, ClientAddress clients,
			GatewayProperties properties, LimitsProperties limitsProperties, Clock clock, MeterRegistry meters,
			MessagePages pages) {
		this.meters = meters;
		this.pages = pages;
		// Registered up front so that dashboards see a zero, not a missing series, before the first lock.
		meters.counter("securelink.lockouts");
		this.comparisons = meters.counter("securelink.address.comparisons");
		this.links = links;
		this.settings = settings;
		this.sessions = sessions;
		this.macs = macs;
		this.forms = forms;
		this.limits = limits;
		this.attempts = attempts;
		this.audit = audit;
		this.clients = clients;
		this.sameOrigin = new SameOrigin(properties.publicBaseUrl());
		this.limitsProperties = limitsProperties;
		this.clock = clock;
	}

	/** What a request to a link comes to; each answer is made in one place, {@link #respond}. */
	sealed interface Outcome {

		/** Session issued: 303 to the document space. */
		record Granted(String target, List<ResponseCookie> cookies) implements Outcome {
		}

		/** Verification on and no session: show the e-mail prompt, with an error when there is one. */
		record EmailRequired(Link link, Right action, HttpStatus status, String error) implements Outcome {
		}

		/** The link's e-mail check is locked, or this client tried too much. */
		record TooManyAttempts(Duration retryAfter) implements Outcome {
		}

		/** Cross-site or token-less form post. */
		record Forbidden() implements Outcome {
		}

		/** No usable link behind this code: one answer for every reason. */
		record NotFound() implements Outcome {
		}

	}

	Mono<ServerResponse> open(ServerRequest request) {
		String client = this.clients.of(request.exchange());
		return action(request).flatMap((action) -> activeLink(request, client)
			.flatMap((link) -> {
				chooseLanguage(request, request.queryParam("lang").orElse(null), link);
				return this.settings.get(link.tenantId())
					.flatMap((tenant) -> this.sessions.check(request.exchange().getRequest(), link.id())
						.map((check) -> {
							if (check instanceof Sessions.Valid) {
								return new Outcome.Granted(target(link, action), List.of());
							}
							return tenant.emailVerification()
									? new Outcome.EmailRequired(link, action, HttpStatus.OK, null)
									: grant(request, link, tenant, action, false);
						}));
			}))
			.defaultIfEmpty(new Outcome.NotFound())
			.onErrorResume(TooManyCodes.class, (ex) -> Mono.just(tooManyCodes()))
			.flatMap((outcome) -> respond(request, outcome))
			.onErrorResume((ex) -> unavailable(request, ex));
	}

	Mono<ServerResponse> submit(ServerRequest request) {
		// A form post must come from the gateway's own pages; without any origin evidence the form token decides.
		if (!this.sameOrigin.test(request.headers().asHttpHeaders(), false)) {
			return respond(request, new Outcome.Forbidden());
		}
		String client = this.clients.of(request.exchange());
		return action(request).flatMap((action) -> request.formData()
			.flatMap((form) -> activeLink(request, client).flatMap((link) -> {
				chooseLanguage(request, form.getFirst("lang"), link);
				return this.settings.get(link.tenantId()).flatMap((tenant) -> verify(request, form, link, tenant,
						action, client));
			})))
			.defaultIfEmpty(new Outcome.NotFound())
			.onErrorResume(TooManyCodes.class, (ex) -> Mono.just(tooManyCodes()))
			.flatMap((outcome) -> respond(request, outcome))
			// A form body past spring.http.codecs.max-in-memory-size: refused as too large, nothing looked at.
			.onErrorResume(DataBufferLimitException.class,
					(ex) -> this.pages.response(request, PageKind.TOO_LARGE))
			.onErrorResume((ex) -> unavailable(request, ex));
	}

	/**
	 * The order matters: the CSRF token first, then the client's budget, then the link's attempt, then the address.
	 * The client's token and the link's attempt are both reserved before the address is compared, so a burst gets no
	 * more comparisons than either allows; a matching address gives both back.
	 */
	private Mono<Outcome> verify(ServerRequest request, MultiValueMap<String, String> form, Link link,
			TenantSettings tenant, Right action, String client) {
		if (!this.forms.valid(this.forms.nonce(request.exchange().getRequest()), link.id(), form.getFirst("csrf"))) {
			return Mono.just(new Outcome.Forbidden());
		}
		if (!tenant.emailVerification()) {
			return Mono.just(grant(request, link, tenant, action, false));
		}
		String address = form.getFirst("email");
		if (address == null || address.isBlank()) {
			return Mono.just(new Outcome.EmailRequired(link, action, HttpStatus.UNPROCESSABLE_CONTENT, "blank"));
		}
		if (!this.limits.reserveAddress(client)) {
			return Mono.just(new Outcome.TooManyAttempts(this.limitsProperties.wrongAddressesPeriod()));
		}
		Instant now = this.clock.instant();
		String clientHash = this.audit.clientHash(client);
		return this.attempts.reserve(link.id(), now).flatMap((reservation) -> {
			if (reservation instanceof AttemptGuard.Refused refused) {
				this.limits.refundAddress(client);
				return Mono.just(new Outcome.TooManyAttempts(retryAfter(refused.until(), now)));
			}
			AttemptGuard.Reserved reserved = (AttemptGuard.Reserved) reservation;
			this.comparisons.increment();
			if (address.length() <= MAX_ADDRESS_LENGTH && this.macs.matches(link.recipientMacs(), address)) {
				this.limits.refundAddress(client);
				return this.attempts.release(link.id(), reserved)
					.then(record(link, "verified", clientHash, now))
					.thenReturn(grant(request, link, tenant, action, true));
			}
			if (reserved.locked()) {
				return record(link, "locked", clientHash, now)
					.thenReturn(new Outcome.TooManyAttempts(retryAfter(reserved.locksUntil(), now)));
			}
			return record(link, "failed", clientHash, now)
				.thenReturn(new Outcome.EmailRequired(link, action, HttpStatus.UNPROCESSABLE_CONTENT, "mismatch"));
		});
	}

	private Mono<ServerResponse> respond(ServerRequest request, Outcome outcome) {
		// Java 17: the sealed hierarchy is exhaustive by construction; the last branch is NotFound.
		if (outcome instanceof Outcome.Granted granted) {
			return ServerResponse.seeOther(URI.create(granted.target()))
				.cookies((cookies) -> granted.cookies().forEach((cookie) -> cookies.add(cookie.getName(), cookie)))
				.build();
		}
		if (outcome instanceof Outcome.EmailRequired required) {
			return prompt(request, required);
		}
		if (outcome instanceof Outcome.TooManyAttempts tooMany) {
			return this.pages.response(request, PageKind.LOCKED,
					Map.of(HttpHeaders.RETRY_AFTER, String.valueOf(tooMany.retryAfter().toSeconds())));
		}
		if (outcome instanceof Outcome.Forbidden) {
			return this.pages.response(request, PageKind.FORBIDDEN);
		}
		return this.pages.response(request, PageKind.NOT_FOUND);
	}

	private Mono<ServerResponse> prompt(ServerRequest request, Outcome.EmailRequired required) {
		List<ResponseCookie> cookies = new ArrayList<>();
		String nonce = this.forms.nonce(request.exchange().getRequest());
		if (nonce == null) {
			nonce = this.forms.newNonce();
			cookies.add(this.forms.cookie(nonce));
		}
		Map<String, Object> model = new HashMap<>();
		model.put("formAction", request.path());
		model.put("csrf", this.forms.token(nonce, required.link().id()));
		model.put("action", required.action().id());
		if (required.error() != null) {
			model.put("error", required.error());
		}
		return Pages.render(required.status(), "prompt", model, cookies);
	}

	private Outcome grant(ServerRequest request, Link link, TenantSettings tenant, Right action,
			boolean emailVerified) {
		return new Outcome.Granted(target(link, action),
				this.sessions.issue(request.exchange().getRequest(), link, emailVerified));
	}

	/**
	 * The active link behind a code. A malformed code is refused before any lookup; whatever has no active link
	 * spends one of the client's unknown-code tokens, so guessing is slow, and says nothing more than "not found".
	 */
	private Mono<Link> activeLink(ServerRequest request, String client) {
		String code = request.pathVariable("code");
		// Reserved before anything is looked up, given back when the code names an active link (or the lookup
		// failed): a burst of guesses gets no more lookups than the budget, however many arrive at once.
		if (!this.limits.reserveCode(client)) {
			return Mono.error(new TooManyCodes());
		}
		if (!LinkCode.isWellFormed(code)) {
			return Mono.empty();
		}
		Instant now = this.clock.instant();
		return this.links.byCode(LinkCode.hash(code))
			.filter((link) -> link.status(now) == Link.Status.ACTIVE)
			.doOnNext((link) -> {
				this.limits.refundCode(client);
				request.exchange().getAttributes().put(AccessLogFilter.LINK_ID, link.id());
			})
			.doOnError((ex) -> this.limits.refundCode(client));
	}

	private Mono<Void> record(Link link, String type, String clientHash, Instant now) {
		this.meters.counter("securelink.verifications", "outcome", type).increment();
		if (type.equals("locked")) {
			this.meters.counter("securelink.lockouts").increment();
		}
		return this.audit.record(new AccessEvent(link.tenantId(), link.id(), type, "ok", null, clientHash, now));
	}

	private static Mono<Right> action(ServerRequest request) {
		String action = request.pathVariables().get("action");
		if (action == null) {
			return Mono.just(Right.VIEW);
		}
		return switch (action) {
			case "sign" -> Mono.just(Right.SIGN);
			case "pay" -> Mono.just(Right.PAY);
			default -> Mono.empty();
		};
	}

	/** The sign and pay buttons land on their page; a link without that right opens the document instead. */
	private static String target(Link link, Right action) {
		String base = "/d/" + link.id() + "/";
		return (action != Right.VIEW && link.rights().contains(action)) ? base + action.id() : base;
	}

	private static void chooseLanguage(ServerRequest request, String requested, Link link) {
		PageLocales.choose(request.exchange(), PageLocales.resolve(requested, link.locale(),
				request.headers().header(HttpHeaders.ACCEPT_LANGUAGE)));
	}

	private Outcome tooManyCodes() {
		return new Outcome.TooManyAttempts(this.limitsProperties.unknownCodesPeriod());
	}

	/** Fail closed: when the database cannot answer, nothing is granted. */
	private Mono<ServerResponse> unavailable(ServerRequest request, Throwable ex) {
		logger.warn("Link request failed, answered 503: " + ex.getClass().getSimpleName());
		return this.pages.response(request, PageKind.UNAVAILABLE);
	}

	private static Duration retryAfter(Instant until, Instant now) {
		return Duration.between(now, until).plusSeconds(1).withNanos(0);
	}

	/** This client spent its unknown-code budget. */
	private static final class TooManyCodes extends RuntimeException {

		TooManyCodes() {
			super(null, null, false, false);
		}

	}

}
