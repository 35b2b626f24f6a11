package dev.securelink.gateway.link;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeNotifier;
import dev.securelink.gateway.tenant.Sharing;

/**
 * The recipients a link gains after its creation, and loses again: a verified recipient
 * shares the document with a colleague (no wider than their own rights and the company's
 * cap, within the depth and count limits), a person of an allowed domain proves their
 * mailbox, the admin API or the sharer removes someone (and everyone they added in turn).
 * Each change runs with the link's row locked, so two shares never pass a limit together,
 * is audited in the same transaction (indexes, never an address or its hash), and is
 * announced on the change feed, so that every instance drops the cached link and a
 * removed person's sessions end.
 */
@Component
public class RecipientSharing {

	/** Indexes stay below this: a link cannot grow without bound through its domain. */
	static final int MAX_INDEX = 10_000;

	/** Shares a link may see in all, removed ones included: this many times the limit. */
	static final int EVER_FACTOR = 4;

	/** People of allowed domains one link may gain, removed ones included. */
	static final int MAX_DOMAIN_PEOPLE = 200;

	private final LinkRecipients recipients;

	private final AuditLog audit;

	private final ChangeNotifier changes;

	private final TransactionalOperator transaction;

	private final SharingProperties properties;

	private final Clock clock;

	private final LinkCache cache;

	RecipientSharing(LinkRecipients recipients, AuditLog audit, ChangeNotifier changes,
			TransactionalOperator transaction, SharingProperties properties, Clock clock, LinkCache cache) {
		this.recipients = recipients;
		this.audit = audit;
		this.changes = changes;
		this.transaction = transaction;
		this.properties = properties;
		this.clock = clock;
		this.cache = cache;
	}

	/** How many levels of sharing the gateway allows (1: no re-sharing). */
	public int maxDepth() {
		return this.properties.maxDepth();
	}

	/**
	 * Whether a recipient {@code depth} shares away from one the link was created for may
	 * share further.
	 */
	public boolean mayShareAt(int depth) {
		return depth + 1 <= maxDepth();
	}

	/** How many people may be added to one link by sharing, at once. */
	public int maxAdded() {
		return this.properties.maxAdded();
	}

	/** What a share came to. */
	public enum Shared {

		/** The colleague was added. */
		ADDED,

		/** The address is one of the link's recipients already: nothing changed. */
		ALREADY,

		/** The link has as many added people as it may: nothing changed. */
		TOO_MANY,

		/**
		 * The company removed this person from the link: only it can give access again.
		 */
		REMOVED,

		/** The sharer may not share further (the depth limit): nothing changed. */
		TOO_DEEP,

		/** The rights asked for exceed the sharer's or the cap: nothing changed. */
		TOO_WIDE,

		/**
		 * The link is no longer active, or the sharer no longer one of its recipients.
		 */
		GONE

	}

	/**
	 * Adds the person whose keyed address hash is {@code mac} with {@code rights}, shared
	 * by {@code sharer} under {@code cap}; {@code client} is the sharer's keyed client
	 * hash, for the audit trail.
	 */
	public Mono<Shared> share(Link link, Recipient sharer, byte[] mac, Set<Right> rights, Sharing cap, String client) {
		Instant now = now();
		if (!rights.contains(Right.VIEW) || !sharer.rights().containsAll(rights)
				|| !rights.stream().allMatch((right) -> cap.allows(right.id()))) {
			return Mono.just(Shared.TOO_WIDE);
		}
		if (!mayShareAt(sharer.depth())) {
			return Mono.just(Shared.TOO_DEEP);
		}
		return this.recipients.lockActive(link.id(), now)
			.flatMap((named) -> this.recipients.counts(link.id(), count(named), mac, sharer.index())
				.flatMap((counts) -> {
					if ((sharer.index() >= count(named) && !counts.sharer()) || counts.sharerGone()) {
						return Mono.just(Shared.GONE);
					}
					// The limits first: whether an address is a recipient's already is
					// told
					// only to a sharer who could add someone. Removed people do not
					// count,
					// but a link is no place to add and remove people without end.
					int index = Math.max(count(named), counts.last() + 1);
					if (counts.shared() >= maxAdded() || counts.ever() >= (long) maxAdded() * EVER_FACTOR
							|| index >= MAX_INDEX) {
						return Mono.just(Shared.TOO_MANY);
					}
					if (counts.same() || RecipientMacs.indexOfMac(named, mac) >= 0) {
						return Mono.just(Shared.ALREADY);
					}
					if (counts.barred()) {
						return Mono.just(Shared.REMOVED);
					}
					return add(link, index, mac, sharer.index(), rights, sharer.depth() + 1, client, now)
						.thenReturn(Shared.ADDED);
				}))
			.defaultIfEmpty(Shared.GONE)
			.as(this.transaction::transactional)
			.doOnSuccess((shared) -> forget(link.id()));
	}

