package dev.securelink.gateway.webhook;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLException;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;
import dev.securelink.gateway.tracing.Tracing;

/**
 * Sends the due deliveries, on every instance: each round claims a batch
 * ({@link WebhookQueue#claim}, no row claimed twice), makes the attempts (at most
 * {@code concurrency} at once, through {@link WebhookSender}) and moves each delivery on:
 * succeeded on a 2xx; otherwise due again after the next step of the retry schedule (with
 * jitter, and no sooner than a {@code Retry-After}), failed for good after the last step;
 * a 410 disables the endpoint, as does failing for {@code disable-after}.
 */
@Component
class WebhookDispatcher extends BackgroundTask<Long> {

	/** The longest a {@code Retry-After} may put an attempt off. */
	private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

	/**
	 * Beyond the attempt's timeout, before another worker may take a claimed delivery.
	 */
	private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

	private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

	private final WebhookQueue queue;

	private final WebhookProperties properties;

	private final Clock clock;

	private final WebhookSender sender;

	private final MeterRegistry meters;

	private final Timer latency;

	private final AtomicLong backlog = new AtomicLong();

	/** When the oldest due delivery became due (epoch ms), or 0. */
	private final AtomicLong oldestDue = new AtomicLong();

	private volatile Instant lastPurge = Instant.EPOCH;

	WebhookDispatcher(WebhookQueue queue, WebhookSecrets secrets, WebhookProperties properties, Clock clock,
			MeterRegistry meters, Tracing tracing) {
		super("Webhook delivery", properties.pollInterval(), properties.pollInterval());
		this.queue = queue;
		this.properties = properties;
		this.clock = clock;
		this.meters = meters;
		this.sender = new WebhookSender(secrets, properties, tracing);
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
			.flatMap((count) -> this.queue.backlog(this.clock.instant()).doOnNext((current) -> {
				this.backlog.set(current.due());
				this.oldestDue.set((current.oldest() != null) ? current.oldest().toEpochMilli() : 0);
			}).thenReturn(count));
	}

	@Override
	public void stop() {
		super.stop();
		this.sender.close();
	}

	/** Deletes the deliveries older than the retention; answers how many. */
	Mono<Long> purgeExpired(Instant now) {
		return this.queue.purge(now.minus(this.properties.retention()));
	}

	/** Claims and attempts one batch of due deliveries; answers how many. */
	Mono<Long> dispatchDue() {
		Instant now = this.clock.instant();
		String lease = WebhookPayloads.newMessageId().substring(4);
		return this.queue
			.claim(now, now.plus(this.properties.timeout()).plus(LEASE_MARGIN), lease, this.properties.batchSize())
			.flatMap(this::attempt, this.properties.concurrency())
			.count();
	}

	private Mono<Void> attempt(WebhookQueue.Claimed claimed) {
		Instant started = this.clock.instant();
		long start = System.nanoTime();
		return send(claimed, started).onErrorResume((ex) -> Mono.just(WebhookSender.Answer.failed(errorClass(ex))))
			.flatMap((answer) -> {
				long nanos = System.nanoTime() - start;
				this.latency.record(nanos, TimeUnit.NANOSECONDS);
				String outcome = answer.outcome();
				attempts(outcome).increment();
				WebhookQueue.Attempt attempt = new WebhookQueue.Attempt(started,
						(int) TimeUnit.NANOSECONDS.toMillis(nanos), answer.status(),
						outcome.equals("succeeded") ? null : outcome, answer.excerpt());
				return settle(claimed, attempt, answer);
			});
	}

	/** Moves the delivery (and its endpoint) on after {@code attempt}. */
	private Mono<Void> settle(WebhookQueue.Claimed claimed, WebhookQueue.Attempt attempt, WebhookSender.Answer answer) {
		Instant now = this.clock.instant();
		if (attempt.error() == null) {
			return this.queue.finish(claimed, attempt, "succeeded", null, now)
				.then(this.queue.endpointSucceeded(claimed.endpointId()));
		}
		if ("gone".equals(attempt.error())) {
			return this.queue.finish(claimed, attempt, "failed", null, now)
				.then(this.queue.disable(claimed.endpointId(), "gone", now))
				.then();
		}
		Instant next = nextAttempt(claimed.attempt(), answer.retryAfter(), now);
		if (next == null) {
			this.meters.counter("securelink.webhooks.dead").increment();
		}
		return this.queue.finish(claimed, attempt, (next != null) ? "pending" : "failed", next, now)
			.then(this.queue.endpointFailed(claimed.endpointId(), now))
			.flatMap((failingSince) -> failingSince.plus(this.properties.disableAfter()).isAfter(now) ? Mono.empty()
					: this.queue.disable(claimed.endpointId(), "failing", now).then());
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
	Mono<WebhookSender.Answer> send(WebhookQueue.Claimed claimed, Instant started) {
		return this.sender.send(claimed, started);
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

}
