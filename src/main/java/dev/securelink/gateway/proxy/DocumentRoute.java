package dev.securelink.gateway.proxy;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditOutcome;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.keys.Sha256;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCompletion;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.link.SafePaths;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.tracing.Tracing;
import dev.securelink.gateway.web.AccessLogFilter;
import dev.securelink.gateway.web.ClientAddress;
import dev.securelink.gateway.web.GatewayPaths;
import dev.securelink.gateway.web.MessagePages;
import dev.securelink.gateway.web.PageKind;
import dev.securelink.gateway.web.PageLocales;
import dev.securelink.gateway.web.SameOrigin;

/**
 * {@code /d/{linkId}/**}, the document space, served by a Reactor Netty route ahead of
 * WebFlux (routed by prefix, no pattern matching): a proxied request builds no
 * {@code ServerWebExchange}, no Spring header adapters and no filter chain, which the
 * benchmark showed to be a large share of a small document's cost (bench/RESULTS.md). The
 * steps, in this order, each refusing before anything reaches the upstream:
 * <ol>
 * <li>method: one of {@link #PROXIED_METHODS} (405);</li>
 * <li>confinement: the requested path and query must be {@link SafePaths#isSafe safe}
 * (400);</li>
 * <li>body: a declared length over the limit is refused at once (413);</li>
 * <li>session: valid for this link, from the caches, no query (403 page "open the link
 * again");</li>
 * <li>the session's share: at most {@code max-connections-per-session} of its requests
 * under way at once (429), so that one session cannot take the upstream pool;</li>
 * <li>actions: under the sign and pay paths any method needs the matching right, and one
 * other than GET/HEAD a same-origin request (403); each is audited durably before it is
 * forwarded (503 when the audit cannot be written); elsewhere only GET and HEAD
 * pass;</li>
 * <li>the proxy hop, last: headers filtered, the gateway's identity and assertion added,
 * bodies streamed.</li>
 * </ol>
 * Every refusal is one of the gateway's localized pages, written here from the bytes
 * {@link MessagePages} rendered at start-up. The access log line WebFlux's filter gives
 * is written here; the security headers are the connection's ({@code EdgeHandler}), on
 * every answer alike.
 */
@Component
class DocumentRoute implements NettyRouteProvider {

	private static final Log logger = LogFactory.getLog(DocumentRoute.class);

	/**
	 * The largest sign or pay submission: such a body is read whole before it is
	 * forwarded.
	 */
	static final int MAX_ACTION_BODY = 1024 * 1024;

	static final String PREFIX = GatewayPaths.DOCUMENT;

	/** The route template of every request here, the name of its span. */
	static final String ROUTE = PREFIX + "{linkId}/**";

	private final Sessions sessions;

	private final UpstreamClient upstream;

	private final Assertions assertions;

	private final AuditLog audit;

	private final ClientAddress clients;

	private final UpstreamProperties properties;

	private final SameOrigin sameOrigin;

	private final @Nullable AccessLogFilter accessLog;

	private final MessagePages pages;

	private final LinkCompletion completion;

	private final IdempotencyRecords idempotency;

	private final Tracing tracing;

	/**
	 * The upstream URL's path, without a trailing slash, computed once; null without an
	 * upstream.
	 */
	private final @Nullable String upstreamPath;

	private final long maxBodySize;

	private final Clock clock;

	/**
	 * The methods the document space passes on; anything else is 405 with the gateway's
	 * page.
	 */
	static final Set<HttpMethod> PROXIED_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
			HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

	/** {@link #PROXIED_METHODS} as an {@code Allow} header. */
	static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE";

	/** Requests under way per session, bounded by {@code max-connections-per-session}. */
	private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

	private final int maxPerSession;

	/**
	 * Sessions whose "opened" event this instance already wrote (the database dedups
	 * across instances).
	 */
	private final Cache<String, Boolean> opened = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterWrite(Duration.ofHours(13))
		.build();

