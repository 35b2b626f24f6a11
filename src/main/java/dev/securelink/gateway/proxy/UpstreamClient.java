package dev.securelink.gateway.proxy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeoutException;

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
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
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

	private final ConnectionProvider connections;

	private final HttpClient idempotent;

	private final HttpClient once;

	private final UpstreamProperties properties;

	private final MeterRegistry meters;

	private final Tracing tracing;

	/** The upstream's scheme and authority, which request paths are relative to. */
	private final @Nullable String origin;

	/** The upstream URL's path, without a trailing slash; null without an upstream. */
	private final @Nullable String upstreamPath;

	private final AnswerHeaders answers;

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
		this.upstreamPath = (url != null) ? ProxiedRequest.withoutTrailingSlash(url.getRawPath()) : null;
		this.answers = new AnswerHeaders(properties.allowedRedirectHosts());
	}

	/**
	 * Streams {@code proxied} to the upstream, the client's headers filtered and the
	 * gateway's added, and the answer back, on Reactor Netty's request and response
	 * directly. Completes empty when the answer was written; emits a
	 * {@link UpstreamFailure} when nothing was written yet and the gateway answers with
	 * its own page instead.
	 * @param capture sees a submission's answer as it goes to the client and settles it,
	 * or null
	 */
	Mono<UpstreamFailure> forward(HttpServerRequest request, HttpServerResponse response, ProxiedRequest proxied,
			@Nullable AnswerCapture capture) {
		String origin = this.origin;
		String upstreamPath = this.upstreamPath;
		if (origin == null || upstreamPath == null) {
			return Mono.just(UpstreamFailure.NOT_CONFIGURED);
		}
		HttpMethod method = request.method();
		boolean idempotent = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
		HttpHeaders clientHeaders = request.requestHeaders();
		boolean hasBody = DocumentRequest.declaredLength(clientHeaders) > 0
				|| clientHeaders.contains(HttpHeaderNames.TRANSFER_ENCODING);
		String pathAndQuery = upstreamPath + proxied.pathAndQuery();
		byte[] body = proxied.body();
		long start = System.nanoTime();
		// The upstream hop's span, when tracing is on: its traceparent goes upstream.
		return this.tracing.outgoing("upstream " + method.name(),
				(span, propagation) -> (idempotent ? this.idempotent : this.once).request(method)
					.uri(pathAndQuery)
					.send((upstreamRequest, outbound) -> {
						HttpHeaders upstream = upstreamRequest.requestHeaders();
						ProxyHeaders.copyRequest(clientHeaders, upstream, proxied.host() != null);
						upstream.add(proxied.identity()).set(ProxyHeaders.FORWARDED_FOR, proxied.forwardedFor());
						if (proxied.host() != null) {
							upstream.set(ProxyHeaders.FORWARDED_HOST, proxied.host());
						}
						if (proxied.idempotencyKey() != null) {
							upstream.set(IdempotencyKeys.HEADER, proxied.idempotencyKey());
						}
						propagation.forEach(upstream::set);
						if (body != null) {
							return (body.length > 0) ? outbound.send(Mono.just(Unpooled.wrappedBuffer(body)))
									: outbound;
						}
						return hasBody ? outbound.send(limit(request.receive().retain())) : outbound;
					})
					.responseConnection((upstreamResponse, connection) -> {
						int status = upstreamResponse.status().code();
						if (!this.answers.write(upstreamResponse.responseHeaders(), response.responseHeaders(),
								origin + pathAndQuery, upstreamPath + proxied.document(), proxied)) {
							connection.dispose();
							return Mono.just(UpstreamFailure.FORBIDDEN_REDIRECT);
						}
						record(method.name(), (status / 100) + "xx", start);
						Tracing.status(span, status);
						response.status(upstreamResponse.status());
						Flux<ByteBuf> content = connection.inbound().receive().retain();
						return response
							.send((capture != null) ? capture.watch(status, response.responseHeaders(), content)
									: content)
							.then()
							.then(Mono.<UpstreamFailure>empty());
					})
					.next()
					.onErrorResume((ex) -> !response.hasSentHeaders(), (ex) -> {
						UpstreamFailure failure = failure(ex);
						record(method.name(), failure.tag(), start);
						return Mono.just(failure);
					}));
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

	private static UpstreamFailure failure(Throwable ex) {
		if (ex instanceof BodyLimitExceeded) {
			return UpstreamFailure.BODY_TOO_LARGE;
		}
		if (ex instanceof PoolAcquirePendingLimitException) {
			return UpstreamFailure.SATURATED;
		}
		if (ex instanceof ReadTimeoutException || ex instanceof ConnectTimeoutException
				|| ex instanceof TimeoutException || ex.getCause() instanceof ConnectTimeoutException) {
			return UpstreamFailure.TIMED_OUT;
		}
		return UpstreamFailure.UNREACHABLE;
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
