package dev.securelink.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.paths.GatewayPaths;

/**
 * {@code /admin/v1/tenants/{tenantId}/webhooks/{endpointId}/…}: what was delivered, and
 * sending it again. A test event, the delivery log with each attempt, a retry of one
 * delivery and the recovery of a window's failed ones. Never a secret.
 */
@RestController
@RequestMapping(GatewayPaths.ADMIN_TENANT + "/webhooks/{endpointId}")
class WebhookDeliveryController {

	private static final Set<String> STATUSES = Set.of("pending", "succeeded", "failed");

	private static final int PAGE_SIZE = 50;

	private final WebhookEndpoints endpoints;

	private final WebhookDeliveries deliveries;

	private final WebhookPayloads payloads;

	private final Clock clock;

	WebhookDeliveryController(WebhookEndpoints endpoints, WebhookDeliveries deliveries, WebhookPayloads payloads,
			Clock clock) {
		this.endpoints = endpoints;
		this.deliveries = deliveries;
		this.payloads = payloads;
		this.clock = clock;
	}

	/** 202: a {@code webhook.test} event queued for this endpoint alone. */
	@PostMapping("/test")
	Mono<ResponseEntity<DeliveryView>> test(@PathVariable String tenantId, @PathVariable String endpointId) {
		return enabledEndpoint(tenantId, endpointId).flatMap((endpoint) -> {
			Instant now = this.clock.instant();
			WebhookDeliveries.Message message = new WebhookDeliveries.Message(endpoint.tenantId(), "webhook.test",
					WebhookPayloads.newMessageId(), null, this.payloads.test(endpoint.tenantId(), endpoint.id(), now));
			return this.deliveries.enqueueFor(endpoint.id(), message, now);
		}).map((delivery) -> ResponseEntity.accepted().body(DeliveryView.of(delivery, null)));
	}

	/**
	 * The endpoint's deliveries, newest first, 50 a page; {@code status} one of
	 * {@code pending}, {@code succeeded}, {@code failed}.
	 */
	@GetMapping("/deliveries")
	Mono<DeliveryPage> list(@PathVariable String tenantId, @PathVariable String endpointId,
			@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String cursor) {
		return endpoint(tenantId, endpointId).flatMap((endpoint) -> {
			if (status != null && !STATUSES.contains(status)) {
				throw new BadInputException("status", "must be one of pending, succeeded, failed");
			}
			Cursor after = (cursor != null) ? Cursor.parse(cursor) : null;
			return this.deliveries
				.page(endpoint.tenantId(), endpoint.id(), status, (after != null) ? after.createdAt() : null,
						(after != null) ? after.id() : null, PAGE_SIZE + 1)
				.collectList()
				.map((rows) -> {
					List<WebhookDeliveries.Delivery> page = rows.subList(0, Math.min(rows.size(), PAGE_SIZE));
					String next = (rows.size() > PAGE_SIZE) ? Cursor.of(page.get(page.size() - 1)) : null;
					return new DeliveryPage(page.stream().map((delivery) -> DeliveryView.of(delivery, null)).toList(),
							next);
				});
		});
	}

	/** One delivery with its payload and every attempt. */
	@GetMapping("/deliveries/{deliveryId}")
	Mono<DeliveryView> get(@PathVariable String tenantId, @PathVariable String endpointId,
			@PathVariable String deliveryId) {
		return endpoint(tenantId, endpointId)
			.flatMap((endpoint) -> this.deliveries.find(endpoint.tenantId(), endpoint.id(), deliveryId))
			.switchIfEmpty(Mono.error(() -> notFound("No such delivery for this endpoint.")))
			.flatMap((delivery) -> this.deliveries.attempts(delivery.id())
				.map(AttemptView::of)
				.collectList()
				.map((attempts) -> DeliveryView.of(delivery, attempts)));
	}

