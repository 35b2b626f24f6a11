package dev.securelink.gateway.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The document service in the tests: a real Reactor Netty server on a free port, started
 * once per test JVM, that records every request it receives. What it answers depends on
 * the last path segment (a {@link Scenario}), so each test picks its behaviour by the
 * path it requests and counts what arrived under its link's document.
 */
public final class TestUpstream {

	/** One request as the upstream saw it. */
	public record Received(String method, String uri, Map<String, String> headers, long bodyBytes) {

		public String header(String name) {
			return this.headers.get(name.toLowerCase(java.util.Locale.ROOT));
		}

	}

	/**
	 * What the upstream answers, chosen by the last segment of the requested path (any
	 * other segment: an echo of the method, URI and body size).
	 */
	public enum Scenario {

		/** {@code ?size=N} bytes of PDF, streamed in 64 KB chunks. */
		BIG_PDF("big"),

		/** Answers after 6 s: past the gateway's response timeout. */
		SLOW("slow"),

		/** Closes the connection without answering. */
		RESET("reset"),

		/** Promises 100 bytes and sends fewer, then nothing. */
		STALL("stall"),

		/** Starts a PDF and breaks the connection halfway through it. */
		HALFWAY("halfway"),

		/** Redirects to another path of the same document (absolute URL). */
		REDIRECT_INSIDE("inside"),

		/** Redirects with a relative Location. */
		REDIRECT_RELATIVE("relative"),

		/** Redirects to an upstream path outside the link's document. */
		REDIRECT_OUTSIDE("outside"),

		/** Redirects to an allowed payment provider. */
		REDIRECT_TO_PAYMENT("payment"),

		/** Redirects to a host nobody allowed. */
		REDIRECT_TO_EVIL("evil"),

		/** A Refresh header to a path of the same document. */
		REFRESH_INSIDE("refresh-inside"),

		/** A Refresh header to a host nobody allowed. */
		REFRESH_TO_EVIL("refresh-evil"),

		/** A Refresh header without a URL (reload this page). */
		REFRESH_SELF("refresh-self"),

		/**
		 * Asks shared caches to keep it, clears site data and sets cookies it must not.
		 */
		SHARED_CACHING("public"),

		/**
		 * Security headers weaker than the gateway's, and cookies and headers in the
		 * gateway's names.
		 */
		WEAK_HEADERS("weak"),

		/**
		 * Answers 201 after a second: a submission long enough in flight to meet its
		 * duplicate.
		 */
		PAUSE("pause"),

		/** Answers 503: the payment provider is down. */
		UNAVAILABLE("unavailable"),

		/** A small HTML page. */
		HTML("html");

		private final String segment;

		Scenario(String segment) {
			this.segment = segment;
		}

		/** The path segment that asks for this scenario. */
		public String segment() {
			return this.segment;
		}

		/** {@code /segment}, to append to a document path. */
		@Override
		public String toString() {
			return "/" + this.segment;
		}

		static @Nullable Scenario of(String segment) {
			for (Scenario scenario : values()) {
				if (scenario.segment.equals(segment)) {
					return scenario;
				}
			}
			return null;
		}

	}

	private static final ConcurrentLinkedQueue<Received> RECEIVED = new ConcurrentLinkedQueue<>();

	private static DisposableServer server;

	private TestUpstream() {
	}

	public static synchronized String url() {
		if (server == null) {
			server = HttpServer.create().host("127.0.0.1").port(0).handle(TestUpstream::handle).bindNow();
			Runtime.getRuntime().addShutdownHook(new Thread(server::disposeNow));
		}
		return "http://127.0.0.1:" + server.port();
	}

	/** The requests that reached the upstream under {@code documentPrefix}. */
	public static List<Received> received(String documentPrefix) {
		return RECEIVED.stream().filter((received) -> received.uri().startsWith(documentPrefix)).toList();
	}

