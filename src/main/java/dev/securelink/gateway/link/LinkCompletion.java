package dev.securelink.gateway.link;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeNotifier;

/**
 * Marks a link's actions done: by the invoicing application ({@code PATCH …/links/{id}})
 * or, for a link that signs once, when the upstream accepted its signature. Audited
 * ({@code completed}) only when something was new, and seen by every instance at once.
 */
@Component
public class LinkCompletion {

	private final LinkRepository links;

	private final AuditLog audit;

	private final ChangeNotifier changes;

	private final TransactionalOperator transaction;

	private final Clock clock;

	LinkCompletion(LinkRepository links, AuditLog audit, ChangeNotifier changes, TransactionalOperator transaction,
			Clock clock) {
		this.links = links;
		this.audit = audit;
		this.changes = changes;
		this.transaction = transaction;
		this.clock = clock;
	}

	/**
	 * The upstream accepted a signature of {@code link}: when the link signs once, its
	 * signature is done, so that a double click or a second tab never signs twice.
	 */
	public Mono<Void> signed(Link link) {
		if (!link.signOnce() || link.completed().contains(Right.SIGN)) {
			return Mono.empty();
		}
		return complete(link.tenantId(), link.id(), EnumSet.of(Right.SIGN), null, this.clock.instant())
			.as(this.transaction::transactional)
			.then();
	}

	/**
	 * Whether {@code right} of {@code link} is done, exact across instances: a submission
	 * right after another instance completed it is refused even while the cached link
	 * does not show it yet.
	 */
	public Mono<Boolean> isDone(Link link, Right right) {
		return link.completed().contains(right) ? Mono.just(true) : this.links.isCompleted(link.id(), right);
	}

	/**
	 * Adds {@code rights} to the link's completed actions in the caller's transaction;
	 * answers whether any was new, empty when the link is unknown or revoked.
	 * @param actor who marked them ({@code null}: the gateway itself)
	 */
	Mono<Boolean> complete(String tenantId, String linkId, Set<Right> rights, @Nullable String actor, Instant now) {
		return this.links.complete(tenantId, linkId, rights)
			.flatMap((added) -> added
					? this.audit.record(AccessEvent.completed(tenantId, linkId, actor, now, detail(rights)))
						.then(this.changes.notify(new Change(Change.Kind.LINK, linkId)))
						.thenReturn(true)
					: Mono.just(false));
	}

	private static AuditDetail.Completed detail(Set<Right> rights) {
		return new AuditDetail.Completed(rights.stream().map(Right::id).toList());
	}

}
