package dev.securelink.gateway.proxy;

import java.net.URI;
import java.util.Set;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.paths.RequestPaths;
import dev.securelink.gateway.session.Handoffs;

/**
 * Where a document is served, and what else its space answers. With documents on origins
 * of their own ({@link DocumentOrigins}), every path of a document's host is the
 * document's but the gateway's assets, the handoff and the share page (all under
 * {@code /_gw/}, which WebFlux serves but for the handoff); the gateway's paths there
 * ({@code /l/}, {@code /d/}, the admin API, the keys) are not found, and {@code /d/} on
 * the gateway's own host serves no document at all. With a shared origin, the document
 * space is {@code /d/{linkId}/} on the gateway's host.
 */
@Component
class DocumentSpaces {

	/** First path segments that are the gateway's, never a document's. */
	private static final Set<String> RESERVED = Set.of("l", "d", "admin", ".well-known", "v3", "swagger-ui", "actuator",
			"_gw");

	private final DocumentOrigins origins;

	private final Handoffs handoffs;

	private final String gatewayOrigin;

	DocumentSpaces(DocumentOrigins origins, Handoffs handoffs, GatewayProperties gateway) {
		this.origins = origins;
		this.handoffs = handoffs;
		URI base = gateway.publicBaseUrl();
		this.gatewayOrigin = base.getScheme() + "://" + base.getRawAuthority();
	}

	/**
	 * Whether the document route takes {@code request}: {@code /d/…} on any host, or any
	 * path of a host in the documents' domain (a document's, or any other name the
	 * wildcard brings) but the gateway's assets (which WebFlux serves).
	 */
	boolean routed(HttpServerRequest request) {
		String uri = request.uri();
		if (uri.startsWith(DocumentRequest.PREFIX)) {
			return true;
		}
		return this.origins.inDomain(request.requestHeaders().get(HttpHeaderNames.HOST))
				&& (!uri.startsWith(GatewayPaths.ASSETS) || uri.startsWith(Handoffs.PATH));
	}

	/**
	 * The request as read; on a host of the documents' domain that names no document,
	 * with an empty link id, which {@link #refused} answers.
	 */
	DocumentRequest read(HttpServerRequest request) {
		String host = request.requestHeaders().get(HttpHeaderNames.HOST);
		String linkId = this.origins.linkIdOf(host);
		if (linkId != null && host != null) {
			// The origin a browser names for this host: what a submission must come from.
			return DocumentRequest.read(request, linkId, this.origins.originAt(host));
		}
		return DocumentRequest.read(request, this.origins.inDomain(host) ? "" : null, this.gatewayOrigin);
	}

	/**
	 * The page a request of the space gets before anything is decided, or null: no
	 * document on the gateway's host when documents have origins of their own, nothing on
	 * a name of the documents' domain that is no document's host, and none of the
	 * gateway's paths on a document's host.
	 */
	@Nullable PageKind refused(DocumentRequest read) {
		if (!read.ownOrigin()) {
			return this.origins.separate() ? PageKind.NOT_FOUND : null;
		}
		return (read.linkId().isEmpty()
				|| (!read.path().equals(Handoffs.PATH) && RESERVED.contains(RequestPaths.firstSegment(read.path()))))
						? PageKind.NOT_FOUND : null;
	}

	/** Whether the request redeems a handoff on its document's host. */
	boolean handoff(DocumentRequest read) {
		return read.ownOrigin() && read.path().equals(Handoffs.PATH);
	}

	/**
	 * Redeems the handoff: the session's cookie for this host and a 303 to the document;
	 * empty when the token is not good (expired, used, another link's, forged).
	 */
	Mono<Void> redeem(DocumentRequest read, HttpServerResponse response) {
		String token = read.queryParameter("t");
		if (token == null || !read.method().equals("GET")) {
			return Mono.empty();
		}
		return this.handoffs.redeem(token, read.linkId()).flatMap((redeemed) -> {
			response.status(303)
				.header(HttpHeaderNames.LOCATION, redeemed.target())
				.header(HttpHeaderNames.SET_COOKIE, redeemed.cookie().toString())
				.header(HttpHeaders.CACHE_CONTROL, "no-store");
			return response.send();
		});
	}

	/** The base a redirect inside the document is rewritten to. */
	static String base(DocumentRequest read) {
		return read.ownOrigin() ? "/" : GatewayPaths.document(read.linkId());
	}

}
