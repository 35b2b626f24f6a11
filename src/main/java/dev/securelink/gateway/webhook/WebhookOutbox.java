package dev.securelink.gateway.webhook;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AuditCheckpoints;
import dev.securelink.gateway.audit.AuditSubscriber;

/**
 * Writes the deliveries of audit events into the outbox in the transaction that seals
 * them (and of checkpoints in the one that stores them): an event whose transaction rolls
 * back is never sealed, so never delivered, and one that committed is sealed, and its
 * deliveries written, by whichever instance seals it, after any restart. The payload can
 * carry the event's chain hash because it is written once the hash exists.
 */
@Component
class WebhookOutbox implements AuditSubscriber {

	private final WebhookDeliveries deliveries;

	private final WebhookPayloads payloads;

	private final Clock clock;

	WebhookOutbox(WebhookDeliveries deliveries, WebhookPayloads payloads, Clock clock) {
		this.deliveries = deliveries;
		this.payloads = payloads;
		this.clock = clock;
	}

	/**
	 * Payloads are made only for the tenants with an enabled endpoint (one indexed query
	 * per batch), so that sealing a busy tenant's opens costs nothing more without
	 * webhooks.
	 */
	@Override
	public Mono<Void> sealed(List<SealedEvent> events) {
		String[] tenants = events.stream().map((event) -> event.event().tenantId()).distinct().toArray(String[]::new);
		return this.deliveries.subscribed(tenants).collectList().flatMap((subscribed) -> {
			if (subscribed.isEmpty()) {
				return Mono.empty();
			}
			List<WebhookDeliveries.Message> messages = new ArrayList<>();
			for (SealedEvent event : events) {
				String type = WebhookEventTypes.forAudit(event.event().type());
				if (type != null && subscribed.contains(event.event().tenantId())) {
					messages.add(new WebhookDeliveries.Message(event.event().tenantId(), type,
							WebhookPayloads.newMessageId(), event.id(), this.payloads.event(type, event)));
				}
			}
			return this.deliveries.enqueue(messages, this.clock.instant()).then();
		});
	}

	@Override
	public Mono<Void> checkpointed(AuditCheckpoints.Checkpoint checkpoint) {
		return this.deliveries
			.enqueue(
					List.of(new WebhookDeliveries.Message(checkpoint.tenantId(), "audit.checkpoint",
							WebhookPayloads.newMessageId(), null, this.payloads.checkpoint(checkpoint))),
					this.clock.instant())
			.then();
	}

}
