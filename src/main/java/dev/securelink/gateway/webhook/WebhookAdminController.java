package dev.securelink.gateway.webhook;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.tenant.TenantRepository;

/**
 * {@code /admin/v1/tenants/{tenantId}/webhooks}: a tenant's endpoints. The secret is in
 * the creation's answer only.
 */
@RestController
@RequestMapping(GatewayPaths.ADMIN_TENANT + "/webhooks")
class WebhookAdminController {

	private static final SecureRandom RANDOM = new SecureRandom();

	/** The longest a replaced secret keeps signing: 24 hours. */
	static final int MAX_GRACE_SECONDS = 86_400;

	private final WebhookEndpoints endpoints;

	private final WebhookDeliveries deliveries;

	private final WebhookSecrets secrets;

	private final TenantRepository tenants;

	private final WebhookProperties properties;

	private final TransactionalOperator transaction;

	private final Clock clock;

	WebhookAdminController(WebhookEndpoints endpoints, WebhookDeliveries deliveries, WebhookSecrets secrets,
			TenantRepository tenants, WebhookProperties properties, TransactionalOperator transaction, Clock clock) {
		this.endpoints = endpoints;
		this.deliveries = deliveries;
		this.secrets = secrets;
		this.tenants = tenants;
		this.properties = properties;
		this.transaction = transaction;
		this.clock = clock;
	}

	/** 201 with the endpoint and, this once, its secret. */
	@PostMapping
	Mono<ResponseEntity<EndpointView>> create(@PathVariable String tenantId,
			@Valid @RequestBody CreateEndpoint request) {
		return Mono.defer(() -> {
			String tenant = TenantIds.requireValid(tenantId);
			String url = WebhookDestinations.requireValidUrl(request.url(), this.properties.allowPrivateDestinations());
			List<String> types = WebhookEventTypes.requireValid(request.eventTypes());
			Instant now = this.clock.instant();
			String id = newId();
			byte[] secret = WebhookSecrets.generate();
			WebhookEndpoint endpoint = new WebhookEndpoint(id, tenant, url, types,
					(request.enabled() == null) || request.enabled(), blankToNull(request.description()),
					this.secrets.encrypt(id, secret), null, null, now, now, null, null);
			return this.tenants.ensure(tenant, now)
				.then(this.tenants.lock(tenant))
				.then(this.endpoints.insert(endpoint, this.properties.maxEndpointsPerTenant()))
				.as(this.transaction::transactional)
				.map((inserted) -> {
					if (!inserted) {
						throw new BadInputException("webhooks", "this tenant has "
								+ this.properties.maxEndpointsPerTenant() + " endpoints already; delete one first");
					}
					return ResponseEntity.created(URI.create(GatewayPaths.tenant(tenant) + "/webhooks/" + id))
						.body(EndpointView.of(endpoint, WebhookSecrets.shown(secret)));
				});
		});
	}

	@GetMapping
	Mono<EndpointList> list(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMapMany(this.endpoints::list)
			.map((endpoint) -> EndpointView.of(endpoint, null))
			.collectList()
			.map(EndpointList::new);
	}

	@GetMapping("/{endpointId}")
	Mono<EndpointView> get(@PathVariable String tenantId, @PathVariable String endpointId) {
		return find(tenantId, endpointId).map((endpoint) -> EndpointView.of(endpoint, null));
	}

	/**
	 * Changes what the body names; what it leaves out stays. An empty description clears
	 * it.
	 */
	@PatchMapping("/{endpointId}")
	Mono<EndpointView> update(@PathVariable String tenantId, @PathVariable String endpointId,
			@Valid @RequestBody UpdateEndpoint request) {
		return find(tenantId, endpointId).flatMap((current) -> {
			String url = (request.url() != null)
					? WebhookDestinations.requireValidUrl(request.url(), this.properties.allowPrivateDestinations())
					: current.url();
			List<String> types = (request.eventTypes() != null) ? WebhookEventTypes.requireValid(request.eventTypes())
					: current.eventTypes();
			boolean enabled = (request.enabled() != null) ? request.enabled() : current.enabled();
			String description = (request.description() != null) ? blankToNull(request.description())
					: current.description();
			Instant now = this.clock.instant();
			WebhookEndpoint updated = current.with(url, types, enabled, description, now);
			// Disabled, it is sent nothing more: its pending retries end with it.
			Mono<Void> pending = (current.enabled() && !enabled) ? this.deliveries.failPending(current.id(), now)
					: Mono.empty();
			return this.endpoints.update(updated)
				.then(pending)
				.as(this.transaction::transactional)
				.thenReturn(EndpointView.of(updated, null));
		});
	}

