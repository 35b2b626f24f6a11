package dev.securelink.gateway.link;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeNotifier;
import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.ConflictException;
import dev.securelink.gateway.input.UnprocessableException;
import dev.securelink.gateway.link.LinkRequests.CreateLink;
import dev.securelink.gateway.link.LinkRequests.LinkPage;
import dev.securelink.gateway.link.LinkRequests.LinkView;
import dev.securelink.gateway.link.LinkRequests.UpdateLink;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.tenant.LinkHosts;
import dev.securelink.gateway.tenant.Sharing;
import dev.securelink.gateway.tenant.TenantRepository;
import dev.securelink.gateway.tenant.Verification;

/**
 * Creating, reading and revoking a tenant's links, each change audited in the same
 * transaction.
 */
@Service
class LinkService {

	static final int MAX_PAGE = 100;

	private final LinkRepository links;

	private final TenantRepository tenants;

	private final AuditLog audit;

	private final RecipientMacs macs;

	private final GatewayProperties properties;

	private final Clock clock;

	private final TransactionalOperator transaction;

	private final ChangeNotifier changes;

	private final LinkLocks locks;

	private final LinkCompletion completion;

	private final LinkHosts hosts;

	private final Audiences audiences;

	private final RecipientSharing sharing;

	LinkService(LinkRepository links, TenantRepository tenants, AuditLog audit, RecipientMacs macs,
			GatewayProperties properties, Clock clock, TransactionalOperator transaction, ChangeNotifier changes,
			LinkLocks locks, LinkCompletion completion, LinkHosts hosts, Audiences audiences,
			RecipientSharing sharing) {
		this.audiences = audiences;
		this.sharing = sharing;
		this.hosts = hosts;
		this.changes = changes;
		this.completion = completion;
		this.locks = locks;
		this.links = links;
		this.tenants = tenants;
		this.audit = audit;
		this.macs = macs;
		this.properties = properties;
		this.clock = clock;
		this.transaction = transaction;
	}

	Mono<LinkView> create(String tenantId, CreateLink request, String actor) {
		return Mono.defer(() -> {
			Instant now = now();
			Instant expiresAt = expiresAt(request.expiresAt(), now);
			Set<Right> rights = EnumSet.of(Right.VIEW);
			if (request.rights() != null) {
				rights.addAll(request.rights());
			}
			String code = LinkCode.generate();
			Sharing sharing = sharing(request.sharing());
			List<String> domains = (request.allowDomains() != null)
					? this.audiences.requireValid(request.allowDomains()) : List.of();
			Link link = new Link(LinkCode.newLinkId(), tenantId, request.document(), rights,
					this.macs.macs(request.recipients()), request.locale(), now, expiresAt, null, 0,
					EnumSet.noneOf(Right.class), !Boolean.FALSE.equals(request.signOnce()), sharing, domains, List.of(),
					new byte[0], List.of());
			return this.tenants.ensure(tenantId, now)
				.then(domains.isEmpty() ? Mono.empty() : this.tenants.find(tenantId).flatMap((settings) -> {
					if (settings.verification() != Verification.CODE) {
						return Mono.error(new UnprocessableException("allowDomains",
								"needs the tenant's code mode (verification code): a typed address at a domain "
										+ "proves nothing, only a code mailed to it does"));
					}
					return Mono.empty();
				}))
				.then(this.links.insert(link, LinkCode.hash(code)))
				.then(this.audit.record(AccessEvent.ofAdmin(AuditType.CREATED, tenantId, link.id(), actor, now)))
				// The tenant's first link host, when it has one: where its links are
				// mailed.
				.then(this.hosts.linkOrigin(tenantId).defaultIfEmpty(this.properties.baseUrl()))
				.as(this.transaction::transactional)
				.map((base) -> LinkView.of(link, GatewayPaths.link(base, code), now));
		});
	}

	private static @Nullable Sharing sharing(@Nullable String given) {
		if (given == null) {
			return null;
		}
		Sharing sharing = Sharing.of(given);
		if (sharing == null) {
			throw new BadInputException("sharing", "must be off, view, view+sign or full");
		}
		return sharing;
	}

