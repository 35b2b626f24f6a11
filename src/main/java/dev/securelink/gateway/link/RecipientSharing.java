package dev.securelink.gateway.link;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.r2dbc.spi.Readable;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.validation.annotation.Validated;
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

	private final DatabaseClient db;

	private final AuditLog audit;

	private final ChangeNotifier changes;

	private final TransactionalOperator transaction;

	private final SharingProperties properties;

	private final Clock clock;

	private final LinkCache cache;

	RecipientSharing(DatabaseClient db, AuditLog audit, ChangeNotifier changes, TransactionalOperator transaction,
			SharingProperties properties, Clock clock, LinkCache cache) {
		this.cache = cache;
		this.db = db;
		this.audit = audit;
		this.changes = changes;
		this.transaction = transaction;
		this.properties = properties;
		this.clock = clock;
	}

	/** How many levels of sharing the gateway allows (1: no re-sharing). */
	public int maxDepth() {
		return this.properties.maxDepth();
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
		if (sharer.depth() + 1 > maxDepth()) {
			return Mono.just(Shared.TOO_DEEP);
		}
		return lockActive(link.id(), now).flatMap((named) -> this.db.sql("""
				select count(*) filter (where removed_at is null and added_by is not null) as shared,
				       count(*) filter (where added_by is not null) as ever,
				       count(*) filter (where removed_at is null and address_mac = :mac) as same,
				       count(*) filter (where removed_by_admin and address_mac = :mac) as barred,
				       count(*) filter (where removed_at is null and recipient = :sharer) as sharer,
				       coalesce(max(recipient), -1) as last
				from link_recipient where link_id = :link
				""")
			.bind("mac", mac)
			.bind("sharer", sharer.index())
			.bind("link", link.id())
			.map((row) -> new Counts(number(row, "shared"), number(row, "ever"), number(row, "same"),
					number(row, "barred"), number(row, "sharer"), (int) number(row, "last")))
			.one()
			.flatMap((counts) -> {
				if (sharer.index() >= named.count() && counts.sharer() == 0) {
					return Mono.just(Shared.GONE);
				}
				// The limits first: whether an address is a recipient's already is told
				// only
				// to a sharer who could add someone.
				// Removed people do not count, but a link is no place to add and remove
				// people without end.
				if (counts.shared() >= maxAdded() || counts.ever() >= (long) maxAdded() * EVER_FACTOR) {
					return Mono.just(Shared.TOO_MANY);
				}
				if (counts.same() > 0 || RecipientMacs.indexOfMac(named.macs(), mac) >= 0) {
					return Mono.just(Shared.ALREADY);
				}
				if (counts.barred() > 0) {
					return Mono.just(Shared.REMOVED);
				}
				int index = Math.max(named.count(), counts.last() + 1);
				if (index >= MAX_INDEX) {
					return Mono.just(Shared.TOO_MANY);
				}
				return insert(link, index, mac, sharer.index(), rights, sharer.depth() + 1, now)
					.then(this.audit.record(AccessEvent.recipients(AuditType.RECIPIENT_ADDED, link.tenantId(),
							link.id(), null, client, now,
							new AuditDetail.RecipientAdded(index, sharer.index(),
									rights.stream().map(Right::id).toList(), sharer.depth() + 1, "share"))))
					.then(this.changes.notify(new Change(Change.Kind.LINK, link.id())))
					.thenReturn(Shared.ADDED);
			}))
			.defaultIfEmpty(Shared.GONE)
			.as(this.transaction::transactional)
			.doOnSuccess((shared) -> forget(link.id()));
	}

	/**
	 * The index of the person of an allowed domain whose mailbox {@code mac} proved:
	 * theirs when they verified before, else a new one with the link's rights, recorded
	 * like any recipient. Empty when the link is no longer active.
	 */
	public Mono<Integer> joinByDomain(Link link, byte[] mac, String client) {
		Instant now = now();
		return lockActive(link.id(), now).flatMap((named) -> this.db.sql("""
				select coalesce(max(recipient) filter (where removed_at is null and address_mac = :mac
				                                       and added_by is null), -1) as known,
				       count(*) filter (where removed_by_admin and address_mac = :mac) as barred,
				       count(*) filter (where added_by is null) as joined,
				       coalesce(max(recipient), -1) as last
				from link_recipient where link_id = :link
				""")
			.bind("mac", mac)
			.bind("link", link.id())
			.map((row) -> new long[] { number(row, "known"), number(row, "barred"), number(row, "joined"),
					number(row, "last") })
			.one()
			.flatMap((found) -> {
				int namedIndex = RecipientMacs.indexOfMac(named.macs(), mac);
				if (namedIndex >= 0) {
					return Mono.just(namedIndex);
				}
				if (found[0] >= 0) {
					return Mono.just((int) found[0]);
				}
				// Someone the company removed stays out; a domain fills a link only so
				// far.
				int index = Math.max(named.count(), (int) found[3] + 1);
				if (found[1] > 0 || found[2] >= MAX_DOMAIN_PEOPLE || index >= MAX_INDEX) {
					return Mono.empty();
				}
				return insert(link, index, mac, null, link.rights(), 0, now)
					.then(this.audit.record(AccessEvent.recipients(AuditType.RECIPIENT_ADDED, link.tenantId(),
							link.id(), null, client, now,
							new AuditDetail.RecipientAdded(index, null, link.rights().stream().map(Right::id).toList(),
									0, "domain"))))
					.then(this.changes.notify(new Change(Change.Kind.LINK, link.id())))
					.thenReturn(index);
			}))
			.as(this.transaction::transactional)
			// This instance serves the new session at once: it must not wait for the
			// feed to learn of the new recipient.
			.doOnSuccess((index) -> forget(link.id()));
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
		return this.db.sql("select id from link where tenant_id = :tenant and id = :id for update")
			.bind("tenant", tenantId)
			.bind("id", linkId)
			.map((row) -> row.get("id", String.class))
			.one()
			.flatMap(
					(id) -> this.db.sql("""
							with recursive gone(recipient) as (
							    select recipient from link_recipient
							    where link_id = :link and recipient = :index and removed_at is null
							      and (:by < 0 or added_by = :by)
							    union
							    select r.recipient from link_recipient r join gone g on r.added_by = g.recipient
							    where r.link_id = :link and r.removed_at is null
							)
							update link_recipient set removed_at = :now, removed_by_admin = (:by < 0)
							where link_id = :link and recipient in (select recipient from gone)
							returning recipient::int as recipient
							""")
						.bind("link", linkId)
						.bind("index", index)
						.bind("by", by)
						.bind("now", now)
						.map((row) -> (int) number(row, "recipient"))
						.all()
						.collectList()
						.flatMap(
								(removed) -> removed.isEmpty() ? Mono.just(new Removed(List.of()))
										: this.audit
											.record(AccessEvent.recipients(AuditType.RECIPIENT_REMOVED, tenantId,
													linkId, actor, client, now,
													new AuditDetail.RecipientRemoved(index, removed,
															(by >= 0) ? by : null)))
											.then(this.changes.notify(new Change(Change.Kind.LINK, linkId)))
											.thenReturn(new Removed(List.copyOf(removed)))))
			.as(this.transaction::transactional)
			.doOnSuccess((removed) -> forget(linkId));
	}

	/**
	 * Locks the link's row while it is active and answers its named recipients; empty
	 * when it is revoked, expired or gone.
	 */
	private Mono<Named> lockActive(String linkId, Instant now) {
		return this.db
			.sql("select recipient_macs from link where id = :id and revoked_at is null and expires_at > :now "
					+ "for update")
			.bind("id", linkId)
			.bind("now", now)
			.map((row) -> new Named(Objects.requireNonNull(row.get("recipient_macs", byte[].class), "not null")))
			.one();
	}

	private Mono<Void> insert(Link link, int index, byte[] mac, @Nullable Integer addedBy, Set<Right> rights, int depth,
			Instant now) {
		DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
				insert into link_recipient (link_id, recipient, address_mac, added_by, rights, depth, added_at)
				values (:link, :index, :mac, :by, :rights, :depth, :now)
				""")
			.bind("link", link.id())
			.bind("index", index)
			.bind("mac", mac)
			.bind("rights", rights.stream().map(Right::id).sorted().toArray(String[]::new))
			.bind("depth", depth)
			.bind("now", now);
		insert = (addedBy != null) ? insert.bind("by", addedBy) : insert.bindNull("by", Integer.class);
		return insert.then();
	}

	/** This instance's cached link, dropped once the change committed. */
	private void forget(String linkId) {
		this.cache.changed(new Change(Change.Kind.LINK, linkId));
	}

	private static long number(Readable row, String column) {
		return Objects.requireNonNull(row.get(column, Number.class), column).longValue();
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/** The link's named recipients, as stored. */
	private record Named(byte[] macs) {

		int count() {
			return this.macs.length / RecipientMacs.MAC_BYTES;
		}

	}

	private record Counts(long shared, long ever, long same, long barred, long sharer, int last) {
	}

	/**
	 * {@code securelink.sharing.*}.
	 *
	 * @param maxDepth how many levels of sharing: 1 lets a named recipient share but not
	 * the colleague (the default), up to 3
	 * @param maxAdded how many people sharing may add to one link, removed ones not
	 * counted (default 5, up to 50)
	 */
	@Validated
	@ConfigurationProperties("securelink.sharing")
	record SharingProperties(@DefaultValue("1") @Min(1) @Max(3) int maxDepth,
			@DefaultValue("5") @Min(1) @Max(50) int maxAdded) {
	}

}