	/**
	 * A new secret, shown in this answer only. The one it replaces keeps signing beside
	 * it for {@code graceSeconds} (default and at most 24 hours), so that a receiver
	 * updated a little later still verifies every delivery.
	 */
	@PostMapping("/{endpointId}/rotate-secret")
	Mono<EndpointView> rotateSecret(@PathVariable String tenantId, @PathVariable String endpointId,
			@Valid @RequestBody(required = false) @Nullable RotateSecret request) {
		int grace = (request != null && request.graceSeconds() != null) ? request.graceSeconds() : MAX_GRACE_SECONDS;
		return find(tenantId, endpointId).flatMap((current) -> {
			Instant now = this.clock.instant();
			byte[] secret = WebhookSecrets.generate();
			WebhookEndpoint rotated = current.rotated(this.secrets.encrypt(current.id(), secret),
					(grace > 0) ? now.plusSeconds(grace) : null, now);
			return this.endpoints.rotate(rotated).thenReturn(EndpointView.of(rotated, WebhookSecrets.shown(secret)));
		});
	}

	@DeleteMapping("/{endpointId}")
	Mono<ResponseEntity<Void>> delete(@PathVariable String tenantId, @PathVariable String endpointId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.endpoints.delete(tenant, endpointId))
			.map((deleted) -> {
				if (!deleted) {
					throw notFound();
				}
				return ResponseEntity.noContent().build();
			});
	}

	private Mono<WebhookEndpoint> find(String tenantId, String endpointId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.endpoints.find(tenant, endpointId))
			.switchIfEmpty(Mono.error(WebhookAdminController::notFound));
	}

	private static ResponseStatusException notFound() {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No such webhook endpoint for this tenant.");
	}

	private static String newId() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return "wh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static @Nullable String blankToNull(@Nullable String text) {
		return (text == null || text.isBlank()) ? null : text;
	}

	/** {@code POST} body. */
	record CreateEndpoint(@NotNull String url, @NotNull @Size(min = 1) List<@NotNull String> eventTypes,
			@Nullable Boolean enabled, @Nullable @Size(max = 500) String description) {
	}

	/** {@code PATCH} body: every member optional. */
	record UpdateEndpoint(@Nullable String url, @Nullable @Size(min = 1) List<@NotNull String> eventTypes,
			@Nullable Boolean enabled, @Nullable @Size(max = 500) String description) {
	}

	/** {@code POST …/rotate-secret} body, optional. */
	record RotateSecret(@Nullable @Min(0) @Max(MAX_GRACE_SECONDS) Integer graceSeconds) {
	}

	/**
	 * An endpoint as the admin API shows it; {@code secret} only in the answers that made
	 * it (creation, rotation); {@code previousSecretUntil} while a replaced secret still
	 * signs; {@code disabledReason} when the gateway disabled it ({@code gone},
	 * {@code failing}); {@code failingSince} while its deliveries fail.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record EndpointView(String id, String url, List<String> eventTypes, boolean enabled, @Nullable String description,
			@Nullable String secret, @Nullable Instant previousSecretUntil, Instant createdAt, Instant updatedAt,
			@Nullable String disabledReason, @Nullable Instant failingSince) {

		static EndpointView of(WebhookEndpoint endpoint, @Nullable String secret) {
			return new EndpointView(endpoint.id(), endpoint.url(), endpoint.eventTypes(), endpoint.enabled(),
					endpoint.description(), secret, endpoint.previousSecretUntil(), endpoint.createdAt(),
					endpoint.updatedAt(), endpoint.disabledReason(), endpoint.failingSince());
		}

	}

	record EndpointList(List<EndpointView> items) {
	}

}
