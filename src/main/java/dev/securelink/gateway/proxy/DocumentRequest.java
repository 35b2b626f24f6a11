package dev.securelink.gateway.proxy;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

import dev.securelink.gateway.paths.GatewayPaths;

/**
 * What a request to {@code /d/{linkId}/**} says, read once from Reactor Netty's request
 * by {@link #read}: {@link DocumentAccess} decides on this alone, without Netty.
 *
 * @param method the method's name as sent
 * @param path the raw path without the query
 * @param query the raw query, or null
 * @param linkId the path's first segment below {@code /d/}, not yet checked
 * @param rest the requested part of the document, from its '/' ({@code /} for none)
 * @param cookies the raw {@code Cookie} header lines
 * @param accept the raw {@code Accept} lines (a gateway page answers an API client as
 * problem+json)
 * @param acceptLanguage the raw {@code Accept-Language} lines
 * @param declaredLength the {@code Content-Length}, or -1 when none is declared (Netty's
 * decoder refused malformed ones)
 * @param contentType the {@code Content-Type}, or null
 * @param idempotencyKeys the {@code Idempotency-Key} lines
 * @param origin the {@code Origin}, or null
 * @param fetchSite the {@code Sec-Fetch-Site}, or null
 * @param peer the connection's remote address
 * @param forwardedFor the raw {@code X-Forwarded-For} lines (believed only from a trusted
 * proxy)
 * @param ownOrigin whether the request came to the document's own host (its paths are the
 * document's) rather than to {@code /d/{linkId}/} on the gateway's origin
 * @param home the origin the document is served on, which a request that changes state
 * must come from
 * @param host the {@code Host} header, or null
 */
record DocumentRequest(String method, String path, @Nullable String query, String linkId, String rest,
		List<String> cookies, List<String> accept, List<String> acceptLanguage, long declaredLength,
		@Nullable String contentType, List<String> idempotencyKeys, @Nullable String origin, @Nullable String fetchSite,
		@Nullable InetSocketAddress peer, List<String> forwardedFor, boolean ownOrigin, String home,
		@Nullable String host) {

	static final String PREFIX = GatewayPaths.DOCUMENT;

	/** The route template of every document request, the name of its span. */
	static final String ROUTE = PREFIX + "{linkId}/**";

	/**
	 * The request as read: for the document of {@code ownLinkId} on its own host (its
	 * whole path is the document's), or, when that is null, under {@code /d/{linkId}/} on
	 * the gateway's origin.
	 */
	static DocumentRequest read(HttpServerRequest request, @Nullable String ownLinkId, String home) {
		String uri = request.uri();
		int question = uri.indexOf('?');
		String path = (question < 0) ? uri : uri.substring(0, question);
		String linkId;
		String rest;
		if (ownLinkId != null) {
			linkId = ownLinkId;
			rest = path;
		}
		else {
			int slash = path.indexOf('/', PREFIX.length());
			linkId = path.substring(PREFIX.length(), (slash < 0) ? path.length() : slash);
			rest = (slash < 0) ? "/" : path.substring(slash);
		}
		HttpHeaders headers = request.requestHeaders();
		return new DocumentRequest(request.method().name(), path, (question < 0) ? null : uri.substring(question + 1),
				linkId, rest, headers.getAll(HttpHeaderNames.COOKIE), headers.getAll(HttpHeaderNames.ACCEPT),
				headers.getAll(HttpHeaderNames.ACCEPT_LANGUAGE), declaredLength(headers),
				headers.get(HttpHeaderNames.CONTENT_TYPE), headers.getAll(IdempotencyKeys.HEADER),
				headers.get(HttpHeaderNames.ORIGIN), headers.get("Sec-Fetch-Site"), request.remoteAddress(),
				headers.getAll("X-Forwarded-For"), ownLinkId != null, home, headers.get(HttpHeaderNames.HOST));
	}

	/**
	 * The value of {@code name} in the query, decoded; null when absent or unreadable.
	 */
	@Nullable String queryParameter(String name) {
		if (this.query == null) {
			return null;
		}
		try {
			List<String> values = new QueryStringDecoder(this.query, false).parameters().get(name);
			return (values != null && !values.isEmpty()) ? values.get(0) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** Whether the method only reads: GET or HEAD. */
	boolean reads() {
		return this.method.equals("GET") || this.method.equals("HEAD");
	}

	/** The language asked for with {@code ?lang=}, or null. */
	@Nullable String language() {
		return queryParameter("lang");
	}

	/**
	 * The request's {@code Content-Length}, or -1 when it declares none (Netty's decoder
	 * rejected malformed ones).
	 */
	static long declaredLength(HttpHeaders headers) {
		String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
		return (length != null) ? Long.parseLong(length.trim()) : -1;
	}

}
