package dev.securelink.gateway.access;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.edge.AccessLogFilter;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.tracing.Tracing;

/**
 * A plain {@code GET /l/{code}[/sign|/pay]} (at most a {@code lang} query) served by a
 * Reactor Netty route ahead of WebFlux, as the document requests are (ADR 1): the mailed
 * link's first open ends in a 303 written here, without a {@code ServerWebExchange},
 * Spring's filter chain or the router (while tracing is off: with it on, WebFlux serves
 * them all, and its observation makes their spans). The request is read once
 * ({@link LinkRequestConverter}) and decided by {@link LinkDecisions} as any link
 * request; a 303 ({@link LinkResponder#redirect}) is answered here, with its access log
 * line and its span; any other outcome (the prompt, a refusal page) goes on to WebFlux
 * with the decision attached ({@link #take}), where {@link LinkAccessHandler} answers it
 * without deciding again. Any other method or spelling is WebFlux's from the start, as on
 * every other path; so is a document host's request, which is the document route's.
 */
@Component
class LinkRoute implements NettyRouteProvider {

	/** The decision the route hands to WebFlux with the request it was made for. */
	private static final AttributeKey<@Nullable Decided> DECIDED = AttributeKey
		.valueOf(LinkRoute.class.getName() + ".decided");

	private final LinkRequestConverter converter;

	private final LinkDecisions decisions;

	private final LinkResponder responder;

	private final DocumentOrigins origins;

	private final Tracing tracing;

	private final @Nullable AccessLogFilter accessLog;

	private final ObjectProvider<HttpHandler> httpHandler;

	/**
	 * WebFlux's {@code http.server.requests} series of the link's 303 (a document, or a
	 * sign or pay button): the route's answers count where WebFlux's would, with the same
	 * tags, so the dashboards see every link request.
	 */
	private final Timer seeOtherView;

	private final Timer seeOtherAction;

	/** WebFlux, for what is not answered here; made on first use (the context is up). */
	private volatile @Nullable BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> webflux;

	LinkRoute(LinkRequestConverter converter, LinkDecisions decisions, LinkResponder responder, DocumentOrigins origins,
			Tracing tracing, ObjectProvider<AccessLogFilter> accessLog, ObjectProvider<HttpHandler> httpHandler,
			MeterRegistry meters) {
		this.seeOtherView = seeOther(meters, GatewayPaths.LINK_ROUTE);
		this.seeOtherAction = seeOther(meters, GatewayPaths.LINK_ACTION_ROUTE);
		this.converter = converter;
		this.decisions = decisions;
		this.responder = responder;
		this.origins = origins;
		this.tracing = tracing;
		this.accessLog = accessLog.getIfAvailable();
		this.httpHandler = httpHandler;
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route(this::routed, this::handle);
	}

	/**
	 * A plain link GET off a document's host, while tracing is off: with tracing on,
	 * WebFlux serves link requests, and its observation makes their span.
	 */
	private boolean routed(HttpServerRequest request) {
		return !this.tracing.on() && PlainLinkGet.of(request) != null
				&& !this.origins.inDomain(request.requestHeaders().get(HttpHeaderNames.HOST));
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		long start = System.nanoTime();
		PlainLinkGet target = Objects.requireNonNull(PlainLinkGet.of(request), "routed");
		LinkRequest link = this.converter.open(request, target.code(), target.action(), target.language());
		// Deferred: a decision that throws is an error of the Mono, answered with the 503
		// page as on WebFlux.
		return Mono.defer(() -> this.decisions.open(link))
			.map((outcome) -> new Decided(request, link, outcome, null))
			.onErrorResume((ex) -> Mono.just(new Decided(request, link, null, ex)))
			.flatMap((decided) -> {
				LinkOutcome outcome = decided.outcome();
				LinkResponder.Redirect redirect;
				try {
					redirect = (outcome != null) ? this.responder.redirect(link, outcome) : null;
				}
				catch (RuntimeException ex) {
					return handOn(new Decided(request, link, null, ex), request, response);
				}
				if (outcome == null || redirect == null) {
					return handOn(decided, request, response);
				}
				// Spelled as WebFlux spells them: the same answer whichever serves it.
				response.status(303).header(HttpHeaders.LOCATION, redirect.location());
				redirect.cookies()
					.forEach((cookie) -> response.addHeader(HttpHeaderNames.SET_COOKIE, cookie.toString()));
				return response.send().then(Mono.fromRunnable(() -> log(target, outcome.linkId(), start)));
			});
	}

	/** WebFlux answers the decision (a page): {@link LinkAccessHandler} takes it. */
	private Mono<Void> handOn(Decided decided, HttpServerRequest request, HttpServerResponse response) {
		Attribute<@Nullable Decided> attribute = ((Connection) request).channel().attr(DECIDED);
		attribute.set(decided);
		return webflux(request, response).doFinally((signal) -> attribute.compareAndSet(decided, null));
	}

	private static Timer seeOther(MeterRegistry meters, String route) {
		return Timer.builder("http.server.requests")
			.tags("error", "none", "exception", "none", "method", "GET", "outcome", "REDIRECTION", "status", "303",
					"uri", route)
			.register(meters);
	}

	/** The 303's access log line and its place in WebFlux's request metrics. */
	private void log(PlainLinkGet target, @Nullable String linkId, long start) {
		((target.action() == Right.VIEW) ? this.seeOtherView : this.seeOtherAction).record(System.nanoTime() - start,
				TimeUnit.NANOSECONDS);
		AccessLogFilter log = this.accessLog;
		if (log != null) {
			log.record("GET", GatewayPaths.LINK + "~" + ((linkId != null) ? linkId : "unknown")
					+ ((target.action() != Right.VIEW) ? "/" + target.action().id() : ""), 303, start, null);
		}
	}

	private Mono<Void> webflux(HttpServerRequest request, HttpServerResponse response) {
		BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler = this.webflux;
		if (handler == null) {
			handler = new ReactorHttpHandlerAdapter(this.httpHandler.getObject());
			this.webflux = handler;
		}
		return handler.apply(request, response);
	}

	/**
	 * The decision the route made for the request of {@code exchange}, taken (once), or
	 * null when the route made none for it.
	 */
	static @Nullable Decided take(ServerWebExchange exchange) {
		Object handle = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		if (!(handle instanceof Connection connection) || !(handle instanceof HttpServerRequest)) {
			return null;
		}
		Decided decided = connection.channel().attr(DECIDED).get();
		if (decided == null || decided.request() != handle) {
			return null;
		}
		connection.channel().attr(DECIDED).compareAndSet(decided, null);
		return decided;
	}

	/**
	 * What the route decided for {@code request}: the outcome, or the error that kept it
	 * from deciding.
	 */
	record Decided(HttpServerRequest request, LinkRequest link, @Nullable LinkOutcome outcome,
			@Nullable Throwable error) {
	}

}
