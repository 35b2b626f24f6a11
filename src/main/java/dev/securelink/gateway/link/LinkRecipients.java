package dev.securelink.gateway.link;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * The recipients links gained since their creation, in PostgreSQL
 * ({@code link_recipient}): only the keyed hash of an address, who added the person, the
 * rights, the depth, and when (and whether by the company) they were removed. Read with
 * their link in one statement ({@link #AGGREGATE}); changed by {@link RecipientSharing},
 * with the link's row locked.
 */
@Repository
public class LinkRecipients {

	/**
	 * An aggregate of link {@code l}'s recipients, one row: the live ones in index order,
	 * the hashes of those the company removed, the named ones revoked.
	 */
	private static final String AGGREGATE = """
			select array_agg(r.recipient::int order by r.recipient) filter (where live) as added_index,
			       string_agg(r.address_mac, ''::bytea order by r.recipient) filter (where live) as added_macs,
			       array_agg(coalesce(r.added_by, -1)::int order by r.recipient) filter (where live) as added_by,
			       array_agg(array_to_string(r.rights, ' ') order by r.recipient) filter (where live)
			           as added_rights,
			       array_agg(r.depth::int order by r.recipient) filter (where live) as added_depth,
			       array_agg((extract(epoch from r.added_at) * 1000000)::bigint order by r.recipient)
			           filter (where live) as added_at,
			       string_agg(r.address_mac, ''::bytea) filter (where r.removed_by_admin) as barred_macs,
			       array_agg(r.recipient::int) filter (where not live
			                                           and r.recipient < octet_length(l.recipient_macs) / 32)
			           as revoked_named
			from link l join link_recipient r on r.link_id = l.id, lateral (select r.removed_at is null as live) s
			where l.id = :id
			""";

	private final DatabaseClient db;

	LinkRecipients(DatabaseClient db) {
		this.db = db;
	}

	/** {@code link} with the recipients it gained or revoked since its creation. */
	Mono<Link> of(Link link) {
		return this.db.sql(AGGREGATE)
			.bind("id", link.id())
			.map((row) -> link.withRecipients(added(row), barred(row), revokedNamed(row)))
			.one()
			.defaultIfEmpty(link);
	}

	/** The live recipients of an {@link #AGGREGATE} row. */
	static List<AddedRecipient> added(Readable row) {
		Integer[] indexes = row.get("added_index", Integer[].class);
		if (indexes == null) {
			return List.of();
		}
		byte[] macs = Objects.requireNonNull(row.get("added_macs", byte[].class), "aggregated with the indexes");
		Integer[] by = Objects.requireNonNull(row.get("added_by", Integer[].class), "aggregated with the indexes");
		String[] rights = Objects.requireNonNull(row.get("added_rights", String[].class), "aggregated");
		Integer[] depths = Objects.requireNonNull(row.get("added_depth", Integer[].class), "aggregated");
		Long[] at = Objects.requireNonNull(row.get("added_at", Long[].class), "aggregated");
		List<AddedRecipient> added = new ArrayList<>(indexes.length);
		for (int i = 0; i < indexes.length; i++) {
			byte[] mac = Arrays.copyOfRange(macs, i * RecipientMacs.MAC_BYTES, (i + 1) * RecipientMacs.MAC_BYTES);
			added.add(new AddedRecipient(indexes[i], mac, by[i], LinkRepository.rights(rights[i].split(" ")), depths[i],
					Instant.EPOCH.plus(at[i], ChronoUnit.MICROS)));
		}
		return List.copyOf(added);
	}

	/** The named recipients who were revoked, of an {@link #AGGREGATE} row. */
	static List<Integer> revokedNamed(Readable row) {
		Integer[] revoked = row.get("revoked_named", Integer[].class);
		return (revoked != null) ? List.of(revoked) : List.of();
	}

	/**
	 * Revokes the recipient at {@code index}, one the link was created for: a row that
	 * marks them removed for good (their hash barred from a share or a domain).
	 */
	Mono<Boolean> revokeNamed(String linkId, int index, byte[] mac, Set<Right> rights, Instant now) {
		return this.db.sql("""
				insert into link_recipient (link_id, recipient, address_mac, rights, depth, added_at, removed_at,
				                            removed_by_admin)
				values (:link, :index, :mac, :rights, 0, :now, :now, true)
				on conflict (link_id, recipient) do nothing
				returning recipient
				""")
			.bind("link", linkId)
			.bind("index", index)
			.bind("mac", mac)
			.bind("rights", rights.stream().map(Right::id).sorted().toArray(String[]::new))
			.bind("now", now)
			.map((row) -> true)
			.all()
			.hasElements();
	}

	/**
	 * How many can still open the link: its named recipients not revoked, and the people
	 * it gained and still has.
	 */
	Mono<Long> left(String linkId, int named) {
		return this.db.sql("""
				select :named - count(*) filter (where removed_at is not null and recipient < :named)
				       + count(*) filter (where removed_at is null) as left
				from link_recipient where link_id = :link
				""").bind("named", named).bind("link", linkId).map((row) -> number(row, "left")).one();
	}

	/** The hashes of the people the company removed, of an {@link #AGGREGATE} row. */
	static byte[] barred(Readable row) {
		return Objects.requireNonNullElse(row.get("barred_macs", byte[].class), new byte[0]);
	}

	/**
	 * Locks the link's row while it is active and answers its named recipients' hashes;
	 * empty when it is revoked, expired or gone.
	 */
	Mono<byte[]> lockActive(String linkId, Instant now) {
		return this.db
			.sql("select recipient_macs from link where id = :id and revoked_at is null and expires_at > :now "
					+ "for update")
			.bind("id", linkId)
			.bind("now", now)
			.map((row) -> Objects.requireNonNull(row.get("recipient_macs", byte[].class), "not null"))
			.one();
	}

	/** Locks the tenant's link's row, whatever its state; empty when it has none. */
	Mono<String> lock(String tenantId, String linkId) {
		return this.db.sql("select id from link where tenant_id = :tenant and id = :id for update")
			.bind("tenant", tenantId)
			.bind("id", linkId)
			.map((row) -> Objects.requireNonNull(row.get("id", String.class), "not null"))
			.one();
	}

	/**
	 * What the link's rows say about the person whose hash is {@code mac} and about the
	 * recipient at {@code sharer}, read under the link's lock.
	 *
	 * @param shared people shared with, live
	 * @param ever people shared with, removed ones too
	 * @param same whether the person is live on the link already
	 * @param ofDomain the person's index when they joined through a domain and are live,
	 * or -1
	 * @param barred whether the company removed the person
	 * @param joined people of allowed domains, removed ones too
	 * @param sharer whether the recipient at {@code sharer} is live (for an added one)
	 * @param sharerGone whether the recipient at {@code sharer} was removed or revoked
	 * @param last the highest index ever given, or -1
	 */
	record Counts(long shared, long ever, boolean same, int ofDomain, boolean barred, long joined, boolean sharer,
			boolean sharerGone, int last) {
	}

	Mono<Counts> counts(String linkId, int named, byte[] mac, int sharer) {
		return this.db.sql("""
				select count(*) filter (where removed_at is null and added_by is not null) as shared,
				       count(*) filter (where added_by is not null) as ever,
				       count(*) filter (where removed_at is null and address_mac = :mac) as same,
				       coalesce(max(recipient) filter (where removed_at is null and address_mac = :mac
				                                       and added_by is null), -1) as domain,
				       count(*) filter (where removed_by_admin and address_mac = :mac) as barred,
				       count(*) filter (where added_by is null and depth = 0 and recipient >= :named) as joined,
				       count(*) filter (where removed_at is null and recipient = :sharer) as sharer,
				       count(*) filter (where removed_at is not null and recipient = :sharer) as gone,
				       coalesce(max(recipient), -1) as last
				from link_recipient where link_id = :link
				""")
			.bind("mac", mac)
			.bind("sharer", sharer)
			.bind("named", named)
			.bind("link", linkId)
			.map((row) -> new Counts(number(row, "shared"), number(row, "ever"), number(row, "same") > 0,
					(int) number(row, "domain"), number(row, "barred") > 0, number(row, "joined"),
					number(row, "sharer") > 0, number(row, "gone") > 0, (int) number(row, "last")))
			.one();
	}

	/** Adds a person; {@code addedBy} null for a person of an allowed domain. */
	Mono<Void> insert(String linkId, int index, byte[] mac, @Nullable Integer addedBy, Set<Right> rights, int depth,
			Instant now) {
		DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
				insert into link_recipient (link_id, recipient, address_mac, added_by, rights, depth, added_at)
				values (:link, :index, :mac, :by, :rights, :depth, :now)
				""")
			.bind("link", linkId)
			.bind("index", index)
			.bind("mac", mac)
			.bind("rights", rights.stream().map(Right::id).sorted().toArray(String[]::new))
			.bind("depth", depth)
			.bind("now", now);
		insert = (addedBy != null) ? insert.bind("by", addedBy) : insert.bindNull("by", Integer.class);
		return insert.then();
	}

	/**
	 * Marks the live person at {@code index} and everyone they added in turn removed (by
	 * the company when {@code by} is -1; else only a person the recipient at {@code by}
	 * added), or with {@code index} -1 everyone the recipient at {@code by} added, and
	 * whoever they added; answers the indexes removed.
	 */
	Mono<List<Integer>> removeWithTheirs(String linkId, int index, int by, Instant now) {
		return this.db.sql("""
				with recursive gone(recipient) as (
				    select recipient from link_recipient
				    where link_id = :link and removed_at is null
				      and ((:index >= 0 and recipient = :index and (:by < 0 or added_by = :by))
				           or (:index < 0 and added_by = :by))
				    union
				    select r.recipient from link_recipient r join gone g on r.added_by = g.recipient
				    where r.link_id = :link and r.removed_at is null
				)
				update link_recipient set removed_at = :now, removed_by_admin = (:by < 0 or :index < 0)
				where link_id = :link and recipient in (select recipient from gone)
				returning recipient::int as recipient
				""")
			.bind("link", linkId)
			.bind("index", index)
			.bind("by", by)
			.bind("now", now)
			.map((row) -> (int) number(row, "recipient"))
			.all()
			.collectList();
	}

	/** Whether anyone was ever added to the link under {@code index}, removed or not. */
	Mono<Boolean> everAdded(String linkId, int index) {
		return this.db
			.sql("select exists (select 1 from link_recipient where link_id = :id and recipient = :index) as e")
			.bind("id", linkId)
			.bind("index", index)
			.map((row) -> Boolean.TRUE.equals(row.get("e", Boolean.class)))
			.one();
	}

	/**
	 * The people the tenant's active links gained since their creation and still have:
	 * how many were shared with (and on how many links), and how many of allowed domains.
	 */
	public Mono<Added> activeAdded(String tenantId, Instant now) {
		return this.db.sql("""
				select count(*) filter (where r.added_by is not null) as shared,
				       count(distinct r.link_id) filter (where r.added_by is not null) as links,
				       count(*) filter (where r.added_by is null) as domain
				from link_recipient r join link l on l.id = r.link_id
				where l.tenant_id = :tenant and l.revoked_at is null and l.expires_at > :now and r.removed_at is null
				""")
			.bind("tenant", tenantId)
			.bind("now", now)
			.map((row) -> new long[] { number(row, "shared"), number(row, "links"), number(row, "domain") })
			.one()
			.zipWith(latest(tenantId, now), (counts, latest) -> new Added(counts[0], counts[1], counts[2], latest));
	}

	/**
	 * The people active links gained most recently, newest first, at most
	 * {@link #LATEST}.
	 */
	private Mono<List<Delegation>> latest(String tenantId, Instant now) {
		return this.db.sql("""
				select r.link_id, r.recipient::int as recipient, coalesce(r.added_by, -1)::int as added_by,
				       array_to_string(r.rights, ' ') as rights, r.depth::int as depth, r.added_at
				from link_recipient r join link l on l.id = r.link_id
				where l.tenant_id = :tenant and l.revoked_at is null and l.expires_at > :now and r.removed_at is null
				order by r.added_at desc, r.link_id, r.recipient
				limit :limit
				""")
			.bind("tenant", tenantId)
			.bind("now", now)
			.bind("limit", LATEST)
			.map((row) -> new Delegation(Objects.requireNonNull(row.get("link_id", String.class), "not null"),
					AddedView.of(new AddedRecipient((int) number(row, "recipient"), new byte[0],
							(int) number(row, "added_by"),
							LinkRepository
								.rights(Objects.requireNonNull(row.get("rights", String.class), "not null").split(" ")),
							(int) number(row, "depth"),
							Objects.requireNonNull(row.get("added_at", Instant.class), "not null")))))
			.all()
			.collectList();
	}

	/** How many of the newest people on active links the access overview lists. */
	static final int LATEST = 100;

	/**
	 * The people active links gained since their creation.
	 *
	 * @param shared people a recipient shared a document with
	 * @param links the links they were given
	 * @param ofDomains people of an allowed domain who proved their mailbox
	 * @param latest the newest of them, at most {@link #LATEST}: on which link, who gave
	 * whom access
	 */
	public record Added(long shared, long links, long ofDomains, List<Delegation> latest) {
	}

	/** A person a link gained, and the link. */
	public record Delegation(String linkId, @JsonUnwrapped AddedView recipient) {
	}

	private static long number(Readable row, String column) {
		return Objects.requireNonNull(row.get(column, Number.class), column).longValue();
	}

}