	DocumentRoute(Sessions sessions, UpstreamClient upstream, Assertions assertions, AuditLog audit,
			ClientAddress clients, UpstreamProperties properties, GatewayProperties gateway,
			ObjectProvider<AccessLogFilter> accessLog, MessagePages pages, Clock clock, LinkCompletion completion,
			IdempotencyRecords idempotency, Tracing tracing) {
		this.sessions = sessions;
		this.tracing = tracing;
		this.idempotency = idempotency;
		this.completion = completion;
		this.upstream = upstream;
		this.assertions = assertions;
		this.audit = audit;
		this.clients = clients;
		this.properties = properties;
		this.sameOrigin = new SameOrigin(gateway.publicBaseUrl());
		this.accessLog = accessLog.getIfAvailable();
		this.pages = pages;
		this.upstreamPath = (properties.url() != null) ? withoutTrailingSlash(properties.url().getRawPath()) : null;
		this.maxBodySize = properties.maxBodySize().toBytes();
		this.maxPerSession = properties.maxConnectionsPerSession();
		this.clock = clock;
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		return routes.route((request) -> request.uri().startsWith(PREFIX), this::handle);
	}

	/** One request to the document space and what the route learned of it so far. */
	private static final class Exchange {

		final HttpServerRequest request;

		final HttpServerResponse response;

		final long start = System.nanoTime();

		/** The raw path without the query, as WebFlux would see it. */
		final String path;

		final @Nullable String query;

		final String linkId;

		/** The requested part of the document, from its '/'. */
		final String rest;

		/** The session's link once it is known, for the language of a page. */
		@Nullable Link link;

		/** Whether the answer is the gateway's own page rather than the upstream's. */
		boolean gatewayPage;

		Exchange(HttpServerRequest request, HttpServerResponse response) {
			this.request = request;
			this.response = response;
			String uri = request.uri();
			int question = uri.indexOf('?');
			this.path = (question < 0) ? uri : uri.substring(0, question);
			this.query = (question < 0) ? null : uri.substring(question + 1);
			int slash = this.path.indexOf('/', PREFIX.length());
			this.linkId = this.path.substring(PREFIX.length(), (slash < 0) ? this.path.length() : slash);
			this.rest = (slash < 0) ? "/" : this.path.substring(slash);
		}

	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		Exchange exchange = new Exchange(request, response);
		String method = request.method().name();
		AccessLogFilter log = this.accessLog;
		return this.tracing.request(method, ROUTE, request.requestHeaders(), () -> answer(exchange),
				() -> response.status().code(), (traceId) -> {
					if (log != null) {
						log.record(method, exchange.path, response.status().code(), exchange.start, traceId);
					}
				});
	}

	private Mono<Void> answer(Exchange exchange) {
		if (!PROXIED_METHODS.contains(exchange.request.method())) {
			return page(exchange, PageKind.METHOD);
		}
		if (!SafePaths.isSafe(exchange.rest) || (exchange.query != null && !SafePaths.isSafeQuery(exchange.query))) {
			return page(exchange, PageKind.BAD_PATH);
		}
		if (UpstreamClient.declaredLength(exchange.request.requestHeaders()) > this.maxBodySize) {
			return page(exchange, PageKind.TOO_LARGE);
		}
		List<String> cookies = exchange.request.requestHeaders().getAll(HttpHeaderNames.COOKIE);
		// An unexpected error is a 503 page, unless an answer is already on its way.
		return this.sessions.check(cookies, exchange.linkId).flatMap((check) -> {
			if (!(check instanceof Sessions.Valid session)) {
				return page(exchange, PageKind.SESSION);
			}
			exchange.link = session.link();
			String sessionId = session.claims().id();
			if (this.inFlight.merge(sessionId, 1, Integer::sum) > this.maxPerSession) {
				release(sessionId);
				return page(exchange, PageKind.BUSY);
			}
			return authorize(exchange, session).doFinally((signal) -> release(sessionId));
		}).onErrorResume((ex) -> !exchange.response.hasSentHeaders(), (ex) -> {
			logger.warn("Document request failed, answered 503: " + ex.getClass().getSimpleName());
			return page(exchange, PageKind.UNAVAILABLE);
		});
	}

