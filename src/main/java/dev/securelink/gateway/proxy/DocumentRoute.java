package dev.securelink.gateway.proxy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.edge.AccessLogFilter;
import dev.securelink.gateway.edge.ClientAddress;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.page.PageLocales;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.paths.RequestPaths;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.session.StepUps;
import dev.securelink.gateway.tracing.Tracing;

/**
 * {@code /d/{linkId}/**}, the document space, served by a Reactor Netty route ahead of
 * WebFlux (routed by prefix; ADR 0001): read the request once ({@link DocumentRequest}),
 * decide ({@link DocumentAccess}), act on the outcome: a refusal is one of the gateway's
 * pages, written here and nowhere else; a read is forwarded; a sign or pay submission
 * goes through {@link ActionSubmissions} around the forward. The access log line and the
 * request's span are written here; the security headers are the connection's.
 */
@Component
class DocumentRoute implements NettyRouteProvider {

	private static final Log logger = LogFactory.getLog(DocumentRoute.class);

	private final DocumentSpaces spaces;

	private final DocumentAccess access;

	private final ActionSubmissions submissions;

	private final SessionAudit audit;

	private final UpstreamClient upstream;

	private final Assertions assertions;

	private final ClientAddress clients;

	private final MessagePages pages;

	private final Tracing tracing;

	private final @Nullable AccessLogFilter accessLog;

	private final StepUps stepUps;

	/** The gateway's own origin, where the step-up page is. */
	private final String gatewayBase;

	DocumentRoute(DocumentSpaces spaces, DocumentAccess access, ActionSubmissions submissions, SessionAudit audit,
			UpstreamClient upstream, Assertions assertions, ClientAddress clients, MessagePages pages, Tracing tracing,
			ObjectProvider<AccessLogFilter> accessLog, StepUps stepUps, GatewayProperties gateway) {
		this.stepUps = stepUps;
		this.gatewayBase = gateway.baseUrl();
		this.spaces = spaces;
		this.access = access;
		this.submissions = submissions;
		this.audit = audit;
		this.upstream = upstream;
		this.assertions = assertions;
		this.clients = clients;
		this.pages = pages;
		this.tracing = tracing;
		this.accessLog = accessLog.getIfAvailable();
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route(this.spaces::routed, this::handle);
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		long start = System.nanoTime();
		DocumentRequest read = this.spaces.read(request);
		AccessLogFilter log = this.accessLog;
		return this.tracing.request(read.method(), DocumentRequest.ROUTE, request.requestHeaders(),
				() -> answer(read, request, response), () -> response.status().code(), (traceId) -> {
					if (log != null) {
						// Any path may be typed, a link's among them: long segments are
						// redacted, as on every other public path.
						log.record(read.method(), RequestPaths.redacted(read.path()), response.status().code(), start,
								traceId);
					}
				});
	}

	/**
	 * Decides, then acts; an unexpected error is a 503 page (in the link's language once
	 * it is known) unless an answer is already on its way.
	 */
	private Mono<Void> answer(DocumentRequest read, HttpServerRequest request, HttpServerResponse response) {
		PageKind outside = this.spaces.refused(read);
		if (outside != null) {
			return page(read, response, outside, null);
		}
		if (this.spaces.handoff(read)) {
			return this.spaces.redeem(read, response)
				.switchIfEmpty(Mono.defer(() -> page(read, response, PageKind.SESSION, null)));
		}
		AtomicReference<@Nullable Link> known = new AtomicReference<>();
		return this.access.decide(read).flatMap((outcome) -> {
			if (outcome instanceof DocumentOutcome.Granted granted) {
				known.set(granted.session().link());
				return Mono.defer(() -> act(read, request, response, granted))
					.doFinally((signal) -> this.access.release(granted));
			}
			if (outcome instanceof DocumentOutcome.StepUp stepUp) {
				return stepUp(response, stepUp);
			}
			DocumentOutcome.Refused refused = (DocumentOutcome.Refused) outcome;
			return page(read, response, refused.page(), refused.link());
		}).onErrorResume((ex) -> !response.hasSentHeaders(), (ex) -> {
			logger.warn("Document request failed, answered 503: " + ex.getClass().getSimpleName());
			return page(read, response, PageKind.UNAVAILABLE, known.get());
		});
	}

	private Mono<Void> act(DocumentRequest read, HttpServerRequest request, HttpServerResponse response,
			DocumentOutcome.Granted granted) {
		Sessions.Valid session = granted.session();
		ProxiedRequest proxied = ProxiedRequest.of(read, session,
				granted instanceof DocumentOutcome.Read reading && reading.action() != null,
				this.assertions.forSession(session, session.link().document()),
				this.clients.fromTrustedProxy(read.peer()));
		if (granted instanceof DocumentOutcome.Read reading) {
			return this.audit.read(read, session, reading.action())
				.then(Mono.defer(() -> this.upstream.forward(request, response, proxied, null)))
				.flatMap((failure) -> page(read, response, failure.page(), session.link()));
		}
		return this.submissions
			.submit(read, (DocumentOutcome.Submit) granted, request.receive(),
					(body, key, capture) -> this.upstream
						.forward(request, response, proxied.submission(body, key), capture)
						.map(UpstreamFailure::page))
			.flatMap((result) -> {
				if (result instanceof ActionSubmissions.Page refused) {
					return page(read, response, refused.kind(), session.link());
				}
				return (result instanceof ActionSubmissions.Replay replay) ? replay.done().writeTo(response)
						: Mono.empty();
			});
	}

	/** The 303 to the gateway's step-up page, with the token that names the session. */
	private Mono<Void> stepUp(HttpServerResponse response, DocumentOutcome.StepUp stepUp) {
		response.responseHeaders().clear();
		return response.status(303)
			.header(HttpHeaderNames.LOCATION,
					this.gatewayBase + GatewayPaths.STEP_UP
							+ this.stepUps.token(stepUp.session().claims(), stepUp.action()))
			.header(HttpHeaderNames.CACHE_CONTROL, "no-store")
			.send();
	}

	/**
	 * A gateway page in the visitor's language (the link's, once known), problem+json for
	 * an API client; whatever the route had put on the response is dropped first.
	 */
	private Mono<Void> page(DocumentRequest read, HttpServerResponse response, PageKind kind, @Nullable Link link) {
		response.responseHeaders().clear();
		Map<String, String> extra = switch (kind) {
			case METHOD -> Map.of("Allow", DocumentAccess.ALLOW);
			case BUSY -> Map.of("Retry-After", "1");
			default -> Map.of();
		};
		return this.pages.write(response, kind,
				PageLocales.resolve(read.language(), (link != null) ? link.locale() : null, read.acceptLanguage()),
				extra, read.accept());
	}

}
