package dev.securelink.gateway.link;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.tenant.Sharing;

/** Links in PostgreSQL; every query of the admin side is scoped by tenant. */
@Repository
public class LinkRepository {

	/**
	 * A link with the recipients it gained since its creation and still has, in index
	 * order, as one row: one statement per lookup, as before sharing.
	 */
	private static final String SELECT = """
			select l.id, l.tenant_id, l.document, l.rights, l.recipient_macs, l.locale, l.created_at, l.expires_at,
			       l.revoked_at, l.session_epoch, l.completed, l.sign_once, l.sharing, l.allow_domains, l.recipient_rows
			from link l""";

	private final DatabaseClient db;

	private final LinkRecipients recipients;

	LinkRepository(DatabaseClient db, LinkRecipients recipients) {
		this.recipients = recipients;
		this.db = db;
	}

	Mono<Void> insert(Link link, byte[] codeHash) {
		return this.db.sql("""
				insert into link (id, tenant_id, document, rights, code_hash, recipient_macs, locale, created_at,
				                  expires_at, session_epoch, sign_once, sharing, allow_domains)
				values (:id, :tenant, :document, :rights, :codeHash, :macs, :locale, :createdAt, :expiresAt, 0,
				        :signOnce, :sharing, :domains)
				""")
			.bind("sharing", Parameter.fromOrEmpty((link.sharing() != null) ? link.sharing().id() : null, String.class))
			.bind("domains", Parameter.fromOrEmpty(
					link.allowDomains().isEmpty() ? null : link.allowDomains().toArray(String[]::new), String[].class))
			.bind("signOnce", link.signOnce())
			.bind("id", link.id())
			.bind("tenant", link.tenantId())
			.bind("document", link.document())
			.bind("rights", link.rights().stream().map(Right::id).toArray(String[]::new))
			.bind("codeHash", codeHash)
			.bind("macs", link.recipientMacs())
			.bind("createdAt", link.createdAt())
			.bind("expiresAt", link.expiresAt())
			.bind("locale", Parameter.fromOrEmpty(link.locale(), String.class))
			.then();
	}

	public Mono<Link> find(String tenantId, String id) {
		return this.db.sql(SELECT + " where l.tenant_id = :tenant and l.id = :id")
			.bind("tenant", tenantId)
			.bind("id", id)
			.map(LinkRepository::row)
			.one()
			.flatMap(this::complete);
	}