	private static org.reactivestreams.Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String uri = request.uri();
		String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
		String last = path.substring(path.lastIndexOf('/') + 1);
		Map<String, String> headers = new java.util.HashMap<>();
		request.requestHeaders()
			.forEach((header) -> headers.merge(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue(),
					(a, b) -> a + "," + b));
		AtomicLong bytes = new AtomicLong();
		Mono<Void> bodyRead = request.receive().doOnNext((buffer) -> bytes.addAndGet(buffer.readableBytes())).then();
		return bodyRead.then(Mono.defer(() -> {
			RECEIVED.add(new Received(request.method().name(), uri, headers, bytes.get()));
			Scenario scenario = Scenario.of(last);
			if (scenario == null) {
				return response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
					.sendString(Mono.just(request.method().name() + " " + uri + " " + bytes.get()))
					.then();
			}
			return switch (scenario) {
				case BIG_PDF -> big(request, response);
				case SLOW -> Mono.delay(Duration.ofSeconds(6)).then(response.sendString(Mono.just("late")).then());
				case PAUSE -> Mono.delay(Duration.ofSeconds(1))
					.then(response.status(201)
						.header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
						.header(HttpHeaderNames.SET_COOKIE, "upstream=1; Path=/")
						.sendString(Mono.just("paid " + request.requestHeaders().get("Idempotency-Key")))
						.then());
				case UNAVAILABLE -> response.status(503).sendString(Mono.just("provider down")).then();
				case HTML -> response.header(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
					.sendString(Mono.just("<!doctype html><title>Invoice</title><p>Invoice</p>"))
					.then();
				case RESET -> response.withConnection((connection) -> connection.channel().close()).then();
				case STALL -> response.header(HttpHeaderNames.CONTENT_LENGTH, "100")
					.sendString(Flux.concat(Mono.just("x".repeat(10)),
							Mono.delay(Duration.ofSeconds(6)).thenReturn("y".repeat(90))))
					.then();
				case HALFWAY -> response.header(HttpHeaderNames.CONTENT_TYPE, "application/pdf")
					.header(HttpHeaderNames.CONTENT_LENGTH, "1000")
					.header("X-Upstream", "halfway")
					.sendHeaders()
					.then()
					.then(Mono.delay(Duration.ofMillis(100)))
					.then(response.withConnection((connection) -> connection.channel().close()).then());
				case REDIRECT_INSIDE -> redirect(response, "http://" + request.requestHeaders().get("Host")
						+ path.substring(0, path.lastIndexOf('/')) + "/other?x=1");
				case REDIRECT_RELATIVE -> redirect(response, "next/page");
				case REDIRECT_OUTSIDE -> redirect(response, "/elsewhere/secret");
				case REDIRECT_TO_PAYMENT -> redirect(response, "https://pay.example.com/checkout?id=7");
				case REDIRECT_TO_EVIL -> redirect(response, "https://evil.example/phish");
				case REFRESH_INSIDE -> response
					.header("Refresh",
							"0; url=http://" + request.requestHeaders().get("Host")
									+ path.substring(0, path.lastIndexOf('/')) + "/next")
					.sendString(Mono.just("soon"))
					.then();
				case REFRESH_TO_EVIL -> response.header("Refresh", "3;URL='https://evil.example/phish'")
					.sendString(Mono.just("soon"))
					.then();
				case REFRESH_SELF -> response.header("Refresh", "30").sendString(Mono.just("again")).then();
				case SHARED_CACHING -> response.header("Cache-Control", "public, max-age=86400, s-maxage=86400")
					.header("Clear-Site-Data", "\"cookies\", \"storage\"")
					.header(HttpHeaderNames.SET_COOKIE, "wide=1; Path=/; Domain=localhost")
					.header(HttpHeaderNames.SET_COOKIE, "__Host-SLC=forged; Path=/; Secure")
					.sendString(Mono.just("cached?"))
					.then();
				case WEAK_HEADERS -> response.header("Referrer-Policy", "unsafe-url")
					.header("X-Content-Type-Options", "none")
					.header("Content-Security-Policy", "default-src 'self'; frame-ancestors *")
					.header(HttpHeaderNames.SET_COOKIE, "__Host-sls-AAAAAAAAAAAAAAAA=stolen; Path=/; Secure")
					.header(HttpHeaderNames.SET_COOKIE, "upstream=fine; Path=/")
					.header("X-SecureLink-Link", "forged")
					.header("Keep-Alive", "timeout=5")
					.sendString(Mono.just("weak"))
					.then();
			};
		}));
	}

	/** {@code ?size=N} bytes, streamed in 64 KB chunks, never held whole. */
	private static Mono<Void> big(HttpServerRequest request, HttpServerResponse response) {
		long size = Long.parseLong(request.uri().replaceAll(".*size=(\\d+).*", "$1"));
		int chunk = 64 * 1024;
		byte[] block = new byte[chunk];
		java.util.Arrays.fill(block, (byte) 'x');
		long chunks = (size + chunk - 1) / chunk;
		Flux<ByteBuf> body = Flux.generate(() -> 0L, (index, sink) -> {
			if (index >= chunks) {
				sink.complete();
				return index;
			}
			int length = (int) Math.min(chunk, size - index * chunk);
			sink.next(Unpooled.wrappedBuffer(block, 0, length));
			return index + 1;
		});
		return response.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(size))
			.header(HttpHeaderNames.CONTENT_TYPE, "application/pdf")
			.send(body)
			.then();
	}

	private static Mono<Void> redirect(HttpServerResponse response, String location) {
		return response.status(HttpResponseStatus.FOUND).header(HttpHeaderNames.LOCATION, location).send().then();
	}

}
