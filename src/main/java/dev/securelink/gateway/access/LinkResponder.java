package dev.securelink.gateway.access;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.edge.AccessLogFilter;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.page.FormPages;
import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageForm;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.page.PageLocales;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.session.Handoffs;
import dev.securelink.gateway.session.SessionClaims;
import dev.securelink.gateway.session.Sessions;

/**
 * Turns a {@link LinkOutcome} into the answer: the 303 with the session, the e-mail
 * prompt, or a message page (the not-found and locked pages with the form to ask for a
 * new link).
 */
@Component
class LinkResponder {

	private final Sessions sessions;

	private final FormTokens forms;

	private final MessagePages pages;

	private final FormPages formPages;

	private final DocumentOrigins origins;

	private final Handoffs handoffs;

	LinkResponder(Sessions sessions, FormTokens forms, MessagePages pages, FormPages formPages, DocumentOrigins origins,
			Handoffs handoffs) {
		this.origins = origins;
		this.handoffs = handoffs;
		this.sessions = sessions;
		this.forms = forms;
		this.pages = pages;
		this.formPages = formPages;
	}

	Mono<ServerResponse> respond(ServerRequest request, LinkRequest link, LinkOutcome outcome) {
		return respond(request, link, outcome, request.path());
	}

	/**
	 * The same, with the pages' forms posting to {@code formAction} (the step-up page's
	 * own address, its token included).
	 */
	Mono<ServerResponse> respond(ServerRequest request, LinkRequest link, LinkOutcome outcome, String formAction) {
		PageLocales.choose(request.exchange(), outcome.locale());
		if (outcome.linkId() != null) {
			request.exchange().getAttributes().put(AccessLogFilter.LINK_ID, outcome.linkId());
		}
		Redirect redirect = redirect(link, outcome);
		if (redirect != null) {
			return ServerResponse.seeOther(URI.create(redirect.location()))
				.cookies((all) -> redirect.cookies().forEach((cookie) -> all.add(cookie.getName(), cookie)))
				.build();
		}
		// Java 17: the sealed hierarchy is exhaustive by construction; the last branch is
		// NotFound.
		if (outcome instanceof LinkOutcome.EmailRequired required) {
			return prompt(request, link, required, formAction);
		}
		if (outcome instanceof LinkOutcome.CodeRequired required) {
			return code(request, link, required, formAction);
		}
		if (outcome instanceof LinkOutcome.TooManyAttempts tooMany) {
			return withRenewalForm(request, link.formNonce(), PageKind.LOCKED,
					Map.of(HttpHeaders.RETRY_AFTER, String.valueOf(tooMany.retryAfter().toSeconds())),
					tooMany.sender());
		}
		if (outcome instanceof LinkOutcome.Forbidden) {
			return this.pages.response(request, PageKind.FORBIDDEN);
		}
		return withRenewalForm(request, link.formNonce(), PageKind.NOT_FOUND, Map.of(),
				((LinkOutcome.NotFound) outcome).sender());
	}

	/**
	 * {@code kind} (one of {@link FormPages#WITH_FORM}) with the form to ask for a new
	 * link of the request's code: its token made for the browser's form nonce, or a new
	 * nonce (and its cookie) when it holds none. The same page for every code, known or
	 * not, but for the form's action and token, and the {@code sender} it names (null:
	 * none).
	 */
	Mono<ServerResponse> withRenewalForm(ServerRequest request, @Nullable String nonce, PageKind kind,
			Map<String, String> extra, @Nullable String sender) {
		List<ResponseCookie> cookies = new ArrayList<>();
		String held = nonce;
		if (held == null) {
			held = this.forms.newNonce();
			cookies.add(this.forms.cookie(held));
		}
		String code = GatewayPaths.codeSegment(request.requestPath().value());
		PageForm form = new PageForm(GatewayPaths.renewal(code), this.forms.token(held, FormTokens.renewalScope(code)));
		return this.formPages.response(request, kind, extra, form, cookies, sender);
	}

	/**
	 * The document (relative to its space: {@code /d/{linkId}/} on the gateway's origin,
	 * {@code /} on its own) where the link lands: the sign and pay buttons land on their
	 * page; a link without that right opens the document instead.
	 */
	static String target(Link link, Right action) {
		return (action != Right.VIEW && link.rights().contains(action)) ? action.id() : "";
	}

	/**
	 * The 303 of an outcome that goes to the document (a session the browser holds, or
	 * one issued now), or null for any other: on its own origin through a one-time
	 * handoff, or into its space on the gateway's origin. The session's cookie on the
	 * gateway's host (when new) is what tells a later open of the mailed link that this
	 * browser is verified.
	 */
	@Nullable Redirect redirect(LinkRequest link, LinkOutcome outcome) {
		if (outcome instanceof LinkOutcome.Granted granted) {
			return new Redirect(location(granted.link(), granted.action(), granted.claims()), List.of());
		}
		if (outcome instanceof LinkOutcome.SessionIssued issued) {
			Sessions.Issued session = this.sessions.issue(link.cookieHeaders(), issued.link(), issued.emailVerified(),
					issued.recipient(), issued.mailboxProven());
			List<ResponseCookie> cookies = new ArrayList<>(session.cookies());
			if (issued.device() != null) {
				cookies.add(issued.device());
			}
			return new Redirect(location(issued.link(), issued.action(), session.claims()), cookies);
		}
		return null;
	}

	private String location(Link link, Right action, SessionClaims claims) {
		return this.origins.separate() ? this.handoffs.location(claims, "/" + target(link, action))
				: GatewayPaths.document(link.id()) + target(link, action);
	}

	/** A 303: where to, and the cookies it sets. */
	record Redirect(String location, List<ResponseCookie> cookies) {
	}

	private Mono<ServerResponse> prompt(ServerRequest request, LinkRequest link, LinkOutcome.EmailRequired required,
			String formAction) {
		List<ResponseCookie> cookies = new ArrayList<>();
		PageForm form = form(formAction, link, required.link(), cookies);
		if (required.forget() != null) {
			cookies.add(required.forget());
		}
		LinkOutcome.PromptError error = required.error();
		return this.formPages.prompt(request, required.action().id(), (error != null) ? error.id() : null, form,
				cookies, required.sender(), required.code(), required.rememberDays(), required.rememberTicked());
	}

	private Mono<ServerResponse> code(ServerRequest request, LinkRequest link, LinkOutcome.CodeRequired required,
			String formAction) {
		List<ResponseCookie> cookies = new ArrayList<>();
		PageForm form = form(formAction, link, required.link(), cookies);
		LinkOutcome.CodeError error = required.error();
		return this.formPages.code(request, required.action().id(), (error != null) ? error.id() : null, form, cookies,
				required.sender(), required.rememberDays(), required.rememberTicked());
	}

	/**
	 * The link's form: its token made for the browser's form nonce, or a new nonce (and
	 * its cookie, added to {@code cookies}) when it holds none.
	 */
	private PageForm form(String formAction, LinkRequest link, Link target, List<ResponseCookie> cookies) {
		String nonce = link.formNonce();
		if (nonce == null) {
			nonce = this.forms.newNonce();
			cookies.add(this.forms.cookie(nonce));
		}
		return new PageForm(formAction, this.forms.token(nonce, target.id()));
	}

}
