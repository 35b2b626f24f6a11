package dev.securelink.gateway.tenant;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeNotifier;
import dev.securelink.gateway.input.ConflictException;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.paths.GatewayPaths;

/**
 * {@code /admin/v1/tenants/{tenantId}/link-hosts}: a company's own hosts for its links
 * ({@link LinkHosts}). Adding or removing one is audited ({@code link_host_added},
 * {@code link_host_removed}, announced by webhook) and reaches every instance at once
 * through the change feed; the tenant's row is locked meanwhile, so that its last host
 * cannot go while its settings keep its links off the gateway's host.
 */
@RestController
@RequestMapping(GatewayPaths.ADMIN_TENANT + "/link-hosts")
class LinkHostController {

	private final LinkHosts hosts;

	private final TenantRepository tenants;

	private final AuditLog audit;

	private final ChangeNotifier changes;

	private final TransactionalOperator transaction;

	private final Clock clock;

	LinkHostController(LinkHosts hosts, TenantRepository tenants, AuditLog audit, ChangeNotifier changes,
			TransactionalOperator transaction, Clock clock) {
		this.hosts = hosts;
		this.tenants = tenants;
		this.audit = audit;
		this.changes = changes;
		this.transaction = transaction;
		this.clock = clock;
	}

	/** The tenant's link hosts, oldest first: new links carry the first. */
	@GetMapping
	Mono<HostList> list(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap(this.hosts::of)
			.map((hosts) -> new HostList(hosts.stream().map(this::view).toList()));
	}

	/**
	 * Gives the tenant {@code host} (an international name is stored in its ASCII form):
	 * 201 when it is new, 200 when the tenant had it; 409 naming {@code host} when
	 * another tenant has it, or when the tenant has {@value LinkHosts#MAX_PER_TENANT}
	 * already.
	 */
	@PutMapping("/{host}")
	Mono<ResponseEntity<HostView>> put(@PathVariable String tenantId, @PathVariable String host,
			@AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap((tenant) -> {
			String name = this.hosts.normalize(host);
			Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
			return this.tenants.ensure(tenant, now)
				.then(this.tenants.lock(tenant))
				.then(this.hosts.of(tenant))
				.flatMap((existing) -> {
					if (existing.stream().anyMatch((known) -> known.host().equals(name))) {
						return Mono.just(ResponseEntity.ok(view(existing.stream()
							.filter((known) -> known.host().equals(name))
							.findFirst()
							.orElseThrow())));
					}
					if (existing.size() >= LinkHosts.MAX_PER_TENANT) {
						return Mono.error(new ConflictException("host",
								"is one more than the " + LinkHosts.MAX_PER_TENANT + " link hosts a tenant may have"));
					}
					return this.hosts.add(tenant, name, now).flatMap((added) -> {
						if (!added.added()) {
							return Mono.error(new ConflictException("host", "belongs to another tenant"));
						}
						return this.audit
							.record(AccessEvent.linkHost(tenant, caller.getSubject(), now, true,
									new AuditDetail.LinkHost(name)))
							.then(this.changes.notify(new Change(Change.Kind.TENANT, tenant)))
							.thenReturn(ResponseEntity.status(HttpStatus.CREATED)
								.body(view(new LinkHosts.LinkHost(name, now))));
					});
				})
				.as(this.transaction::transactional);
		});
	}

	/**
	 * Takes {@code host} from the tenant: 204; 404 when it is not one of the tenant's;
	 * 409 when it is the tenant's last and its settings keep its links off the gateway's
	 * host.
	 */
	@DeleteMapping("/{host}")
	Mono<ResponseEntity<Void>> delete(@PathVariable String tenantId, @PathVariable String host,
			@AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap((tenant) -> {
			String name = this.hosts.normalize(host);
			Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
			return this.tenants.lock(tenant)
				.then(Mono.zip(this.hosts.of(tenant), this.tenants.find(tenant)))
				.flatMap((found) -> {
					List<LinkHosts.LinkHost> existing = found.getT1();
					if (existing.stream().noneMatch((known) -> known.host().equals(name))) {
						return Mono.error(
								new ResponseStatusException(HttpStatus.NOT_FOUND, "The tenant has no such link host."));
					}
					if (existing.size() == 1 && !found.getT2().linksOnGatewayHost()) {
						return Mono.error(new ConflictException("host", "is the tenant's last link host, and its "
								+ "settings keep its links off the gateway's host (linksOnGatewayHost false)"));
					}
					return this.hosts.remove(tenant, name)
						.then(this.audit.record(AccessEvent.linkHost(tenant, caller.getSubject(), now, false,
								new AuditDetail.LinkHost(name))))
						.then(this.changes.notify(new Change(Change.Kind.TENANT, tenant)))
						.thenReturn(ResponseEntity.noContent().<Void>build());
				})
				.as(this.transaction::transactional);
		});
	}

	private HostView view(LinkHosts.LinkHost host) {
		return new HostView(host.host(), this.hosts.origin(host.host()), host.createdAt());
	}

	/** The tenant's link hosts. */
	record HostList(List<HostView> items) {
	}

	/**
	 * One link host.
	 *
	 * @param host the host name, in its ASCII form
	 * @param origin where its links are: {@code https://{host}}
	 * @param createdAt when it was added
	 */
	record HostView(String host, String origin, Instant createdAt) {
	}

}
