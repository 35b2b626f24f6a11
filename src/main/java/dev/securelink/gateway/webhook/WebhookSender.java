package dev.securelink.gateway.webhook;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.securelink.gateway.OutboxWorker;
import dev.securelink.gateway.keys.Hmac;
import dev.securelink.gateway.tracing.Tracing;

/**
 * The HTTP side of {@link WebhookDispatcher}: makes one attempt of a claimed delivery (at
 * most {@code concurrency} connections, each attempt within {@code timeout}, redirects
 * never followed, private destinations refused unless allowed, signed as Standard
 * Webhooks prescribes) and tells what came of it.
 */
final class WebhookSender {

	/** How much of an answer's body an attempt keeps. */
	static final int RESPONSE_EXCERPT_BYTES = 1024;

	private final WebhookSecrets secrets;

	private final WebhookProperties properties;

	private final Tracing tracing;

	private final PublicAddressResolverGroup resolver;

	private final ConnectionProvider connections;

	private final HttpClient client;

	WebhookSender(WebhookSecrets secrets, WebhookProperties properties, Tracing tracing) {
		this.resolver = new PublicAddressResolverGroup(!properties.allowPrivateDestinations());
		this.connections = ConnectionProvider.builder("webhooks")
			.maxConnections(properties.concurrency())
			.pendingAcquireTimeout(properties.timeout())
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		this.client = HttpClient.create(this.connections)
			// NIO loops: the asynchronous DNS resolver above opens NIO datagram channels.
			.runOn(HttpResources.get(), false)
			.resolver(this.resolver)
			.followRedirect(false)
			.compress(false)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeout().toMillis())
			.responseTimeout(properties.timeout());
		this.secrets = secrets;
		this.properties = properties;
		this.tracing = tracing;
	}

	/** Lets go of the connections and the resolver: the dispatcher stopped. */
	void close() {
		this.connections.dispose();
		this.resolver.close();
	}

	/** One attempt of {@code claimed}: its answer, or an error. */
	Mono<OutboxWorker.Answer> send(WebhookQueue.Claimed claimed, Instant started) {
		URI uri = URI.create(claimed.url());
		if (!this.properties.allowPrivateDestinations() && WebhookDestinations.isPrivateHost(uri.getHost())) {
			// An address written as such never reaches the resolver: checked here.
			return Mono.just(OutboxWorker.Answer.failed("blocked-destination"));
		}
		long timestamp = started.getEpochSecond();
		String signature = signature(claimed, timestamp, started);
		byte[] body = claimed.body().getBytes(StandardCharsets.UTF_8);
		// The attempt's span, when tracing is on: its traceparent goes along.
		return this.tracing.outgoing("webhook POST", (span, propagation) -> this.client.headers((headers) -> {
			// The length, as the webhook platforms send it: a minimal receiver reads the
			// declared length and knows no chunked encoding.
			headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
				.set(HttpHeaderNames.CONTENT_LENGTH, body.length)
				.set(HttpHeaderNames.USER_AGENT, "securelink-gateway-webhooks")
				.set("webhook-id", claimed.messageId())
				.set("webhook-timestamp", Long.toString(timestamp))
				.set("webhook-signature", signature);
			propagation.forEach(headers::set);
		}).post().uri(uri).send(ByteBufFlux.fromInbound(Mono.just(body))).responseConnection((response, connection) -> {
			Tracing.status(span, response.status().code());
			return excerpt(connection.inbound().receive()).map((excerpt) -> answer(response.status().code(),
					retryAfter(response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER), started), excerpt));
		}).next().timeout(this.properties.timeout()));
	}

	/**
	 * {@code v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">} under the endpoint's
	 * secret, and under the replaced one too while its grace period lasts.
	 */
	private String signature(WebhookQueue.Claimed claimed, long timestamp, Instant now) {
		String signed = claimed.messageId() + "." + timestamp + "." + claimed.body();
		String current = sign(this.secrets.decrypt(claimed.endpointId(), claimed.secret()), signed);
		byte[] previous = claimed.previousSecret();
		Instant until = claimed.previousSecretUntil();
		if (previous == null || until == null || !now.isBefore(until)) {
			return current;
		}
		return current + " " + sign(this.secrets.decrypt(claimed.endpointId(), previous), signed);
	}

	static String sign(byte[] secret, String signed) {
		return "v1," + Base64.getEncoder().encodeToString(Hmac.sha256(Hmac.key(secret), signed));
	}

	/** The first kilobyte of the answer's body, as text; the rest is not read. */
	private static Mono<String> excerpt(ByteBufFlux body) {
		ByteArrayOutputStream kept = new ByteArrayOutputStream();
		return body.asByteArray().takeUntil((chunk) -> {
			kept.write(chunk, 0, Math.min(chunk.length, RESPONSE_EXCERPT_BYTES - kept.size()));
			return kept.size() >= RESPONSE_EXCERPT_BYTES;
		}).then(Mono.fromSupplier(() -> kept.toString(StandardCharsets.UTF_8)));
	}

	/** {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
	static @Nullable Duration retryAfter(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		if (trimmed.matches("[0-9]{1,9}")) {
			return Duration.ofSeconds(Long.parseLong(trimmed));
		}
		try {
			Duration until = Duration.between(now,
					ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
			return until.isNegative() ? Duration.ZERO : until;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	/**
	 * The answer of status {@code status}: {@code succeeded} for a 2xx, {@code gone} for
	 * a 410 (the endpoint is disabled), {@code redirect} (never followed),
	 * {@code http-status} for any other.
	 */
	static OutboxWorker.Answer answer(int status, @Nullable Duration retryAfter, String excerpt) {
		String outcome;
		if (status >= 200 && status < 300) {
			outcome = OutboxWorker.SUCCEEDED;
		}
		else if (status == 410) {
			outcome = "gone";
		}
		else if (status >= 300 && status < 400) {
			outcome = "redirect";
		}
		else {
			outcome = "http-status";
		}
		return new OutboxWorker.Answer(status, outcome, retryAfter, excerpt);
	}

}
