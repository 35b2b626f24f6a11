package dev.securelink.gateway.access;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;
import dev.securelink.gateway.keys.Sha256;

/**
 * The e-mail codes asked for on links ({@code link_code_challenge}): written with the
 * hourly limits checked in the same statement, read back for the browser that asked,
 * spent one try at a time, used once. Rows are kept a day (the limits count them) and
 * purged after.
 */
@Component
class CodeChallenges extends BackgroundTask<Long> {

	private static final Duration KEPT = Duration.ofDays(1);

	private final DatabaseClient db;

	private final Clock clock;

	CodeChallenges(DatabaseClient db, Clock clock) {
		super("Code challenges purge", Duration.ofMinutes(1), Duration.ofMinutes(10));
		this.db = db;
		this.clock = clock;
	}

	/**
	 * A code asked for.
	 *
	 * @param browser the keyed hash of the asking browser's form nonce
	 * @param client the client's keyed hash
	 * @param addressMac the typed address's keyed hash
	 * @param recipient the index of the recipient it is, or -1
	 * @param codeHash the code's keyed hash
	 * @param sealed the typed address, sealed for a resend
	 */
	record Challenge(String id, String linkId, byte[] browser, String client, byte[] addressMac, int recipient,
			byte[] codeHash, byte[] sealed, int tries, boolean used, Instant expiresAt, Instant createdAt) {
	}

	/**
	 * Writes {@code challenge} unless, within {@code period}, the link and address
	 * already had {@code perAddress} codes or the client {@code perClient}; answers
	 * whether it was written. Must run in a transaction: the link and address, then the
	 * client, are locked until it ends (advisory locks, always in that order), so that a
	 * burst on any number of instances is counted one request at a time and gets no more
	 * codes than the limits.
	 */
	Mono<Boolean> create(Challenge challenge, Duration period, int perAddress, int perClient) {
		return lock("code-address:" + challenge.linkId() + ":" + HexFormat.of().formatHex(challenge.addressMac()))
			.then(lock("code-client:" + challenge.client()))
			.then(insert(challenge, period, perAddress, perClient));
	}

	/**
	 * A transaction-scoped advisory lock on {@code name} (its SHA-256's first 64 bits).
	 */
	private Mono<Void> lock(String name) {
		long key = ByteBuffer.wrap(Sha256.of(name.getBytes(StandardCharsets.UTF_8))).getLong();
		return this.db.sql("select pg_advisory_xact_lock(:key)").bind("key", key).then();
	}

	private Mono<Boolean> insert(Challenge challenge, Duration period, int perAddress, int perClient) {
		return this.db
			.sql("""
					with asked as (
					    select count(*) filter (where link_id = :link and address_mac = :address) as per_address,
					           count(*) filter (where client = :client) as per_client
					    from link_code_challenge
					    where created_at > :since and (client = :client or (link_id = :link and address_mac = :address)))
					insert into link_code_challenge (id, link_id, browser, client, address_mac, recipient, code_hash, sealed,
					                                 expires_at, created_at)
					select :id, :link, :browser, :client, :address, :recipient, :code, :sealed, :expires, :now from asked
					where per_address < :perAddress and per_client < :perClient
					""")
			.bind("id", challenge.id())
			.bind("link", challenge.linkId())
			.bind("browser", challenge.browser())
			.bind("client", challenge.client())
			.bind("address", challenge.addressMac())
			.bind("recipient", challenge.recipient())
			.bind("code", challenge.codeHash())
			.bind("sealed", challenge.sealed())
			.bind("expires", challenge.expiresAt())
			.bind("now", challenge.createdAt())
			.bind("since", challenge.createdAt().minus(period))
			.bind("perAddress", perAddress)
			.bind("perClient", perClient)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/** The latest code this browser asked for on the link, whatever its state. */
	Mono<Challenge> latest(String linkId, byte[] browser) {
		return this.db.sql("""
				select * from link_code_challenge where link_id = :link and browser = :browser
				order by created_at desc limit 1
				""")
			.bind("link", linkId)
			.bind("browser", browser)
			.map((row) -> new Challenge(row.get("id", String.class), row.get("link_id", String.class),
					row.get("browser", byte[].class), row.get("client", String.class),
					row.get("address_mac", byte[].class), row.get("recipient", Integer.class),
					row.get("code_hash", byte[].class), row.get("sealed", byte[].class),
					row.get("tries", Integer.class), row.get("used", Boolean.class),
					row.get("expires_at", Instant.class), row.get("created_at", Instant.class)))
			.one();
	}

	/**
	 * Spends one try of the code, if it is still live (unused, unexpired, fewer than
	 * {@code maxTries} tries): answers the tries with this one, or nothing.
	 */
	Mono<Integer> spend(String id, int maxTries, Instant now) {
		return this.db.sql("""
				update link_code_challenge set tries = tries + 1
				where id = :id and not used and tries < :max and expires_at > :now
				returning tries
				""")
			.bind("id", id)
			.bind("max", maxTries)
			.bind("now", now)
			.map((row) -> row.get("tries", Integer.class))
			.one();
	}

	/**
	 * Spends the code for its session: answers whether this call did (a code works once,
	 * however many right answers arrive at once).
	 */
	Mono<Boolean> use(String id) {
		return this.db.sql("update link_code_challenge set used = true where id = :id and not used")
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	@Override
	protected Mono<Long> round() {
		return this.db.sql("delete from link_code_challenge where created_at < :before")
			.bind("before", this.clock.instant().minus(KEPT))
			.fetch()
			.rowsUpdated();
	}

}
