package dev.securelink.gateway.webhook;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLException;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import dev.securelink.gateway.BackgroundTask;
import dev.securelink.gateway.keys.Hmac;
import dev.securelink.gateway.tracing.Tracing;

/**
 * Sends the due deliveries, on every instance: each round claims a batch
 * ({@link WebhookDeliveries#claim}, no row claimed twice), makes the attempts (at most
 * {@code concurrency} at once, each within {@code timeout}, redirects never followed,
 * signed as Standard Webhooks prescribes) and moves each delivery on: succeeded on a 2xx;
 * otherwise due again after the next step of the retry schedule (with jitter, and no
 * sooner than a {@code Retry-After}), failed for good after the last step; a 410 disables
 * the endpoint, as does failing for {@code disable-after}.
 */
@Component
class WebhookDispatcher extends BackgroundTask<Long> {

	/** How much of an answer's body an attempt keeps. */
	static final int RESPONSE_EXCERPT_BYTES = 1024;

	/** The longest a {@code Retry-After} may put an attempt off. */
	private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

	/**
	 * Beyond the attempt's timeout, before another worker may take a claimed delivery.
	 */
	private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

	private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

	private final WebhookDeliveries deliveries;

	private final WebhookSecrets secrets;

	private final WebhookProperties properties;

	private final Clock clock;

	private final HttpClient client;

	private final Tracing tracing;

	private final ConnectionProvider connections;

	private final PublicAddressResolverGroup resolver;

	private final MeterRegistry meters;

	private final Timer latency;

	private final AtomicLong backlog = new AtomicLong();

	/** When the oldest due delivery became due (epoch ms), or 0. */
	private final AtomicLong oldestDue = new AtomicLong();

	private volatile Instant lastPurge = Instant.EPOCH;

	WebhookDispatcher(WebhookDeliveries deliveries, WebhookSecrets secrets, WebhookProperties properties, Clock clock,
			MeterRegistry meters, Tracing tracing) {
		super("Webhook delivery", properties.pollInterval(), properties.pollInterval());
		this.deliveries = deliveries;
		this.tracing = tracing;
		this.secrets = secrets;
		this.properties = properties;
		this.clock = clock;
		this.meters = meters;
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
		this.latency = Timer.builder("securelink.webhooks.attempt.duration")
			.description("Time webhook delivery attempts took, until the answer's head or the failure")
			.register(meters);
		for (String outcome : new String[] { "succeeded", "http-status", "gone", "redirect", "timeout", "connection",
				"tls", "blocked-destination" }) {
			attempts(outcome);
		}
		meters.counter("securelink.webhooks.dead");
		Gauge.builder("securelink.webhooks.backlog", this.backlog, AtomicLong::get)
			.description("Webhook deliveries due and not yet attempted, after the last round")
			.register(meters);
		Gauge.builder("securelink.webhooks.backlog.age", this, WebhookDispatcher::oldestDueSeconds)
			.description("How long the oldest due webhook delivery has waited, after the last round")
			.baseUnit("seconds")
			.register(meters);
	}

	@Override
	protected Mono<Long> round() {
		Instant now = this.clock.instant();
		Mono<Long> purge = Mono.empty();
		if (Duration.between(this.lastPurge, now).compareTo(PURGE_INTERVAL) >= 0) {
			this.lastPurge = now;
			purge = purgeExpired(now);
		}
		return purge.then(dispatchDue())
			.flatMap((count) -> this.deliveries.backlog(this.clock.instant()).doOnNext((current) -> {
				this.backlog.set(current.due());
				this.oldestDue.set((current.oldest() != null) ? current.oldest().toEpochMilli() : 0);
			}).thenReturn(count));
	}

	@Override
	public void stop() {
		super.stop();
		this.connections.dispose();
		this.resolver.close();
	}

	/** Deletes the deliveries older than the retention; answers how many. */
	Mono<Long> purgeExpired(Instant now) {
		return this.deliveries.purge(now.minus(this.properties.retention()));
	}

	/** Claims and attempts one batch of due deliveries; answers how many. */
	Mono<Long> dispatchDue() {
		Instant now = this.clock.instant();
		String lease = WebhookPayloads.newMessageId().substring(4);
		return this.deliveries
			.claim(now, now.plus(this.properties.timeout()).plus(LEASE_MARGIN), lease, this.properties.batchSize())
			.flatMap(this::attempt, this.properties.concurrency())
			.count();
	}

	private Mono<Void> attempt(WebhookDeliveries.Claimed claimed) {
		Instant started = this.clock.instant();
		long start = System.nanoTime();
		return send(claimed, started).onErrorResume((ex) -> Mono.just(Answer.failed(errorClass(ex))))
			.flatMap((answer) -> {
				long nanos = System.nanoTime() - start;
				this.latency.record(nanos, TimeUnit.NANOSECONDS);
				String outcome = answer.outcome();
				attempts(outcome).increment();
				WebhookDeliveries.Attempt attempt = new WebhookDeliveries.Attempt(started,
						(int) TimeUnit.NANOSECONDS.toMillis(nanos), answer.status(),
						outcome.equals("succeeded") ? null : outcome, answer.excerpt());
				return settle(claimed, attempt, answer);
			});
	}

