package dev.securelink.gateway.access;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.link.RecipientMacs;
import dev.securelink.gateway.paths.GatewayPaths;

/**
 * {@code POST /admin/v1/tenants/{tenantId}/remembered-devices/forget}: every browser the
 * tenant remembered for an address stops skipping the prompt at once, on every instance
 * (the rows are gone). Audited as {@code devices_forgotten} with how many, never the
 * address.
 */
@RestController
@RequestMapping(GatewayPaths.ADMIN_TENANT + "/remembered-devices")
class RememberedDevicesController {

	private static final int MAX_ADDRESS_LENGTH = 254;

	private final RememberedDevices devices;

	private final RecipientMacs macs;

	private final AuditLog audit;

	private final TransactionalOperator transaction;

	private final Clock clock;

	RememberedDevicesController(RememberedDevices devices, RecipientMacs macs, AuditLog audit,
			TransactionalOperator transaction, Clock clock) {
		this.devices = devices;
		this.macs = macs;
		this.audit = audit;
		this.transaction = transaction;
		this.clock = clock;
	}

	@PostMapping("/forget")
	Mono<Forgotten> forget(@PathVariable String tenantId, @Valid @RequestBody Forget request,
			@AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap((tenant) -> {
			String address = request.address().strip();
			if (address.isEmpty() || address.length() > MAX_ADDRESS_LENGTH || !address.contains("@")) {
				throw new BadInputException("address", "must be an e-mail address of at most 254 characters");
			}
			Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
			return this.devices.forget(tenant, this.macs.mac(address))
				.flatMap((count) -> this.audit
					.record(AccessEvent.devicesForgotten(tenant, caller.getSubject(), now,
							new AuditDetail.DevicesForgotten(count)))
					.thenReturn(new Forgotten(count)))
				.as(this.transaction::transactional);
		});
	}

	/** The body: the address whose browsers are forgotten (trimmed, case-insensitive). */
	record Forget(@NotNull String address) {

		@Override
		public String toString() {
			return "Forget[address]";
		}

	}

	/** How many browsers were forgotten. */
	record Forgotten(long forgotten) {
	}

}
