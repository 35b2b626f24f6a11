package dev.securelink.gateway.access;

import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.link.Misdirections;
import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.MisdirectedPages;
import dev.securelink.gateway.page.PageForm;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.paths.GatewayPaths;

/**
 * {@code /_gw/not-for-me} on a document's own host ({@code /_gw/not-for-me/{linkId}} with
 * a shared origin): a verified recipient whose address was mistyped says the document was
 * not meant for them. The GET only asks; the POST (from the document's origin, with the
 * page's form token, bound to the session) ends that recipient's access, and the link's
 * when no one else can open it ({@link Misdirections}), and thanks them. Never without a
 * verified session: the "open your link again" page, or 404 for a session no recipient
 * verified (the company has the check off).
 */
@Component
class MisdirectedHandler {

	private static final String SCOPE = "misdirected";

	private final DocumentVisits visits;

	private final Misdirections misdirections;

	private final MisdirectedPages pages;

	private final MessagePages messages;

	MisdirectedHandler(DocumentVisits visits, Misdirections misdirections, MisdirectedPages pages,
			MessagePages messages) {
		this.visits = visits;
		this.misdirections = misdirections;
		this.pages = pages;
		this.messages = messages;
	}

	Mono<ServerResponse> page(ServerRequest request) {
		return verified(request,
				(visit) -> this.pages.confirm(request, new PageForm(visit.action(), this.visits.token(visit, SCOPE))));
	}

	Mono<ServerResponse> submit(ServerRequest request) {
		return verified(request, (visit) -> {
			if (!DocumentVisits.sameOrigin(request, visit)) {
				return this.messages.response(request, PageKind.FORBIDDEN);
			}
			return request.formData().flatMap((form) -> {
				DocumentVisits.language(request, visit, form.getFirst("lang"));
				if (!this.visits.validToken(visit, SCOPE, form.getFirst("csrf"))) {
					return this.messages.response(request, PageKind.FORBIDDEN);
				}
				return this.misdirections
					.misdirected(visit.session().link(), visit.session().claims().recipient(),
							this.visits.clientHash(request))
					// Nothing recorded (the link ended, or the recipient was gone a
					// moment
					// ago): no thanks for a report no one got.
					.flatMap((done) -> done.removed().isEmpty() ? this.messages.response(request, PageKind.SESSION)
							: this.pages.done(request));
			});
		}).onErrorResume(DataBufferLimitException.class, (ex) -> this.messages.response(request, PageKind.TOO_LARGE))
			.onErrorResume(DecodingException.class, (ex) -> this.messages.response(request, PageKind.MALFORMED));
	}

	private Mono<ServerResponse> verified(ServerRequest request,
			java.util.function.Function<DocumentVisits.Visit, Mono<ServerResponse>> then) {
		return this.visits.visit(request, GatewayPaths.NOT_FOR_ME, (visit) -> {
			if (visit.session().claims().recipient() < 0 || !visit.session().claims().emailVerified()) {
				return this.messages.response(request, PageKind.NOT_FOUND);
			}
			return then.apply(visit);
		});
	}

}
