package dev.securelink.gateway.link;

import java.net.URI;

import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.link.LinkRequests.CreateLink;
import dev.securelink.gateway.link.LinkRequests.LinkPage;
import dev.securelink.gateway.link.LinkRequests.LinkView;
import dev.securelink.gateway.link.LinkRequests.UpdateLink;
import dev.securelink.gateway.paths.GatewayPaths;

/** {@code /admin/v1/tenants/{tenantId}/links}: create, read, list and revoke links. */
@RestController
@RequestMapping(GatewayPaths.ADMIN_TENANT + "/links")
class LinkAdminController {

	private final LinkService links;

	LinkAdminController(LinkService links) {
		this.links = links;
	}

	/** 201 with the link's only showing of its code, inside {@code url}. */
	@PostMapping
	Mono<ResponseEntity<LinkView>> create(@PathVariable String tenantId, @Valid @RequestBody CreateLink request,
			@AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.create(tenant, request, caller.getSubject()))
			.map((link) -> ResponseEntity.created(URI.create(GatewayPaths.tenant(tenantId) + "/links/" + link.id()))
				.body(link));
	}

	@GetMapping("/{linkId}")
	Mono<LinkView> get(@PathVariable String tenantId, @PathVariable String linkId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.find(tenant, linkId));
	}

	@GetMapping
	Mono<LinkPage> list(@PathVariable String tenantId, @RequestParam(required = false) String cursor,
			@RequestParam(required = false) Integer limit) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.page(tenant, cursor, limit));
	}

	/**
	 * Lifts every lock of the link's e-mail check (for everyone and for each client) and
	 * resets its counters; idempotent. Answers the link with its locks.
	 */
	@PostMapping("/{linkId}/unlock")
	Mono<LinkView> unlock(@PathVariable String tenantId, @PathVariable String linkId,
			@AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.unlock(tenant, linkId, caller.getSubject()));
	}

	/** Moves the link's {@code expiresAt}; answers the link. */
	@PatchMapping("/{linkId}")
	Mono<LinkView> update(@PathVariable String tenantId, @PathVariable String linkId,
			@Valid @RequestBody UpdateLink request, @AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.update(tenant, linkId, request, caller.getSubject()));
	}

	/**
	 * Removes a person the link gained since its creation (and everyone they added);
	 * their sessions end on every instance. 204, also when they were removed already.
	 */
	@DeleteMapping("/{linkId}/recipients/{index}")
	Mono<ResponseEntity<Void>> removeRecipient(@PathVariable String tenantId, @PathVariable String linkId,
			@PathVariable String index, @AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.removeRecipient(tenant, linkId, index(index), caller.getSubject()))
			.thenReturn(ResponseEntity.noContent().build());
	}

	private static int index(String given) {
		if (!given.matches("[0-9]{1,5}")) {
			throw new BadInputException("index", "must be a recipient's index, a whole number from 0");
		}
		return Integer.parseInt(given);
	}

	@DeleteMapping("/{linkId}")
	Mono<ResponseEntity<Void>> revoke(@PathVariable String tenantId, @PathVariable String linkId,
			@AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap((tenant) -> this.links.revoke(tenant, linkId, caller.getSubject()))
			.thenReturn(ResponseEntity.noContent().build());
	}

}