	/**
	 * How many of the tenant's links are active at {@code now}, per right (rights no link
	 * has are absent).
	 */
	public Mono<Map<Right, Long>> activeByRight(String tenantId, Instant now) {
		return this.db.sql("""
				select r.right_id, count(*) as links
				from link, unnest(rights) as r(right_id)
				where tenant_id = :tenant and revoked_at is null and expires_at > :now
				group by r.right_id
				""")
			.bind("tenant", tenantId)
			.bind("now", now)
			.map((row) -> Map.entry(Right.fromId(row.get("right_id", String.class)), row.get("links", Long.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue);
	}

	/**
	 * Up to {@code limit} ids of links that expired before {@code cutoff}, oldest first,
	 * locked until the caller's transaction ends (the retention purge deletes them in
	 * that transaction).
	 */
	public Mono<List<String>> lockExpiredBefore(Instant cutoff, int limit) {
		return this.db.sql("select id from link where expires_at < :cutoff order by expires_at limit :limit for update")
			.bind("cutoff", cutoff)
			.bind("limit", limit)
			.map((row) -> row.get("id", String.class))
			.all()
			.collectList();
	}

	/** Deletes the links (their failure counters go with them); answers how many went. */
	public Mono<Long> delete(List<String> ids) {
		return this.db.sql("delete from link where id = any(:ids)")
			.bind("ids", ids.toArray(String[]::new))
			.fetch()
			.rowsUpdated();
	}

	/** The lookup of the public flow: by the code's hash, whatever the tenant. */
	public Mono<Link> findByCodeHash(byte[] codeHash) {
		return this.db.sql(SELECT + " where l.code_hash = :hash")
			.bind("hash", codeHash)
			.map(LinkRepository::row)
			.one()
			.flatMap(this::complete);
	}

	public Mono<Link> findById(String id) {
		return this.db.sql(SELECT + " where l.id = :id")
			.bind("id", id)
			.map(LinkRepository::row)
			.one()
			.flatMap(this::complete);
	}

	/**
	 * A page of a tenant's links, newest first, strictly after the cursor position when
	 * one is given.
	 */
	Flux<Link> page(String tenantId, @Nullable LinkCursor after, int limit) {
		String where = (after != null) ? " and (l.created_at, l.id) < (:createdAt, :id)" : "";
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql(SELECT + " where l.tenant_id = :tenant" + where
					+ " order by l.created_at desc, l.id desc limit :limit")
			.bind("tenant", tenantId)
			.bind("limit", limit);
		if (after != null) {
			spec = spec.bind("createdAt", after.createdAt()).bind("id", after.id());
		}
		return spec.map(LinkRepository::row).all().concatMap(this::complete);
	}

	/**
	 * Revokes a link once: the first call stamps {@code revoked_at} and moves the session
	 * epoch, so every session of the link ends; later calls change nothing. Empty when
	 * the tenant has no such link.
	 */
	Mono<Revocation> revoke(String tenantId, String id, Instant now) {
		return this.db.sql("""
				update link l set revoked_at = coalesce(l.revoked_at, :now),
				                  session_epoch = l.session_epoch + (case when l.revoked_at is null then 1 else 0 end)
				from (select id, revoked_at from link where tenant_id = :tenant and id = :id for update) before
				where l.id = before.id
				returning before.revoked_at is null as first
				""")
			.bind("now", now)
			.bind("tenant", tenantId)
			.bind("id", id)
			.map((row) -> new Revocation(Boolean.TRUE.equals(row.get("first", Boolean.class))))
			.one();
	}

	/**
	 * Moves an unrevoked link's expiry to {@code expiresAt}; its expiry is announced
	 * again when it comes. Answers the expiry it had; empty when the tenant has no such
	 * link or it is revoked.
	 */
	Mono<Instant> moveExpiry(String tenantId, String id, Instant expiresAt, Instant now) {
		return this.db.sql("""
				update link l set expires_at = :expiresAt, expiry_recorded = false
				from (select id, expires_at from link where tenant_id = :tenant and id = :id and revoked_at is null
				      for update) before
				where l.id = before.id
				returning before.expires_at as previous
				""")
			.bind("expiresAt", expiresAt)
			.bind("tenant", tenantId)
			.bind("id", id)
			.map((row) -> row.get("previous", Instant.class))
			.one();
	}

	/** Whether a revocation was the first for its link. */
	record Revocation(boolean first) {
	}

	/**
	 * Adds {@code rights} to the link's completed actions; answers whether any was new.
	 * Empty when the tenant has no such link or it is revoked.
	 */
	Mono<Boolean> complete(String tenantId, String id, Set<Right> rights) {
		return this.db.sql("""
				update link l set completed = array(select distinct unnest(before.completed || :rights::varchar[])
				                                    order by 1)
				from (select id, completed from link where tenant_id = :tenant and id = :id and revoked_at is null
				      for update) before
				where l.id = before.id
				returning not (before.completed @> :rights::varchar[]) as added
				""")
			.bind("rights", rights.stream().map(Right::id).toArray(String[]::new))
			.bind("tenant", tenantId)
			.bind("id", id)
			.map((row) -> Boolean.TRUE.equals(row.get("added", Boolean.class)))
			.one();
	}

	/**
	 * Whether {@code right} is among the link's completed actions now, as the database
	 * has it (a cached link may be a moment behind).
	 */
	Mono<Boolean> isCompleted(String id, Right right) {
		return this.db.sql("select :right = any(completed) as done from link where id = :id")
			.bind("right", right.id())
			.bind("id", id)
			.map((row) -> Boolean.TRUE.equals(row.get("done", Boolean.class)))
			.one()
			.defaultIfEmpty(false);
	}

	/** A link as its row has it, and whether it has rows in {@code link_recipient}. */
	private record Row(Link link, boolean recipientRows) {
	}

	/**
	 * The link with the recipients it gained or revoked since its creation: a second
	 * statement, only for a link that has any.
	 */
	private Mono<Link> complete(Row row) {
		return row.recipientRows() ? this.recipients.of(row.link()) : Mono.just(row.link());
	}

	private static Row row(Readable row) {
		return new Row(link(row), Boolean.TRUE.equals(row.get("recipient_rows", Boolean.class)));
	}

	private static Link link(Readable row) {
		return new Link(row.get("id", String.class), row.get("tenant_id", String.class),
				row.get("document", String.class), rights(row.get("rights", String[].class)),
				row.get("recipient_macs", byte[].class), row.get("locale", String.class),
				row.get("created_at", Instant.class), row.get("expires_at", Instant.class),
				row.get("revoked_at", Instant.class), row.get("session_epoch", Integer.class),
				rights(row.get("completed", String[].class)),
				!Boolean.FALSE.equals(row.get("sign_once", Boolean.class)), sharing(row.get("sharing", String.class)),
				domains(row.get("allow_domains", String[].class)), List.of(), new byte[0], List.of());
	}

	private static @Nullable Sharing sharing(@Nullable String id) {
		return (id != null) ? Sharing.of(id) : null;
	}

	private static List<String> domains(String @Nullable [] domains) {
		return (domains != null) ? List.of(domains) : List.of();
	}

	static Set<Right> rights(String @Nullable [] ids) {
		Set<Right> rights = EnumSet.noneOf(Right.class);
		if (ids != null) {
			Arrays.stream(ids).map(Right::fromId).forEach(rights::add);
		}
		return rights;
	}

}
