package dev.securelink.gateway.proxy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.link.SafePaths;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.web.ClientAddress;
import dev.securelink.gateway.web.PageWriter;
import dev.securelink.gateway.web.Pages;
import dev.securelink.gateway.web.SameOrigin;

/**
 * {@code /d/{linkId}/**}, the document space, handled ahead of WebFlux's dispatcher (routed by prefix, no
 * pattern matching). The steps, in this order, each refusing before anything reaches the upstream:
 * <ol>
 * <li>confinement: the requested path must be {@link SafePaths#isSafe safe} (400);</li>
 * <li>session: valid for this link, from the caches, no query (403 page "open the link again");</li>
 * <li>actions: a method other than GET/HEAD needs the sign or pay right for its path and a same-origin request
 * (403), and is audited durably before it is forwarded (503 when the audit cannot be written);</li>
 * <li>body: a declared length over the limit is refused at once (413);</li>
 * <li>the proxy hop, last: headers filtered, the gateway's identity and assertion added, bodies streamed.</li>
 * </ol>
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class DocumentProxyFilter implements WebFilter {

	private static final Log logger = LogFactory.getLog(DocumentProxyFilter.class);

	private static final String PREFIX = "/d/";

	private final Sessions sessions;

	private final UpstreamClient upstream;

	private final Assertions assertions;

	private final AuditLog audit;

	private final ClientAddress clients;

	private final PageWriter pages;

	private final UpstreamProperties properties;

	private final SameOrigin sameOrigin;

	/** The upstream URL and its path, without a trailing slash, computed once. */
	private final String upstreamBase;

	private final String upstreamPath;

	private final Clock clock;

	/** Sessions whose "opened" event this instance already wrote (the database dedups across instances). */
	private final Cache<String, Boolean> opened = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterWrite(Duration.ofHours(13))
		.build();

	DocumentProxyFilter(Sessions sessions, UpstreamClient upstream, Assertions assertions, AuditLog audit,
			ClientAddress clients, PageWriter pages, UpstreamProperties properties, GatewayProperties gateway,
			Clock clock) {
		this.sessions = sessions;
		this.upstream = upstream;
		this.assertions = assertions;
		this.audit = audit;
		this.clients = clients;
		this.pages = pages;
		this.properties = properties;
		this.sameOrigin = new SameOrigin(gateway.publicBaseUrl());
		this.upstreamBase = (properties.url() != null) ? withoutTrailingSlash(properties.url().toString()) : null;
		this.upstreamPath = (properties.url() != null) ? withoutTrailingSlash(properties.url().getRawPath()) : null;
		this.clock = clock;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		if (!path.startsWith(PREFIX)) {
			return chain.filter(exchange);
		}
		int slash = path.indexOf('/', PREFIX.length());
		String linkId = path.substring(PREFIX.length(), (slash < 0) ? path.length() : slash);
		String rest = (slash < 0) ? "" : path.substring(slash + 1);
		if (!SafePaths.isSafe("/" + rest)) {
			return page(exchange, HttpStatus.BAD_REQUEST, "badpath");
		}
		return this.sessions.check(exchange.getRequest(), linkId).flatMap((check) -> {
			if (!(check instanceof Sessions.Valid session)) {
				return page(exchange, HttpStatus.FORBIDDEN, "session");
			}
			if (session.refresh() != null) {
				exchange.getResponse().addCookie(session.refresh());
			}
			return authorize(exchange, session, "/" + rest);
		}).onErrorResume((ex) -> !exchange.getResponse().isCommitted(), (ex) -> {
			logger.warn("Document request failed, answered 503: " + ex.getClass().getSimpleName());
			return page(exchange, HttpStatus.SERVICE_UNAVAILABLE, "unavailable");
		});
	}

	private Mono<Void> authorize(ServerWebExchange exchange, Sessions.Valid session, String rest) {
		ServerHttpRequest request = exchange.getRequest();
		boolean read = request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD;
		if (request.getHeaders().getContentLength() > this.properties.maxBodySize().toBytes()) {
			return page(exchange, HttpStatus.CONTENT_TOO_LARGE, "toolarge");
		}
		if (read) {
			return recordOpened(exchange, session).then(forward(exchange, session, rest));
		}
		Right needed = actionRight(rest);
		if (needed == null || !session.claims().rights().contains(needed) || !session.link().rights().contains(needed)
				|| !this.sameOrigin.test(request.getHeaders(), true)) {
			return page(exchange, HttpStatus.FORBIDDEN, "forbidden");
		}
		// Durable before forwarded: a signature or payment the audit trail does not know of never happens.
		String type = (needed == Right.SIGN) ? "signed" : "paid";
		return this.audit.record(event(exchange, session, type, "requested"))
			.then(Mono.defer(() -> forward(exchange, session, rest)));
	}

	private Mono<Void> forward(ServerWebExchange exchange, Sessions.Valid session, String rest) {
		if (this.properties.url() == null) {
			return page(exchange, HttpStatus.SERVICE_UNAVAILABLE, "unavailable");
		}
		Link link = session.link();
		String document = withoutTrailingSlash(link.document());
		String documentBase = this.upstreamPath + document;
		String query = exchange.getRequest().getURI().getRawQuery();
		URI target = URI.create(this.upstreamBase + document + rest + ((query != null) ? "?" + query : ""));
		boolean trustedPeer = this.clients.fromTrustedProxy(exchange);
		String forwardedFor = forwardedFor(exchange, trustedPeer);
		String rights = session.claims().rights().stream().map(Right::id).collect(Collectors.joining(" "));
		String assertion = this.assertions.forSession(session.claims());
		return this.upstream
			.forward(exchange, target, documentBase, "/d/" + link.id() + "/", trustedPeer,
					(headers) -> headers.set("X-Forwarded-For", forwardedFor)
						.set(ProxyHeaders.LINK, link.id())
						.set(ProxyHeaders.TENANT, link.tenantId())
						.set(ProxyHeaders.RIGHTS, rights)
						.set(ProxyHeaders.ASSERTION, assertion))
			.flatMap((failure) -> {
				if (failure instanceof UpstreamClient.TimedOut) {
					return page(exchange, HttpStatus.GATEWAY_TIMEOUT, "timeout");
				}
				if (failure instanceof UpstreamClient.BodyTooLarge) {
					return page(exchange, HttpStatus.CONTENT_TOO_LARGE, "toolarge");
				}
				return page(exchange, HttpStatus.BAD_GATEWAY, "badgateway");
			});
	}

	private Mono<Void> recordOpened(ServerWebExchange exchange, Sessions.Valid session) {
		String id = session.claims().id();
		if (this.opened.getIfPresent(id) != null) {
			return Mono.empty();
		}
		return this.audit.record(event(exchange, session, "opened", "ok"))
			.doOnSuccess((done) -> this.opened.put(id, Boolean.TRUE))
			.onErrorResume((ex) -> {
				// Reading stays available when the audit database hiccups; the next request tries again.
				logger.warn("Could not audit a document opening: " + ex.getClass().getSimpleName());
				return Mono.empty();
			});
	}

	private AccessEvent event(ServerWebExchange exchange, Sessions.Valid session, String type, String outcome) {
		Link link = session.link();
		return new AccessEvent(link.tenantId(), link.id(), type, outcome, null,
				this.audit.clientHash(this.clients.of(exchange)), this.clock.instant(), session.claims().id(), null);
	}

	/** {@code sign} for the sign paths, {@code pay} for the pay paths, null for any other path. */
	private Right actionRight(String rest) {
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

	private static String forwardedFor(ServerWebExchange exchange, boolean trustedPeer) {
		String peer = exchange.getRequest().getRemoteAddress() != null
				? exchange.getRequest().getRemoteAddress().getAddress().getHostAddress() : "unknown";
		String earlier = trustedPeer ? exchange.getRequest().getHeaders().getFirst("X-Forwarded-For") : null;
		return (earlier != null && !earlier.isBlank()) ? earlier + ", " + peer : peer;
	}

	private static String withoutTrailingSlash(String value) {
		int end = value.length();
		while (end > 0 && value.charAt(end - 1) == '/') {
			end--;
		}
		return value.substring(0, end);
	}

	private Mono<Void> page(ServerWebExchange exchange, HttpStatus status, String kind) {
		return this.pages.write(exchange, Pages.message(status, kind));
	}

}
