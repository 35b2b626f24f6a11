package dev.securelink.gateway.tenant;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import reactor.core.publisher.Mono;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.securelink.gateway.admin.TenantIds;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeNotifier;

/** {@code /admin/v1/tenants/{tenantId}/settings}: the tenant's privacy settings. */
@RestController
@RequestMapping("/admin/v1/tenants/{tenantId}/settings")
class TenantSettingsController {

	private final TenantRepository tenants;

	private final AuditLog audit;

	private final Clock clock;

	private final TransactionalOperator transaction;

	private final ChangeNotifier changes;

	TenantSettingsController(TenantRepository tenants, AuditLog audit, Clock clock,
			TransactionalOperator transaction, ChangeNotifier changes) {
		this.changes = changes;
		this.tenants = tenants;
		this.audit = audit;
		this.clock = clock;
		this.transaction = transaction;
	}

	/** A tenant that never saved settings has the defaults: verification on, support access off. */
	@GetMapping
	Mono<TenantSettings> get(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap(this.tenants::find);
	}

	/** Replaces the settings; both values are required, so nothing is changed by omission. */
	@PutMapping
	Mono<TenantSettings> put(@PathVariable String tenantId, @Valid @RequestBody SettingsUpdate update,
			@AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap((tenant) -> {
			Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
			return this.tenants.find(tenant)
				.flatMap((before) -> this.tenants
					.save(tenant, update.emailVerification(), update.supportAccess(), now)
					.flatMap((after) -> (after.version() == before.version()) ? Mono.just(after)
							: this.audit.record(new AccessEvent(tenant, null, "settings.changed", "ok",
									caller.getSubject(), null, now))
								.then(this.changes.notify(new Change(Change.Kind.TENANT, tenant)))
								.thenReturn(after)))
				.as(this.transaction::transactional);
		});
	}

	/** {@code PUT} body. */
	record SettingsUpdate(@NotNull Boolean emailVerification, @NotNull Boolean supportAccess) {
	}

}
