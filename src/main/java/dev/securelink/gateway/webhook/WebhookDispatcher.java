package dev.securelink.gateway.webhook;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.timeout.ReadTimeoutException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.OutboxWorker;
import dev.securelink.gateway.tracing.Tracing;

/**
 * Sends the due deliveries, on every instance, as an {@link OutboxWorker}: a batch
 * claimed per round ({@link WebhookQueue#claim}, no row claimed twice), the attempts made
 * through {@link WebhookSender}, and each delivery moved on: succeeded on a 2xx;
 * otherwise due again after the next step of the retry schedule (no sooner than a
 * {@code Retry-After}), failed for good after the last step; a 410 disables the endpoint,
 * as does failing for {@code disable-after}.
 */
@Component
class WebhookDispatcher extends OutboxWorker<WebhookQueue.Claimed> {

	private final WebhookQueue queue;

	private final WebhookProperties properties;

	private final WebhookSender sender;

	WebhookDispatcher(WebhookQueue queue, WebhookSecrets secrets, WebhookProperties properties, Clock clock,
			MeterRegistry meters, Tracing tracing) {
		super("Webhook delivery", "securelink.webhooks", "webhook deliveries", properties.worker(), List.of(SUCCEEDED,
				"http-status", "gone", "redirect", "timeout", "connection", "tls", "blocked-destination"), clock,
				meters);
		this.queue = queue;
		this.properties = properties;
		this.sender = new WebhookSender(secrets, properties, tracing);
	}

	@Override
	public void stop() {
		super.stop();
		this.sender.close();
	}

	@Override
	protected Flux<WebhookQueue.Claimed> claim(Instant now, Instant leaseUntil, String lease, int batch) {
		return this.queue.claim(now, leaseUntil, lease, batch);
	}

	@Override
	protected Mono<OutboxWorker.Backlog> backlog(Instant now) {
		return this.queue.backlog(now);
	}

	@Override
	protected Mono<Long> purge(Instant before) {
		return this.queue.purge(before);
	}

	/** Moves the delivery (and its endpoint) on after {@code attempt}. */
	@Override
	protected Mono<Void> settle(WebhookQueue.Claimed claimed, Attempt attempt, Answer answer) {
		Instant now = clock().instant();
		if (attempt.error() == null) {
			return this.queue.finish(claimed, attempt, SUCCEEDED, null, now)
				.then(this.queue.endpointSucceeded(claimed.endpointId()));
		}
		if ("gone".equals(attempt.error())) {
			return this.queue.finish(claimed, attempt, "failed", null, now)
				.then(this.queue.disable(claimed.endpointId(), "gone", now))
				.then();
		}
		Instant next = nextAttempt(claimed.attempt(), answer.retryAfter(), now);
		if (next == null) {
			dead();
		}
		return this.queue.finish(claimed, attempt, (next != null) ? "pending" : "failed", next, now)
			.then(this.queue.endpointFailed(claimed.endpointId(), now))
			.flatMap((failingSince) -> failingSince.plus(this.properties.disableAfter()).isAfter(now) ? Mono.empty()
					: this.queue.disable(claimed.endpointId(), "failing", now).then());
	}

	/** One attempt of {@code claimed}: its answer, or an error. */
	@Override
	protected Mono<Answer> send(WebhookQueue.Claimed claimed, Instant started) {
		return this.sender.send(claimed, started);
	}

	@Override
	protected String errorClass(Throwable failure) {
		return errorClassOf(failure);
	}

	/** How a failed attempt is classified in the delivery log and the metrics. */
	static String errorClassOf(Throwable failure) {
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

}
