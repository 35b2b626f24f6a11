package dev.securelink.gateway.access;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.mail.MailOutbox;
import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.page.PageLocales;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.session.StepUps;

/**
 * {@code /_gw/step-up/{token}}: a session verified by an address alone, of a tenant that
 * asks for a code before sign and pay, was sent here by the document route. The page is
 * the code mode's ({@link CodeCheck}), limited to the session's own recipient: the
 * address, then the code mailed to it; the right code issues a new session that proved
 * the mailbox and hands it to the document's sign or pay page. A token that is forged,
 * expired or of a session that ended gets the "open the link again" page.
 */
@Component
class StepUpHandler {

	private final StepUps stepUps;

	private final LinkRequestConverter converter;

	private final CodeCheck codes;

	private final LinkResponder responder;

	private final MessagePages pages;

	private final MailOutbox mail;

	StepUpHandler(StepUps stepUps, LinkRequestConverter converter, CodeCheck codes, LinkResponder responder,
			MessagePages pages, MailOutbox mail) {
		this.mail = mail;
		this.stepUps = stepUps;
		this.converter = converter;
		this.codes = codes;
		this.responder = responder;
		this.pages = pages;
	}

	Mono<ServerResponse> page(ServerRequest request) {
		String token = request.pathVariable("token");
		return this.stepUps.read(token)
			.flatMap((stepUp) -> this.converter.openStepUp(request, stepUp.action()).flatMap((link) -> {
				Sessions.Valid session = stepUp.session();
				Locale locale = PageLocales.resolve(link.language(), session.link().locale(), link.acceptLanguage());
				return this.responder.respond(request, link,
						LinkOutcome.EmailRequired.of(session.link(), stepUp.action(), null, locale, session.settings())
							.asCode(),
						action(token));
			}))
			.switchIfEmpty(Mono.defer(() -> this.pages.response(request, PageKind.SESSION)));
	}

	Mono<ServerResponse> submit(ServerRequest request) {
		String token = request.pathVariable("token");
		return this.stepUps.read(token)
			.flatMap((stepUp) -> this.converter.submitStepUp(request, stepUp.action()).flatMap((link) -> {
				Sessions.Valid session = stepUp.session();
				Locale locale = PageLocales.resolve(link.language(), session.link().locale(), link.acceptLanguage());
				if (!this.mail.available()) {
					// The option stays on without a relay: no one signs, and the page
					// says so.
					return this.pages.response(request, PageKind.UNAVAILABLE);
				}
				if (!link.sameOrigin() || session.claims().recipient() < 0) {
					return this.responder.respond(request, link, new LinkOutcome.Forbidden(session.link().id(), locale),
							action(token));
				}
				return this.codes
					.submit(link, session.link(), session.settings(), stepUp.action(), locale,
							session.claims().recipient())
					.flatMap((outcome) -> this.responder.respond(request, link, withoutMemory(outcome), action(token)));
			}))
			.switchIfEmpty(Mono.defer(() -> this.pages.response(request, PageKind.SESSION)))
			.onErrorResume(DataBufferLimitException.class, (ex) -> this.pages.response(request, PageKind.TOO_LARGE))
			.onErrorResume(DecodingException.class, (ex) -> this.pages.response(request, PageKind.MALFORMED));
	}

	/**
	 * The code mode's pages, offering no "remember this browser": a step-up is remembered
	 * for its session only.
	 */
	private static LinkOutcome withoutMemory(LinkOutcome outcome) {
		if (outcome instanceof LinkOutcome.EmailRequired required) {
			return required.asCode();
		}
		if (outcome instanceof LinkOutcome.CodeRequired required) {
			return required.withoutMemory();
		}
		return outcome;
	}

	/** Where the page's forms post: here, with the token. */
	private static String action(String token) {
		return GatewayPaths.STEP_UP + URLEncoder.encode(token, StandardCharsets.UTF_8);
	}

}
