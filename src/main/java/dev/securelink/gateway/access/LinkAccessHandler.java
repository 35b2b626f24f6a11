package dev.securelink.gateway.access;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageKind;

/**
 * {@code /l/{code}[/sign|/pay]}: the link as mailed. Each request is read once
 * ({@link LinkRequestConverter}), decided without HTTP ({@link LinkDecisions}, returning
 * a {@link LinkOutcome}) and answered in one place ({@link LinkResponder}). What is left
 * here are the failures that are not decisions.
 */
@Component
class LinkAccessHandler {

	private static final Log logger = LogFactory.getLog(LinkAccessHandler.class);

	private final LinkRequestConverter converter;

	private final LinkDecisions decisions;

	private final LinkResponder responder;

	private final MessagePages pages;

	LinkAccessHandler(LinkRequestConverter converter, LinkDecisions decisions, LinkResponder responder,
			MessagePages pages) {
		this.converter = converter;
		this.decisions = decisions;
		this.responder = responder;
		this.pages = pages;
	}

	/**
	 * A GET of the link: answered as {@link LinkRoute} decided it when the route handed
	 * it on, otherwise read and decided here.
	 */
	Mono<ServerResponse> open(ServerRequest request) {
		LinkRoute.Decided decided = LinkRoute.take(request.exchange());
		if (decided != null) {
			LinkOutcome outcome = decided.outcome();
			Throwable error = decided.error();
			return (outcome != null)
					? this.responder.respond(request, decided.link(), outcome)
						.onErrorResume((ex) -> unavailable(request, ex))
					: unavailable(request, (error != null) ? error : new IllegalStateException("no decision"));
		}
		return this.converter.open(request)
			.flatMap((link) -> this.decisions.open(link)
				.flatMap((outcome) -> this.responder.respond(request, link, outcome)))
			.onErrorResume((ex) -> unavailable(request, ex));
	}

	Mono<ServerResponse> submit(ServerRequest request) {
		return this.converter.submit(request)
			.flatMap((link) -> this.decisions.submit(link)
				.flatMap((outcome) -> this.responder.respond(request, link, outcome)))
			// A form body past spring.http.codecs.max-in-memory-size: refused as too
			// large, nothing looked at.
			.onErrorResume(DataBufferLimitException.class, (ex) -> this.pages.response(request, PageKind.TOO_LARGE))
			.onErrorResume((ex) -> unavailable(request, ex));
	}

	/** Fail closed: when the database cannot answer, nothing is granted. */
	private Mono<ServerResponse> unavailable(ServerRequest request, Throwable ex) {
		logger.warn("Link request failed, answered 503: " + ex.getClass().getSimpleName());
		return this.pages.response(request, PageKind.UNAVAILABLE);
	}

}