	/** Moves the delivery (and its endpoint) on after {@code attempt}. */
	private Mono<Void> settle(WebhookDeliveries.Claimed claimed, WebhookDeliveries.Attempt attempt, Answer answer) {
		Instant now = this.clock.instant();
		if (attempt.error() == null) {
			return this.deliveries.finish(claimed, attempt, "succeeded", null, now)
				.then(this.deliveries.endpointSucceeded(claimed.endpointId()));
		}
		if ("gone".equals(attempt.error())) {
			return this.deliveries.finish(claimed, attempt, "failed", null, now)
				.then(this.deliveries.disable(claimed.endpointId(), "gone", now))
				.then();
		}
		Instant next = nextAttempt(claimed.attempt(), answer.retryAfter(), now);
		if (next == null) {
			this.meters.counter("securelink.webhooks.dead").increment();
		}
		return this.deliveries.finish(claimed, attempt, (next != null) ? "pending" : "failed", next, now)
			.then(this.deliveries.endpointFailed(claimed.endpointId(), now))
			.flatMap((failingSince) -> failingSince.plus(this.properties.disableAfter()).isAfter(now) ? Mono.empty()
					: this.deliveries.disable(claimed.endpointId(), "failing", now).then());
	}

	/**
	 * When the attempt after attempt number {@code attempt} is due: the schedule's next
	 * wait, spread by ±10 %, and no sooner than {@code retryAfter}; null after the last.
	 */
	@Nullable Instant nextAttempt(int attempt, @Nullable Duration retryAfter, Instant now) {
		if (attempt >= this.properties.retrySchedule().size()) {
			return null;
		}
		long wait = this.properties.retrySchedule().get(attempt).toMillis();
		long jittered = Math.round(wait * ThreadLocalRandom.current().nextDouble(0.9, 1.1));
		Instant next = now.plusMillis(jittered);
		if (retryAfter != null) {
			Instant asked = now.plus((retryAfter.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : retryAfter);
			next = asked.isAfter(next) ? asked : next;
		}
		return next;
	}

	/** One attempt of {@code claimed}: its answer, or an error. */
	Mono<Answer> send(WebhookDeliveries.Claimed claimed, Instant started) {
		URI uri = URI.create(claimed.url());
		if (!this.properties.allowPrivateDestinations() && WebhookDestinations.isPrivateHost(uri.getHost())) {
			// An address written as such never reaches the resolver: checked here.
			return Mono.just(Answer.failed("blocked-destination"));
		}
		long timestamp = started.getEpochSecond();
		String signature = signature(claimed, timestamp, started);
		byte[] body = claimed.body().getBytes(StandardCharsets.UTF_8);
		// The attempt's span, when tracing is on: its traceparent goes along.
		return this.tracing.outgoing("webhook POST", (span, propagation) -> this.client.headers((headers) -> {
			headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
				.set(HttpHeaderNames.USER_AGENT, "securelink-gateway-webhooks")
				.set("webhook-id", claimed.messageId())
				.set("webhook-timestamp", Long.toString(timestamp))
				.set("webhook-signature", signature);
			propagation.forEach(headers::set);
		}).post().uri(uri).send(ByteBufFlux.fromInbound(Mono.just(body))).responseConnection((response, connection) -> {
			Tracing.status(span, response.status().code());
			return excerpt(connection.inbound().receive()).map((excerpt) -> Answer.of(response.status().code(),
					retryAfter(response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER), started), excerpt));
		}).next().timeout(this.properties.timeout()));
	}

	/**
	 * {@code v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">} under the endpoint's
	 * secret, and under the replaced one too while its grace period lasts.
	 */
	private String signature(WebhookDeliveries.Claimed claimed, long timestamp, Instant now) {
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

	/** How a failed attempt is classified in the delivery log and the metrics. */
	static String errorClass(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof PublicAddressResolverGroup.BlockedDestinationException) {
				return "blocked-destination";
			}
			if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException
					|| cause instanceof io.netty.channel.ConnectTimeoutException) {
				return "timeout";
			}
			if (cause instanceof SSLException) {
				return "tls";
			}
			if (cause instanceof ConnectException) {
				return "connection";
			}
		}
		return "connection";
	}

	private io.micrometer.core.instrument.Counter attempts(String outcome) {
		return this.meters.counter("securelink.webhooks.attempts", "outcome", outcome);
	}

	private double oldestDueSeconds() {
		long oldest = this.oldestDue.get();
		return (oldest == 0) ? 0 : Math.max(0, this.clock.millis() - oldest) / 1000.0;
	}

	/**
	 * What an attempt came to.
	 *
	 * @param outcome {@code succeeded} or the error class
	 */
	record Answer(@Nullable Integer status, String outcome, @Nullable Duration retryAfter, @Nullable String excerpt) {

		static Answer of(int status, @Nullable Duration retryAfter, String excerpt) {
			String outcome;
			if (status >= 200 && status < 300) {
				outcome = "succeeded";
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
			return new Answer(status, outcome, retryAfter, excerpt);
		}

		static Answer failed(String outcome) {
			return new Answer(null, outcome, null, null);
		}

	}

}
