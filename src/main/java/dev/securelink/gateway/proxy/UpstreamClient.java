package dev.securelink.gateway.proxy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.resources.ConnectionProvider;

import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.tracing.Tracing;

/**
 * The one proxy hop: a shared, pooled, keep-alive Reactor Netty {@link HttpClient} (no
 * WebClient, no codecs). Bodies pass through as retained buffers in both directions,
 * never decoded, copied or held whole. Requests that are not idempotent go through a
 * client that never retries.
 */
@Component
class UpstreamClient implements DisposableBean {

	private static final AsciiString X_FRAME_OPTIONS = AsciiString.cached("X-Frame-Options");

	private static final AsciiString REFRESH = AsciiString.cached("Refresh");

	private final ConnectionProvider connections;

	private final HttpClient idempotent;

	private final HttpClient once;

	private final UpstreamProperties properties;

	private final MeterRegistry meters;

	private final Tracing tracing;

	/** The upstream's scheme and authority, which request paths are relative to. */
	private final @Nullable String origin;

	/**
	 * One timer per method and status class, looked up without Micrometer's registry on
	 * the hot path.
	 */
	private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

	UpstreamClient(UpstreamProperties properties, GatewayProperties gateway, MeterRegistry meters, Tracing tracing) {
		this.meters = meters;
		this.tracing = tracing;
		this.properties = properties;
		this.connections = ConnectionProvider.builder("upstream")
			.maxConnections(properties.maxConnections())
			.maxIdleTime(properties.maxIdleTime())
			.maxLifeTime(properties.maxLifeTime())
			.evictInBackground(properties.maxIdleTime())
			// A bounded queue with a deadline: a saturated upstream answers 503/504
			// rather than holding every request.
			.pendingAcquireMaxCount(properties.maxPendingAcquires())
			.pendingAcquireTimeout(properties.acquireTimeout())
			.build();
		HttpClient client = HttpClient.create(this.connections)
			// A body is passed on in the pieces it was read in (slices, never copies),
			// not cut into 8 KB chunks.
			.httpResponseDecoder((decoder) -> decoder.maxChunkSize(64 * 1024))
			// The same on every request: set once, copied as a block (ProxyHeaders keeps
			// any client's out).
			.headers((headers) -> headers.set(ProxyHeaders.FORWARDED_PROTO, gateway.publicBaseUrl().getScheme())
				.set(ProxyHeaders.FORWARDED_HOST, gateway.publicBaseUrl().getAuthority()))
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
			// Right before Reactor Netty's bridge: it sees decoded responses and the
			// requests being written.
			.doOnChannelInit((observer, channel, address) -> channel.pipeline()
				.addBefore(NettyPipeline.ReactiveBridge, "securelinkResponseDeadline",
						new ResponseDeadline(properties.responseTimeout())))
			.followRedirect(false)
			.compress(false)
			.keepAlive(true);
		URI url = properties.url();
		if (url != null) {
			// The address is fixed once, so each request names only its path: Reactor
			// Netty parses an absolute URL
			// with regular expressions on every request (3.5 % of a small document's CPU
			// in the benchmark).
			boolean https = "https".equalsIgnoreCase(url.getScheme());
			String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1)
					: url.getHost();
			InetSocketAddress address = InetSocketAddress.createUnresolved(host,
					(url.getPort() != -1) ? url.getPort() : (https ? 443 : 80));
			client = client.remoteAddress(() -> address);
			client = https ? client.secure() : client;
		}
		this.idempotent = client;
		this.once = client.disableRetry(true);
		this.origin = (url != null) ? url.getScheme() + "://" + url.getRawAuthority() : null;
	}

	/**
	 * What the upstream answered before the gateway started writing it back, or why it
	 * did not.
	 */
	sealed interface Failure {

	}

	/** Refused, reset, or closed before answering: 502. */
	record Unreachable() implements Failure {
	}

	/** No connection or no answer in time: 504. */
	record TimedOut() implements Failure {
	}

	/**
	 * A redirect outside the document or to a host not allowed: 502, nothing of it
	 * reaches the client.
	 */
	record ForbiddenRedirect() implements Failure {
	}

	/** Every pooled connection is busy and the wait queue is full: 503. */
	record Saturated() implements Failure {
	}

	/** The request body grew past the limit while streaming: 413. */
	record BodyTooLarge() implements Failure {
	}

	/**
	 * Streams the request to {@code pathAndQuery} on the upstream with {@code headers}
	 * added after the client's were filtered, and the answer back, on Reactor Netty's
	 * request and response directly. Completes empty when the answer was written; emits a
	 * {@link Failure} when nothing was written yet and the gateway should answer with its
	 * own page instead.
	 * @param pathAndQuery the upstream path and query, raw (already confined)
	 * @param answerHeaders applied to the client's response headers once the upstream's
	 * were copied
	 * @param body the request body, already read (a sign or pay submission), or null to
	 * stream the request's own
	 * @param capture sees the answer's body as it goes to the client and settles it, or
	 * null
	 */
	Mono<Failure> forward(HttpServerRequest request, HttpServerResponse response, String pathAndQuery,
			String documentBase, String linkBase, Consumer<HttpHeaders> gatewayHeaders,
			Consumer<HttpHeaders> answerHeaders, byte @Nullable [] body, IdempotencyRecords.@Nullable Capture capture) {
		HttpMethod method = request.method();
		boolean idempotent = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
		HttpHeaders clientHeaders = request.requestHeaders();
		boolean hasBody = declaredLength(clientHeaders) > 0
				|| clientHeaders.contains(HttpHeaderNames.TRANSFER_ENCODING);
		long start = System.nanoTime();
		// The upstream hop's span, when tracing is on: its traceparent goes upstream.
		return this.tracing.outgoing("upstream " + method.name(),
				(span, propagation) -> (idempotent ? this.idempotent : this.once).request(method)
					.uri(pathAndQuery)
					.send((upstreamRequest, outbound) -> {
						HttpHeaders upstream = upstreamRequest.requestHeaders();
						ProxyHeaders.copyRequest(clientHeaders, upstream);
						gatewayHeaders.accept(upstream);
						propagation.forEach(upstream::set);
						if (body != null) {
							return (body.length > 0) ? outbound.send(Mono.just(Unpooled.wrappedBuffer(body)))
									: outbound;
						}
						return hasBody ? outbound.send(limit(request.receive().retain())) : outbound;
					})
					.responseConnection((upstreamResponse, connection) -> {
						HttpHeaders answer = upstreamResponse.responseHeaders();
						String requested = this.origin + pathAndQuery;
						String location = answer.get(HttpHeaderNames.LOCATION);
						String rewritten = (location != null)
								? rewriteLocation(location, requested, documentBase, linkBase) : null;
						String refresh = answer.get(REFRESH);
						String rewrittenRefresh = (refresh != null)
								? rewriteRefresh(refresh, requested, documentBase, linkBase) : null;
						if ((location != null && rewritten == null) || (refresh != null && rewrittenRefresh == null)) {
							connection.dispose();
							return Mono.<Failure>just(new ForbiddenRedirect());
						}
						record(method.name(), String.valueOf(upstreamResponse.status().code() / 100) + "xx", start);
						Tracing.status(span, upstreamResponse.status().code());
						copyResponse(upstreamResponse, response, rewritten, rewrittenRefresh);
						answerHeaders.accept(response.responseHeaders());
						Flux<ByteBuf> content = connection.inbound().receive().retain();
						return response.send((capture != null) ? capture.watch(content) : content)
							.then()
							.then(Mono.<Failure>empty());
					})
					.next()
					.onErrorResume((ex) -> !response.hasSentHeaders(), (ex) -> {
						Failure failure = failure(ex);
						record(method.name(), failure.getClass().getSimpleName().toLowerCase(Locale.ROOT), start);
						return Mono.just(failure);
					}));
	}

	/**
	 * The request's {@code Content-Length}, or -1 when it declares none (Netty's decoder
	 * rejected malformed ones).
	 */
	static long declaredLength(HttpHeaders headers) {
		String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
		return (length != null) ? Long.parseLong(length.trim()) : -1;
	}

	/** Time to the upstream's response head (or failure), by method and status class. */
	private void record(String method, String status, long start) {
		this.timers
			.computeIfAbsent(method + " " + status,
					(key) -> Timer.builder("securelink.upstream.requests")
						.description("Upstream requests until the response head arrived")
						.tag("method", method)
						.tag("status", status)
						.register(this.meters))
			.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
	}

	private Flux<ByteBuf> limit(Flux<ByteBuf> body) {
		long max = this.properties.maxBodySize().toBytes();
		long[] seen = { 0 };
		return body.handle((buffer, sink) -> {
			seen[0] += buffer.readableBytes();
			if (seen[0] > max) {
				buffer.release();
				sink.error(new BodyLimitExceeded());
			}
			else {
				sink.next(buffer);
			}
		});
	}

	/**
	 * Status and headers of the upstream's answer, written on Netty's response headers
	 * directly.
	 */
	private static void copyResponse(HttpClientResponse upstream, HttpServerResponse response,
			@Nullable String location, @Nullable String refresh) {
		response.status(upstream.status());
		HttpHeaders target = response.responseHeaders();
		ProxyHeaders.copyResponse(upstream.responseHeaders(), target);
		if (location != null) {
			target.set(HttpHeaderNames.LOCATION, location);
		}
		if (refresh != null) {
			target.set(REFRESH, refresh);
		}
		// Framing is never allowed; the rest of the upstream's CSP stays. The other
		// security headers are the
		// caller's (the same as on the gateway's own pages).
		target.set(X_FRAME_OPTIONS, "DENY");
		target.set(HttpHeaderNames.CONTENT_SECURITY_POLICY,
				framedNowhere(upstream.responseHeaders().get(HttpHeaderNames.CONTENT_SECURITY_POLICY)));
	}

	static String framedNowhere(String policy) {
		if (policy == null || policy.isBlank()) {
			return "frame-ancestors 'none'";
		}
		StringBuilder kept = new StringBuilder();
		for (String directive : policy.split(";")) {
			String trimmed = directive.trim();
			if (!trimmed.isEmpty() && !trimmed.toLowerCase(Locale.ROOT).startsWith("frame-ancestors")) {
				kept.append(trimmed).append("; ");
			}
		}
		return kept.append("frame-ancestors 'none'").toString();
	}

	/**
	 * Where a redirect may send the visitor: inside this document (rewritten to
	 * {@code /d/{linkId}/…}), to an allowed host (unchanged), or nowhere (null).
	 */
	@Nullable String rewriteLocation(String location, String requested, String documentBase, String linkBase) {
		URI request;
		URI target;
		try {
			request = URI.create(requested);
			target = request.resolve(location.trim());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		boolean sameOrigin = request.getScheme().equalsIgnoreCase(target.getScheme())
				&& request.getAuthority().equalsIgnoreCase(target.getAuthority());
		if (sameOrigin) {
			String path = target.getRawPath();
			if (path.equals(documentBase) || path.startsWith(documentBase + "/")) {
				String rest = path.substring(documentBase.length());
				String query = (target.getRawQuery() != null) ? "?" + target.getRawQuery() : "";
				return linkBase + (rest.startsWith("/") ? rest.substring(1) : rest) + query;
			}
			return null;
		}
		String host = target.getHost();
		boolean allowed = host != null && "https".equalsIgnoreCase(target.getScheme())
				&& this.properties.allowedRedirectHosts().stream().anyMatch(host::equalsIgnoreCase);
		return allowed ? location : null;
	}

	/**
	 * {@code Refresh} ({@code <seconds>[; url=<target>]}, the header form of a meta
	 * refresh) under the rules of {@link #rewriteLocation}: a bare delay reloads the same
	 * page and passes; a target is rewritten or allowed as a redirect would be; anything
	 * else, or anything unreadable, is refused (null).
	 */
	@Nullable String rewriteRefresh(String refresh, String requested, String documentBase, String linkBase) {
		int separator = indexOfAny(refresh, ";,");
		String delay = ((separator < 0) ? refresh : refresh.substring(0, separator)).trim();
		if (delay.isEmpty() || !delay.chars().allMatch((c) -> (c >= '0' && c <= '9') || c == '.')) {
			return null;
		}
		if (separator < 0 || refresh.substring(separator + 1).isBlank()) {
			return delay;
		}
		String target = refresh.substring(separator + 1).trim();
		if (target.regionMatches(true, 0, "url", 0, 3)) {
			String afterName = target.substring(3).trim();
			if (!afterName.startsWith("=")) {
				return null;
			}
			target = afterName.substring(1).trim();
		}
		if (target.length() >= 2 && (target.charAt(0) == '\'' || target.charAt(0) == '"')
				&& target.charAt(target.length() - 1) == target.charAt(0)) {
			target = target.substring(1, target.length() - 1);
		}
		String rewritten = rewriteLocation(target, requested, documentBase, linkBase);
		return (rewritten != null) ? delay + "; url=" + rewritten : null;
	}

	private static int indexOfAny(String value, String characters) {
		for (int i = 0; i < value.length(); i++) {
			if (characters.indexOf(value.charAt(i)) >= 0) {
				return i;
			}
		}
		return -1;
	}

	private static Failure failure(Throwable ex) {
		if (ex instanceof BodyLimitExceeded) {
			return new BodyTooLarge();
		}
		if (ex instanceof PoolAcquirePendingLimitException) {
			return new Saturated();
		}
		if (ex instanceof ReadTimeoutException || ex instanceof ConnectTimeoutException
				|| ex instanceof TimeoutException || ex.getCause() instanceof ConnectTimeoutException) {
			return new TimedOut();
		}
		return new Unreachable();
	}

	@Override
	public void destroy() {
		this.connections.dispose();
	}

	/** The request body passed {@code securelink.upstream.max-body-size}. */
	private static final class BodyLimitExceeded extends RuntimeException {

		BodyLimitExceeded() {
			super(null, null, false, false);
		}

	}

}