	/**
	 * Removes a person the link gained since its creation, and everyone they added in
	 * turn; their sessions end on every instance within the change feed's delay. 204 once
	 * they are gone (again: nothing changes); 404 for an unknown link or an index no one
	 * ever had; 409 for a recipient the creating request named (revoke the link instead).
	 */
	Mono<Void> removeRecipient(String tenantId, String id, int index, String actor) {
		return this.links.find(tenantId, id).switchIfEmpty(Mono.error(LinkService::notFound)).flatMap((link) -> {
			if (index >= 0 && index < link.namedRecipients()) {
				return Mono.error(new ConflictException("index",
						"names a recipient the link was created for: revoke the link (DELETE …/links/{id}) instead"));
			}
			return this.sharing.remove(tenantId, id, index, actor, -1, null)
				.flatMap((removed) -> removed.indexes().isEmpty() ? this.sharing.everAdded(id, index)
					.filter(Boolean::booleanValue)
					.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
							"No recipient with this index was ever added to this link.")))
					.then() : Mono.empty());
		});
	}

	Mono<LinkView> find(String tenantId, String id) {
		Instant now = now();
		return this.links.find(tenantId, id)
			.switchIfEmpty(Mono.error(LinkService::notFound))
			.flatMap((link) -> this.locks.locks(link.id(), now).map((locks) -> LinkView.of(link, null, now, locks)));
	}

	/**
	 * Lifts every lock of the link's e-mail check and forgets its failures; audited (with
	 * the caller) when a lock was in force, so that calling it again changes nothing.
	 */
	Mono<LinkView> unlock(String tenantId, String id, String actor) {
		Instant now = now();
		return this.links.find(tenantId, id)
			.switchIfEmpty(Mono.error(LinkService::notFound))
			.flatMap((link) -> this.locks.unlock(link.id(), now)
				.flatMap((lifted) -> lifted
						? this.audit.record(AccessEvent.ofAdmin(AuditType.UNLOCKED, tenantId, link.id(), actor, now))
						: Mono.empty())
				.then(this.locks.locks(link.id(), now))
				.map((locks) -> LinkView.of(link, null, now, locks)));
	}

	Mono<LinkPage> page(String tenantId, String cursor, Integer limit) {
		return Mono.defer(() -> {
			int size = (limit != null) ? limit : 50;
			if (size < 1 || size > MAX_PAGE) {
				throw new BadInputException("limit", "must be between 1 and " + MAX_PAGE);
			}
			LinkCursor after = (cursor != null) ? cursor(cursor) : null;
			Instant now = now();
			return this.links.page(tenantId, after, size + 1).collectList().map((rows) -> {
				List<Link> items = rows.subList(0, Math.min(size, rows.size()));
				String next = null;
				if (rows.size() > size) {
					Link last = items.get(items.size() - 1);
					next = new LinkCursor(last.createdAt(), last.id()).encode();
				}
				return new LinkPage(items.stream().map((link) -> LinkView.of(link, null, now)).toList(), next);
			});
		});
	}

	/**
	 * Idempotent: revoking a revoked link succeeds and changes nothing; an unknown link
	 * is 404. The first revocation ends the link's sessions on every instance as soon as
	 * it commits.
	 */
	Mono<Void> revoke(String tenantId, String id, String actor) {
		return Mono.defer(() -> {
			Instant now = now();
			return this.links.revoke(tenantId, id, now)
				.switchIfEmpty(Mono.error(LinkService::notFound))
				.filter(LinkRepository.Revocation::first)
				.flatMap((first) -> this.audit.record(AccessEvent.ofAdmin(AuditType.REVOKED, tenantId, id, actor, now))
					.then(this.changes.notify(new Change(Change.Kind.LINK, id))))
				.as(this.transaction::transactional);
		});
	}

	/**
	 * Changes what the body names, in one transaction, each change audited: the expiry
	 * (later or earlier, in the future and within the maximum lifetime from its creation;
	 * with before and after) and the completed actions (added, never removed; only
	 * actions the link has). Seen by every instance at once. A revoked link is 409.
	 */
	Mono<LinkView> update(String tenantId, String id, UpdateLink request, String actor) {
		return Mono.defer(() -> {
			Instant now = now();
			if (request.expiresAt() == null && (request.completed() == null || request.completed().isEmpty())) {
				throw new BadInputException("expiresAt", "name expiresAt or completed");
			}
			return this.links.find(tenantId, id).switchIfEmpty(Mono.error(LinkService::notFound)).flatMap((link) -> {
				if (link.revokedAt() != null) {
					throw revoked();
				}
				Instant expiresAt = (request.expiresAt() != null) ? movedExpiry(request.expiresAt(), link, now) : null;
				Set<Right> completed = (request.completed() != null) ? completed(request.completed(), link) : Set.of();
				Mono<Void> moveExpiry = (expiresAt != null) ? this.links.moveExpiry(tenantId, id, expiresAt, now)
					.switchIfEmpty(Mono.error(LinkService::revoked))
					.flatMap((before) -> this.audit.record(AccessEvent.expiryChanged(tenantId, id, actor, now,
							new AuditDetail.ExpiryChanged(before, expiresAt))))
						: Mono.empty();
				Mono<Void> complete = completed.isEmpty() ? Mono.empty()
						: this.completion.complete(tenantId, id, completed, actor, now)
							.switchIfEmpty(Mono.error(LinkService::revoked))
							.then();
				// Each change announces itself: the completion in LinkCompletion.
				return moveExpiry
					.then((expiresAt != null) ? this.changes.notify(new Change(Change.Kind.LINK, id)) : Mono.empty())
					.then(complete)
					.as(this.transaction::transactional)
					.then(this.links.find(tenantId, id))
					.flatMap((changed) -> this.locks.locks(id, now)
						.map((locks) -> LinkView.of(changed, null, now, locks)));
			});
		});
	}

	private static Set<Right> completed(Set<Right> requested, Link link) {
		for (Right right : requested) {
			if (right == Right.VIEW || !link.rights().contains(right)) {
				throw new BadInputException("completed", "may name only actions this link has (sign, pay)");
			}
		}
		return requested;
	}

	private static ResponseStatusException revoked() {
		return new ResponseStatusException(HttpStatus.CONFLICT, "The link is revoked; create a new one.");
	}

	private Instant movedExpiry(Instant requested, Link link, Instant now) {
		if (!requested.isAfter(now)) {
			throw new BadInputException("expiresAt", "must be in the future");
		}
		if (requested.isAfter(link.createdAt().plus(this.properties.linkMaxLifetime()))) {
			throw new BadInputException("expiresAt", "must be at most " + this.properties.linkMaxLifetime().toDays()
					+ " days after the link was created");
		}
		return requested.truncatedTo(ChronoUnit.MICROS);
	}

	private Instant expiresAt(Instant requested, Instant now) {
		if (requested == null) {
			return now.plus(this.properties.linkDefaultLifetime());
		}
		if (!requested.isAfter(now)) {
			throw new BadInputException("expiresAt", "must be in the future");
		}
		if (requested.isAfter(now.plus(this.properties.linkMaxLifetime()))) {
			throw new BadInputException("expiresAt",
					"must be at most " + this.properties.linkMaxLifetime().toDays() + " days ahead");
		}
		return requested.truncatedTo(ChronoUnit.MICROS);
	}

	private static LinkCursor cursor(String value) {
		try {
			return LinkCursor.decode(value);
		}
		catch (RuntimeException ex) {
			throw new BadInputException("cursor", "is not a cursor given by this API");
		}
	}

	/**
	 * PostgreSQL keeps microseconds; links carry exactly what is stored, so cursors
	 * compare equal.
	 */
	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	private static ResponseStatusException notFound() {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No such link for this tenant.");
	}

}