	/**
	 * 202: the delivery is due again at once (same {@code webhook-id}, a new timestamp
	 * and signature), for one more attempt; 409 while an attempt is under way.
	 */
	@PostMapping("/deliveries/{deliveryId}/retry")
	Mono<ResponseEntity<DeliveryView>> retry(@PathVariable String tenantId, @PathVariable String endpointId,
			@PathVariable String deliveryId) {
		return enabledEndpoint(tenantId, endpointId)
			.flatMap((endpoint) -> this.deliveries.find(endpoint.tenantId(), endpoint.id(), deliveryId)
				.switchIfEmpty(Mono.error(() -> notFound("No such delivery for this endpoint.")))
				.flatMap((found) -> this.deliveries
					.retry(endpoint.tenantId(), endpoint.id(), deliveryId, this.clock.instant())
					.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.CONFLICT,
							"An attempt of this delivery is under way; try again when it has ended.")))))
			.map((delivery) -> ResponseEntity.accepted().body(DeliveryView.of(delivery, null)));
	}

	/**
	 * 202 with how many of the endpoint's failed deliveries created in
	 * {@code [since, until)} (until defaults to now) are due again.
	 */
	@PostMapping("/recover")
	Mono<ResponseEntity<RecoverResult>> recover(@PathVariable String tenantId, @PathVariable String endpointId,
			@Valid @RequestBody RecoverRequest request) {
		return enabledEndpoint(tenantId, endpointId).flatMap((endpoint) -> {
			Instant now = this.clock.instant();
			Instant until = (request.until() != null) ? request.until() : now;
			if (!request.since().isBefore(until)) {
				throw new BadInputException("since", "must be before until");
			}
			return this.deliveries.recover(endpoint.tenantId(), endpoint.id(), request.since(), until, now);
		}).map((count) -> ResponseEntity.accepted().body(new RecoverResult(count)));
	}

	private Mono<WebhookEndpoint> endpoint(String tenantId, String endpointId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.endpoints.find(tenant, endpointId))
			.switchIfEmpty(Mono.error(() -> notFound("No such webhook endpoint for this tenant.")));
	}

	/** The endpoint, or 409 when it is disabled: nothing is sent to it then. */
	private Mono<WebhookEndpoint> enabledEndpoint(String tenantId, String endpointId) {
		return endpoint(tenantId, endpointId).map((endpoint) -> {
			if (!endpoint.enabled()) {
				throw new ResponseStatusException(HttpStatus.CONFLICT,
						"The endpoint is disabled; enable it first (PATCH enabled: true).");
			}
			return endpoint;
		});
	}

	private static ResponseStatusException notFound(String message) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, message);
	}

	/** Where a page of deliveries continues: after this creation time and id. */
	private record Cursor(Instant createdAt, String id) {

		static String of(WebhookDeliveries.Delivery last) {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
		}

		static Cursor parse(String cursor) {
			try {
				String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
				int bar = text.indexOf('|');
				if (bar > 0 && cursor.length() <= 200) {
					return new Cursor(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
				}
			}
			catch (IllegalArgumentException | DateTimeParseException ex) {
				// answered below
			}
			throw new BadInputException("cursor", "is not a cursor this API gave out");
		}

	}

	/** {@code POST …/recover} body. */
	record RecoverRequest(@NotNull Instant since, @Nullable Instant until) {
	}

	record RecoverResult(long count) {
	}

	record DeliveryPage(List<DeliveryView> items, @Nullable String nextCursor) {
	}

	/**
	 * A delivery as the admin API shows it: the payload as sent, and (for one delivery)
	 * every attempt.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record DeliveryView(String id, String messageId, String eventType, @Nullable Long eventId, String status,
			int attempts, @Nullable Instant nextAttemptAt, @Nullable String lastError, Instant createdAt,
			@JsonRawValue String payload, @Nullable List<AttemptView> attemptLog) {

		static DeliveryView of(WebhookDeliveries.Delivery delivery, @Nullable List<AttemptView> attempts) {
			return new DeliveryView(delivery.id(), delivery.messageId(), delivery.eventType(), delivery.eventId(),
					delivery.status(), delivery.attempts(),
					"pending".equals(delivery.status()) ? delivery.nextAttemptAt() : null, delivery.lastError(),
					delivery.createdAt(), delivery.body(), attempts);
		}

	}

	/**
	 * One attempt: when, the answer's status (none when no answer came), how long, the
	 * error class and the first kilobyte of the answer.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record AttemptView(int attempt, Instant startedAt, int durationMs, @Nullable Integer statusCode,
			@Nullable String error, @Nullable String response) {

		static AttemptView of(WebhookDeliveries.AttemptRow row) {
			return new AttemptView(row.attempt(), row.startedAt(), row.durationMs(), row.statusCode(), row.error(),
					row.response());
		}

	}

}
