package dev.securelink.gateway.access;

import java.time.Duration;
import java.util.Map;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.page.PageLocales;
import dev.securelink.gateway.paths.GatewayPaths;

/**
 * {@code /l/{code}/renew}: the form to ask for a new link, on its own (GET, which looks
 * nothing up and changes nothing) and as sent (POST). The POST is checked as the prompt's
 * is, origin and then form token (made for this code), then the address is required and
 * the client spends one of its renewal tokens; what the request then comes to
 * ({@link Renewals}) never shows: every such request is answered with the same page, in
 * the visitor's language (never the link's, which would tell that the code exists), at
 * {@code securelink.limits.renewal-answer-time}, while the request is recorded apart from
 * the answer.
 */
@Component
class RenewalHandler {

	private static final int MAX_ADDRESS_LENGTH = 254;

	private final LinkRequestConverter converter;

	private final LinkResponder responder;

	private final FormTokens forms;

	private final IpLimits limits;

	private final Renewals renewals;

	private final MessagePages pages;

	private final Duration period;

	private final Duration answerTime;

	RenewalHandler(LinkRequestConverter converter, LinkResponder responder, FormTokens forms, IpLimits limits,
			Renewals renewals, MessagePages pages, LimitsProperties limitsProperties) {
		this.converter = converter;
		this.responder = responder;
		this.forms = forms;
		this.limits = limits;
		this.renewals = renewals;
		this.pages = pages;
		this.period = limitsProperties.renewalsPeriod();
		this.answerTime = limitsProperties.renewalAnswerTime();
	}

	Mono<ServerResponse> form(ServerRequest request) {
		return this.converter.open(request).flatMap((link) -> {
			choose(request, link);
			return this.responder.withRenewalForm(request, link.formNonce(), PageKind.RENEWAL, Map.of(), null);
		});
	}

	Mono<ServerResponse> submit(ServerRequest request) {
		return this.converter.submit(request).flatMap((link) -> {
			choose(request, link);
			String scope = FormTokens.renewalScope(GatewayPaths.codeSegment(request.requestPath().value()));
			if (!link.sameOrigin() || !this.forms.valid(link.formNonce(), scope, link.formToken())) {
				return this.pages.response(request, PageKind.FORBIDDEN);
			}
			String address = link.address();
			if (address == null || address.isBlank() || address.length() > MAX_ADDRESS_LENGTH) {
				return this.responder.withRenewalForm(request, link.formNonce(), PageKind.RENEWAL_BLANK, Map.of(),
						null);
			}
			if (!this.limits.reserveRenewal(link.client())) {
				return this.pages.response(request, PageKind.LOCKED,
						Map.of(HttpHeaders.RETRY_AFTER, String.valueOf(this.period.toSeconds())));
			}
			// Answered at the floor, whatever the request comes to and however long the
			// database takes: it is recorded apart from the answer.
			this.renewals.submit(link.code(), address, link.client(), link.host());
			return Mono.delay(this.answerTime).then(this.pages.response(request, PageKind.RENEWAL_SENT));
		}).onErrorResume(DataBufferLimitException.class, (ex) -> this.pages.response(request, PageKind.TOO_LARGE));
	}

	/** The visitor's language: its choice, then Accept-Language; never the link's. */
	private static void choose(ServerRequest request, LinkRequest link) {
		PageLocales.choose(request.exchange(), PageLocales.resolve(link.language(), null, link.acceptLanguage()));
	}

}