	/**
	 * The index of the person of an allowed domain whose mailbox {@code mac} proved:
	 * theirs when they verified before, else a new one with the link's rights, recorded
	 * like any recipient. Empty when the link is no longer active, the company removed
	 * the person, or the link has as many people of its domains as it may.
	 */
	public Mono<Integer> joinByDomain(Link link, byte[] mac, String client) {
		Instant now = now();
		return this.recipients.lockActive(link.id(), now)
			.flatMap((named) -> this.recipients.counts(link.id(), count(named), mac, -1).flatMap((counts) -> {
				int namedIndex = RecipientMacs.indexOfMac(named, mac);
				if (namedIndex >= 0 || counts.ofDomain() >= 0) {
					return Mono.just((namedIndex >= 0) ? namedIndex : counts.ofDomain());
				}
				int index = Math.max(count(named), counts.last() + 1);
				if (counts.barred() || counts.joined() >= MAX_DOMAIN_PEOPLE || index >= MAX_INDEX) {
					return Mono.empty();
				}
				return add(link, index, mac, null, link.rights(), 0, client, now).thenReturn(index);
			}))
			.as(this.transaction::transactional)
			// This instance serves the new session at once: it must not wait for the
			// feed to learn of the new recipient.
			.doOnSuccess((index) -> forget(link.id()));
	}

	/**
	 * Adds the person at {@code index}, audited {@code recipient_added} (indexes only)
	 * and announced, in the caller's transaction.
	 */
	private Mono<Void> add(Link link, int index, byte[] mac, @Nullable Integer addedBy, Set<Right> rights, int depth,
			String client, Instant now) {
		return this.recipients.insert(link.id(), index, mac, addedBy, rights, depth, now)
			.then(this.audit
				.record(AccessEvent.recipients(AuditType.RECIPIENT_ADDED, link.tenantId(), link.id(), null, client, now,
						new AuditDetail.RecipientAdded(index, addedBy, rights.stream().map(Right::id).toList(), depth,
								(addedBy != null) ? "share" : "domain"))))
			.then(this.changes.notify(new Change(Change.Kind.LINK, link.id())));
	}

	/** What a removal came to: the indexes removed (empty when none was live). */
	public record Removed(List<Integer> indexes) {
	}

	/**
	 * Removes the added recipient at {@code index} of the tenant's link and everyone they
	 * added in turn, audited once with all of them: by the admin API ({@code actor}), or
	 * by the recipient at {@code by} who shared with them ({@code by} -1 for the admin
	 * API; then only a person that recipient added is removed). Empty when the tenant has
	 * no such link; a named recipient or someone already removed gives an empty list.
	 */
	public Mono<Removed> remove(String tenantId, String linkId, int index, @Nullable String actor, int by,
			@Nullable String client) {
		Instant now = now();
		return this.recipients.lock(tenantId, linkId)
			.flatMap((locked) -> this.recipients.removeWithTheirs(linkId, index, by, now))
			.flatMap((removed) -> removed.isEmpty() ? Mono.just(new Removed(List.of()))
					: this.audit
						.record(AccessEvent.recipients(AuditType.RECIPIENT_REMOVED, tenantId, linkId, actor, client,
								now, new AuditDetail.RecipientRemoved(index, removed, (by >= 0) ? by : null)))
						.then(this.changes.notify(new Change(Change.Kind.LINK, linkId)))
						.thenReturn(new Removed(List.copyOf(removed))))
			.as(this.transaction::transactional)
			.doOnSuccess((removed) -> forget(linkId));
	}

	/** Whether anyone was ever added to the link under {@code index}, removed or not. */
	Mono<Boolean> everAdded(String linkId, int index) {
		return this.recipients.everAdded(linkId, index);
	}

	/** This instance's cached link, dropped once the change committed. */
	private void forget(String linkId) {
		this.cache.changed(new Change(Change.Kind.LINK, linkId));
	}

	private static int count(byte[] named) {
		return named.length / RecipientMacs.MAC_BYTES;
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

}
