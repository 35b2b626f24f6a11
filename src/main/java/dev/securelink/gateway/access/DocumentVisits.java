package dev.securelink.gateway.access;

import java.net.URI;
import java.util.Locale;
import java.util.function.Function;

import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.edge.ClientAddress;
import dev.securelink.gateway.edge.SameOrigin;
import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.page.PageLocales;
import dev.securelink.gateway.session.Sessions;

/**
 * The gateway's own pages beside a document ({@code /_gw/share},
 * {@code /_gw/not-for-me}): on the document's own host, or with a shared origin under the
 * link id. Each needs the visitor's own navigation, the document's session and a verified
 * recipient; a POST must come from the document's origin and carry the page's form token,
 * bound to the session. This is where those rules are written once.
 */
@Component
class DocumentVisits {

	private final DocumentOrigins origins;

	private final String gatewayOrigin;

	private final Sessions sessions;

	private final FormTokens forms;

	private final MessagePages messages;

	private final ClientAddress clients;

	private final AuditLog audit;

	DocumentVisits(DocumentOrigins origins, GatewayProperties gateway, Sessions sessions, FormTokens forms,
			MessagePages messages, ClientAddress clients, AuditLog audit) {
		this.origins = origins;
		URI base = gateway.publicBaseUrl();
		this.gatewayOrigin = base.getScheme() + "://" + base.getRawAuthority();
		this.sessions = sessions;
		this.forms = forms;
		this.messages = messages;
		this.clients = clients;
		this.audit = audit;
	}

	/**
	 * A verified recipient's visit to one of these pages.
	 *
	 * @param home the document's origin, which a POST must come from
	 * @param action where the page's form posts
	 */
	record Visit(Sessions.Valid session, String linkId, String home, String action) {
	}

	/**
	 * {@code then} with the visit, in the page language; else the page that answers
	 * instead: 404 on a host or path that names no document, 403 for anything but a
	 * navigation, the "open your link again" page without a session.
	 * @param path the page's path on a document's host ({@code linkId} is appended with a
	 * shared origin)
	 */
	Mono<ServerResponse> visit(ServerRequest request, String path, Function<Visit, Mono<ServerResponse>> then) {
		HttpHeaders headers = request.headers().asHttpHeaders();
		String host = headers.getFirst(HttpHeaders.HOST);
		String named = request.pathVariables().get("linkId");
		String linkId;
		String home;
		if (this.origins.separate()) {
			linkId = (named != null) ? null : this.origins.linkIdOf(host);
			home = (linkId != null && host != null) ? this.origins.originAt(host) : this.gatewayOrigin;
		}
		else {
			linkId = named;
			home = this.gatewayOrigin;
		}
		if (linkId == null || !Sessions.isLinkId(linkId)) {
			return this.messages.response(request, PageKind.NOT_FOUND);
		}
		// Only the visitor's own navigation: a script of a page on the same origin (a
		// sign page with a shared origin) fetching the page for its token is refused.
		String mode = headers.getFirst("Sec-Fetch-Mode");
		if (mode != null && !mode.equals("navigate")) {
			return this.messages.response(request, PageKind.FORBIDDEN);
		}
		String chosen = linkId;
		String action = this.origins.separate() ? path : path + "/" + linkId;
		return this.sessions.check(headers.getOrEmpty(HttpHeaders.COOKIE), linkId).flatMap((check) -> {
			if (!(check instanceof Sessions.Valid session)) {
				return this.messages.response(request, PageKind.SESSION);
			}
			Locale locale = PageLocales.resolve(request.queryParam("lang").orElse(null), session.link().locale(),
					headers.getOrEmpty(HttpHeaders.ACCEPT_LANGUAGE));
			PageLocales.choose(request.exchange(), locale);
			return then.apply(new Visit(session, chosen, home, action));
		});
	}

	/**
	 * A POST's page language: the form's {@code lang} (the language the visitor had the
	 * page in), else as for the GET.
	 */
	static void language(ServerRequest request, Visit visit, @org.jspecify.annotations.Nullable String lang) {
		if (PageLocales.supported(lang) != null) {
			PageLocales.choose(request.exchange(), PageLocales.resolve(lang, visit.session().link().locale(),
					request.headers().asHttpHeaders().getOrEmpty(HttpHeaders.ACCEPT_LANGUAGE)));
		}
	}

	/**
	 * Whether a POST of {@code visit} comes from the document's origin (a real
	 * {@code Origin}, else Fetch Metadata; without either, the form token decides).
	 */
	static boolean sameOrigin(ServerRequest request, Visit visit) {
		HttpHeaders headers = request.headers().asHttpHeaders();
		return SameOrigin.test(visit.home(), headers.getOrigin(), headers.getFirst("Sec-Fetch-Site"), false);
	}

	/** The form token of {@code visit}'s page for {@code scope}, bound to its session. */
	String token(Visit visit, String scope) {
		return this.forms.token(nonce(visit, scope), visit.linkId());
	}

	/** Whether {@code token} is the one {@link #token} made. */
	boolean validToken(Visit visit, String scope, @org.jspecify.annotations.Nullable String token) {
		return this.forms.valid(nonce(visit, scope), visit.linkId(), token);
	}

	/** The keyed hash of the visitor's client, for the audit trail. */
	String clientHash(ServerRequest request) {
		return this.audit.clientHash(this.clients.client(request.exchange()));
	}

	private static String nonce(Visit visit, String scope) {
		return scope + ":" + visit.session().claims().id();
	}

}