	/**
	 * Under the sign and pay paths every method needs the matching right, a GET too (an
	 * upstream may start a payment on GET); elsewhere only GET and HEAD pass. A request
	 * that changes state must come from the gateway's origin. Every request under an
	 * action path is audited durably before it is forwarded: a signature or payment the
	 * audit trail does not know of never happens. An action the invoicing application
	 * marked done is never forwarded: its pages say it is done.
	 */
	private Mono<Void> authorize(Exchange exchange, Sessions.Valid session) {
		HttpMethod method = exchange.request.method();
		boolean read = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
		Right needed = actionRight(exchange.rest);
		if (needed == null) {
			return read ? recordOpened(exchange, session).then(Mono.defer(() -> forward(exchange, session)))
					: page(exchange, PageKind.FORBIDDEN);
		}
		if (!session.claims().rights().contains(needed) || !session.link().rights().contains(needed)) {
			return page(exchange, PageKind.FORBIDDEN);
		}
		if (session.link().completed().contains(needed)) {
			// Marked done by the invoicing application: said so, and nothing forwarded.
			boolean pay = needed == Right.PAY;
			return page(exchange, read ? (pay ? PageKind.PAID : PageKind.SIGNED)
					: (pay ? PageKind.PAID_AGAIN : PageKind.SIGNED_AGAIN));
		}
		if (read) {
			AuditType type = (needed == Right.SIGN) ? AuditType.SIGN_VIEWED : AuditType.PAY_VIEWED;
			return recordOpened(exchange, session)
				.then(this.audit.record(event(exchange, session, type, AuditOutcome.OK)))
				.then(Mono.defer(() -> forward(exchange, session)));
		}
		org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders(
				new Netty4HeadersAdapter(exchange.request.requestHeaders()));
		if (!this.sameOrigin.test(headers, true)) {
			return page(exchange, PageKind.FORBIDDEN);
		}
		AuditType type = (needed == Right.SIGN) ? AuditType.SIGNED : AuditType.PAID;
		AuditType answered = (needed == Right.SIGN) ? AuditType.SIGN_ANSWERED : AuditType.PAY_ANSWERED;
		List<String> keys = exchange.request.requestHeaders().getAll(IdempotencyKeys.HEADER);
		if (keys.size() > 1 || (keys.size() == 1 && !IdempotencyKeys.valid(keys.get(0)))) {
			return page(exchange, PageKind.BAD_IDEMPOTENCY_KEY);
		}
		if (UpstreamClient.declaredLength(exchange.request.requestHeaders()) > MAX_ACTION_BODY) {
			return page(exchange, PageKind.TOO_LARGE);
		}
		String action = needed.id();
		String linkId = session.link().id();
		Mono<Void> submitted = read(exchange.request).flatMap((body) -> {
			byte[] fingerprint = IdempotencyKeys.fingerprint(method.name(), exchange.path,
					exchange.request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE), body);
			String key = keys.isEmpty() ? IdempotencyKeys.derived(linkId, action, fingerprint) : keys.get(0);
			byte[] keyHash = IdempotencyKeys.hash(key);
			return this.idempotency.reserve(linkId, action, keyHash, fingerprint).flatMap((reservation) -> {
				if (reservation instanceof IdempotencyRecords.InFlight) {
					return page(exchange, PageKind.IN_FLIGHT);
				}
				if (reservation instanceof IdempotencyRecords.OtherRequest) {
					return page(exchange, PageKind.KEY_REUSED);
				}
				if (reservation instanceof IdempotencyRecords.Done done) {
					return replay(exchange, done);
				}
				IdempotencyRecords.Capture capture = new IdempotencyRecords.Capture(
						(kept) -> settle(exchange, session, needed, keyHash, kept),
						() -> this.idempotency.release(linkId, action, keyHash));
				return this.audit.record(event(exchange, session, type, AuditOutcome.REQUESTED))
					.then(Mono.defer(() -> forward(exchange, session, body, key, capture)))
					.doOnSuccess((done) -> recordAnswer(exchange, session, answered, body))
					.doOnError((ex) -> release(linkId, action, keyHash))
					.doOnCancel(() -> release(linkId, action, keyHash));
			});
		}).onErrorResume(ActionBodyTooLarge.class, (ex) -> page(exchange, PageKind.TOO_LARGE));
		// The cached link may be a moment behind a completion on another instance: the
		// database decides whether a submission still goes out.
		return this.completion.isDone(session.link(), needed)
			.flatMap((done) -> done
					? page(exchange, (needed == Right.PAY) ? PageKind.PAID_AGAIN : PageKind.SIGNED_AGAIN) : submitted);
	}

	/**
	 * Settles the upstream's answer to a submission before the client has all of it. A
	 * signature the upstream accepted completes a link that signs once, so that no later
	 * sign submission goes out. The answer is kept for replay, unless it is not one to
	 * replay (a 5xx, or a body over 64 KB when {@code kept} is null): then the key is
	 * forgotten and a retry is forwarded again, with the same key.
	 */
	private Mono<Void> settle(Exchange exchange, Sessions.Valid session, Right action, byte[] keyHash,
			byte @Nullable [] kept) {
		int status = exchange.response.status().code();
		String linkId = session.link().id();
		Mono<Void> signed = (action == Right.SIGN && status >= 200 && status < 300)
				? this.completion.signed(session.link()) : Mono.empty();
		Mono<Void> settled = (kept != null && status < 500)
				? this.idempotency.done(linkId, action.id(), keyHash, status, exchange.response.responseHeaders(), kept)
				: this.idempotency.release(linkId, action.id(), keyHash);
		return signed.then(settled).onErrorResume((ex) -> {
			logger.warn("Could not settle an idempotency key: " + ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	private void release(String linkId, String action, byte[] keyHash) {
		this.idempotency.release(linkId, action, keyHash).onErrorResume((ex) -> Mono.empty()).subscribe();
	}

	/**
	 * The stored answer of the same submission, marked as replayed; nothing forwarded.
	 */
	private static Mono<Void> replay(Exchange exchange, IdempotencyRecords.Done done) {
		HttpServerResponse response = exchange.response;
		response.status(done.status());
		done.headers().forEach((header) -> response.addHeader(header.getKey(), header.getValue()));
		response.header("Idempotent-Replayed", "true");
		response.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(done.body().length));
		return response.sendByteArray(Mono.just(done.body())).then();
	}

	/**
	 * A sign or pay submission's body, read whole (at most {@link #MAX_ACTION_BODY}): its
	 * fingerprint decides the idempotency key, and its SHA-256 is the evidence of what
	 * was signed.
	 */
	private static Mono<byte[]> read(HttpServerRequest request) {
		return request.receive().reduceWith(java.io.ByteArrayOutputStream::new, (out, buffer) -> {
			int size = buffer.readableBytes();
			if (out.size() + size > MAX_ACTION_BODY) {
				throw new ActionBodyTooLarge();
			}
			byte[] bytes = new byte[size];
			buffer.readBytes(bytes);
			out.write(bytes, 0, size);
			return out;
		}).map(java.io.ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]);
	}

	/** A sign or pay submission over {@link #MAX_ACTION_BODY}. */
	private static final class ActionBodyTooLarge extends RuntimeException {

		ActionBodyTooLarge() {
			super("The submission's body is over 1 MB", null, false, false);
		}

	}

	/**
	 * Records how a forwarded sign or pay request was answered (the status, whether the
	 * upstream or the gateway gave it, the body's SHA-256), once the answer is out: it
	 * gates nothing, so the visitor's answer does not wait for it.
	 */
	private void recordAnswer(Exchange exchange, Sessions.Valid session, AuditType type, byte[] body) {
		int status = exchange.response.status().code();
		String detail = "{\"status\":" + status + ",\"answeredBy\":\"" + (exchange.gatewayPage ? "gateway" : "upstream")
				+ "\",\"bodySha256\":\"" + java.util.HexFormat.of().formatHex(Sha256.of(body)) + "\"}";
		this.audit.record(event(exchange, session, type, AuditOutcome.OK, detail)).onErrorResume((ex) -> {
			logger.warn("Could not audit the answer to a " + type.id() + " request: " + ex.getClass().getSimpleName());
			return Mono.empty();
		}).subscribe();
	}

	private Mono<Void> forward(Exchange exchange, Sessions.Valid session) {
		return forward(exchange, session, null, null, null);
	}

	/**
	 * Forwards the request: with {@code body}, already read, in place of the request's
	 * own, and {@code idempotencyKey} as its {@code Idempotency-Key}.
	 */
	private Mono<Void> forward(Exchange exchange, Sessions.Valid session, byte @Nullable [] body,
			@Nullable String idempotencyKey, IdempotencyRecords.@Nullable Capture capture) {
		if (this.upstreamPath == null) {
			return instead(exchange, capture, PageKind.UNAVAILABLE);
		}
		Link link = session.link();
		String document = withoutTrailingSlash(link.document());
		String target = this.upstreamPath + document + exchange.rest
				+ ((exchange.query != null) ? "?" + exchange.query : "");
		InetSocketAddress peer = exchange.request.remoteAddress();
		boolean trustedPeer = this.clients.fromTrustedProxy(peer);
		String forwardedFor = forwardedFor(exchange, peer, trustedPeer);
		HttpHeaders identity = this.assertions.forSession(session.claims(), link.document());
		String refresh = (session.refresh() != null) ? session.refresh().toString() : null;
		return this.upstream.forward(exchange.request, exchange.response, target, this.upstreamPath + document,
				PREFIX + link.id() + "/", (headers) -> {
					headers.add(identity).set(ProxyHeaders.FORWARDED_FOR, forwardedFor);
					if (idempotencyKey != null) {
						headers.set(IdempotencyKeys.HEADER, idempotencyKey);
					}
				}, (headers) -> {
					if (refresh != null) {
						headers.add(HttpHeaderNames.SET_COOKIE, refresh);
					}
				}, body, capture)
			.flatMap((failure) -> {
				if (failure instanceof UpstreamClient.TimedOut) {
					return instead(exchange, capture, PageKind.TIMEOUT);
				}
				if (failure instanceof UpstreamClient.BodyTooLarge) {
					return instead(exchange, capture, PageKind.TOO_LARGE);
				}
				if (failure instanceof UpstreamClient.Saturated) {
					return instead(exchange, capture, PageKind.UNAVAILABLE);
				}
				return instead(exchange, capture, PageKind.BAD_GATEWAY);
			});
	}

	/**
	 * The gateway's page in place of the upstream's answer; a submission's key is
	 * forgotten first, so that a retry is forwarded again.
	 */
	private Mono<Void> instead(Exchange exchange, IdempotencyRecords.@Nullable Capture capture, PageKind kind) {
		Mono<Void> forgotten = (capture != null) ? capture.forget() : Mono.empty();
		return forgotten.then(Mono.defer(() -> page(exchange, kind)));
	}

	private Mono<Void> recordOpened(Exchange exchange, Sessions.Valid session) {
		String id = session.claims().id();
		if (this.opened.getIfPresent(id) != null) {
			return Mono.empty();
		}
		return this.audit.recordOpened(event(exchange, session, AuditType.OPENED, AuditOutcome.OK))
			.doOnSuccess((done) -> this.opened.put(id, Boolean.TRUE))
			.onErrorResume((ex) -> {
				// Reading stays available when the audit database hiccups; the next
				// request tries again.
				logger.warn("Could not audit a document opening: " + ex.getClass().getSimpleName());
				return Mono.empty();
			});
	}

	/**
	 * One request fewer under way for {@code sessionId}; the entry goes when none is
	 * left.
	 */
	private void release(String sessionId) {
		this.inFlight.computeIfPresent(sessionId, (id, count) -> (count > 1) ? count - 1 : null);
	}

	private AccessEvent event(Exchange exchange, Sessions.Valid session, AuditType type, AuditOutcome outcome) {
		return event(exchange, session, type, outcome, null);
	}

	private AccessEvent event(Exchange exchange, Sessions.Valid session, AuditType type, AuditOutcome outcome,
			@Nullable String detail) {
		Link link = session.link();
		String client = this.clients.of(exchange.request.remoteAddress(),
				exchange.request.requestHeaders().getAll("X-Forwarded-For"));
		return AccessEvent.ofSession(type, outcome, link.tenantId(), link.id(), this.audit.clientHash(client),
				this.clock.instant(), session.claims().id(), detail);
	}

	/**
	 * Answers with a gateway page, written here on Reactor Netty's response, in the
	 * visitor's language (the link's locale counts once the session named the link).
	 * Whatever the route had put on the response (an upstream's headers that never went
	 * out) is dropped first.
	 */
	private Mono<Void> page(Exchange exchange, PageKind kind) {
		exchange.gatewayPage = true;
		exchange.response.responseHeaders().clear();
		Locale locale = PageLocales.resolve(queryParameter(exchange.query, "lang"),
				(exchange.link != null) ? exchange.link.locale() : null,
				exchange.request.requestHeaders().getAll(HttpHeaderNames.ACCEPT_LANGUAGE));
		Map<String, String> extra = switch (kind) {
			case METHOD -> Map.of("Allow", ALLOW);
			case BUSY -> Map.of("Retry-After", "1");
			default -> Map.of();
		};
		return this.pages.write(exchange.response, kind, locale, extra,
				exchange.request.requestHeaders().getAll(HttpHeaderNames.ACCEPT));
	}

	/**
	 * The first value of {@code name} in a raw query, decoded; null when absent or
	 * unreadable (a refused query).
	 */
	static @Nullable String queryParameter(@Nullable String query, String name) {
		if (query == null) {
			return null;
		}
		try {
			List<String> values = new QueryStringDecoder(query, false).parameters().get(name);
			return (values != null && !values.isEmpty()) ? values.get(0) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * {@code sign} for the sign paths, {@code pay} for the pay paths, null for any other
	 * path.
	 */
	private @Nullable Right actionRight(String rest) {
		if (matches(this.properties.signPaths(), rest)) {
			return Right.SIGN;
		}
		return matches(this.properties.payPaths(), rest) ? Right.PAY : null;
	}

	private static boolean matches(List<String> patterns, String rest) {
		for (String pattern : patterns) {
			String prefix = pattern.endsWith("/**") ? pattern.substring(0, pattern.length() - 3) : pattern;
			if (rest.equals(prefix) || (pattern.endsWith("/**") && rest.startsWith(prefix + "/"))) {
				return true;
			}
		}
		return false;
	}

	private static String forwardedFor(Exchange exchange, @Nullable InetSocketAddress peer, boolean trustedPeer) {
		String address = ClientAddress.hostAddress(peer);
		String earlier = trustedPeer ? exchange.request.requestHeaders().get("X-Forwarded-For") : null;
		return (earlier != null && !earlier.isBlank()) ? earlier + ", " + address : address;
	}

	private static String withoutTrailingSlash(String value) {
		int end = value.length();
		while (end > 0 && value.charAt(end - 1) == '/') {
			end--;
		}
		return value.substring(0, end);
	}

}
