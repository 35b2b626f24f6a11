package dev.securelink.gateway.access;

import java.time.Duration;
import java.time.Instant;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.link.LinkLocks;

/**
 * The attempt counters in PostgreSQL, exact across instances. An attempt is reserved
 * before its address is compared, under the row locks of the link ({@code link_attempt})
 * and then of the client on that link ({@code link_client_attempt}, the client as its
 * keyed hash): a lock for everyone or for this client refuses it; otherwise it counts at
 * once as a failure of the client (its {@code lockThreshold}-th within {@code lockWindow}
 * locks the link for that client alone, for {@code lockDuration}, doubled for each
 * earlier lock of that client) and of the link (its {@code linkCeiling}-th within
 * {@code linkCeilingWindow}, whoever made them, locks the link for everyone until that
 * window ends). So a holder of the code cannot lock the real recipients out, one client
 * gets at most the threshold's comparisons, and all clients together at most the
 * ceiling's. An address that then matches gives back its own reservation only (and lifts
 * a lock that reservation set). A lock expires by itself and touches no session.
 */
@Component
class AttemptGuard implements LinkLocks {

	private final DatabaseClient db;

	private final TransactionalOperator transaction;

	private final LimitsProperties limits;

	AttemptGuard(DatabaseClient db, TransactionalOperator transaction, LimitsProperties limits) {
		this.db = db;
		this.transaction = transaction;
		this.limits = limits;
	}

	/** What a reservation came to. */
	sealed interface Reservation {

	}

	/**
	 * The link's check is locked, for this client or for everyone: nothing may be
	 * compared until {@code until}.
	 */
	record Refused(Instant until) implements Reservation {
	}

	/**
	 * One comparison may be made.
	 *
	 * @param failures the client's failures in its window, this reservation counted
	 * @param locksUntil set when this reservation locked the link for the client (it was
	 * the threshold's): the end of that lock
	 * @param locksEveryoneUntil set when this reservation reached the ceiling and locked
	 * the link for everyone: the end of that lock
	 */
	record Reserved(int failures, @Nullable Instant locksUntil,
			@Nullable Instant locksEveryoneUntil) implements Reservation {
	}

	/**
	 * Reserves one comparison of an address for {@code client} on {@code linkId},
	 * counting it as a failure until it is released.
	 */
	Mono<Reservation> reserve(String linkId, String client, Instant now) {
		return lockRow("link_attempt", "link_id = :id", linkId, null, now)
			.flatMap((link) -> (link.lockedUntil() != null && now.isBefore(link.lockedUntil()))
					? Mono.<Reservation>just(new Refused(link.lockedUntil()))
					: lockRow("link_client_attempt", "link_id = :id and client = :client", linkId, client, now)
						.flatMap((mine) -> (mine.lockedUntil() != null && now.isBefore(mine.lockedUntil()))
								? Mono.just(new Refused(mine.lockedUntil())) : count(linkId, client, link, mine, now)))
			.as(this.transaction::transactional);
	}

	/**
	 * Gives back a reservation whose address matched, and only that one: the failures
	 * other reservations counted stay, so a right address inside a burst of guesses buys
	 * the guesses no further comparisons. A lock this reservation set is lifted, with the
	 * count it interrupted.
	 */
	Mono<Void> release(String linkId, String client, Reserved reservation) {
		return giveBack("link_attempt", "link_id = :id", linkId, null, reservation.locksEveryoneUntil() != null,
				this.limits.linkCeiling())
			.then(giveBack("link_client_attempt", "link_id = :id and client = :client", linkId, client,
					reservation.locksUntil() != null, this.limits.lockThreshold()));
	}

	/**
	 * Lifts every lock of the link, for everyone and for each client, and forgets the
	 * failures; answers whether a lock was in force.
	 */
	@Override
	public Mono<Boolean> unlock(String linkId, Instant now) {
		return locks(linkId, now)
			.flatMap((before) -> this.db.sql("delete from link_client_attempt where link_id = :id")
				.bind("id", linkId)
				.then()
				.then(this.db
					.sql("update link_attempt set failures = 0, window_start = :now, locked_until = null "
							+ "where link_id = :id")
					.bind("id", linkId)
					.bind("now", now)
					.then())
				.thenReturn(before.everyoneUntil() != null || before.lockedClients() > 0))
			.as(this.transaction::transactional);
	}

	/**
	 * Whether the link's check is locked at {@code now} for {@code client} (its keyed
	 * hash), by that client's own lock or by the one for everyone.
	 */
	Mono<Boolean> lockedFor(String linkId, String client, Instant now) {
		return this.db.sql("""
				select exists (select 1 from link_attempt where link_id = :id and locked_until > :now)
				    or exists (select 1 from link_client_attempt
				               where link_id = :id and client = :client and locked_until > :now) as locked
				""")
			.bind("id", linkId)
			.bind("client", client)
			.bind("now", now)
			.map((row) -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
			.one();
	}

	@Override
	public Mono<LinkLocks.Locks> locks(String linkId, Instant now) {
		return this.db.sql("""
				select (select locked_until from link_attempt where link_id = :id and locked_until > :now) as everyone,
				       (select failures from link_attempt where link_id = :id
				        and window_start > :ceilingStart) as failures,
				       count(c.*) as clients, max(c.locked_until) as clients_until
				from link_client_attempt c where c.link_id = :id and c.locked_until > :now
				""")
			.bind("id", linkId)
			.bind("now", now)
			.bind("ceilingStart", now.minus(this.limits.linkCeilingWindow()))
			.map((row) -> new LinkLocks.Locks(row.get("everyone", Instant.class),
					(int) (long) row.get("clients", Long.class), row.get("clients_until", Instant.class),
					orZero(row.get("failures", Integer.class)), this.limits.linkCeiling()))
			.one();
	}

	private Mono<Reservation> count(String linkId, String client, State link, State mine, Instant now) {
		boolean clientWindowOver = !now.isBefore(mine.windowStart().plus(this.limits.lockWindow()));
		int clientFailures = (clientWindowOver ? 0 : mine.failures()) + 1;
		Instant clientWindow = clientWindowOver ? now : mine.windowStart();
		Instant clientLock = null;
		int clientLocks = mine.lockCount();
		if (clientFailures >= this.limits.lockThreshold()) {
			clientLock = now.plus(lockDuration(mine.lockCount()));
			clientLocks++;
		}
		boolean linkWindowOver = !now.isBefore(link.windowStart().plus(this.limits.linkCeilingWindow()));
		int linkFailures = (linkWindowOver ? 0 : link.failures()) + 1;
		Instant linkWindow = linkWindowOver ? now : link.windowStart();
		Instant everyoneLock = null;
		int linkLocks = link.lockCount();
		if (linkFailures >= this.limits.linkCeiling()) {
			// Until the window of the ceiling ends: the ceiling is a budget per window.
			Instant end = linkWindow.plus(this.limits.linkCeilingWindow());
			Instant least = now.plus(this.limits.lockDuration());
			everyoneLock = end.isAfter(least) ? end : least;
			linkLocks++;
		}
		Reserved reserved = new Reserved(clientFailures, clientLock, everyoneLock);
		return save("link_attempt", "link_id = :id", linkId, null, (everyoneLock != null) ? 0 : linkFailures,
				(everyoneLock != null) ? now : linkWindow, linkLocks, (everyoneLock != null) ? everyoneLock : null)
			.then(save("link_client_attempt", "link_id = :id and client = :client", linkId, client,
					(clientLock != null) ? 0 : clientFailures, (clientLock != null) ? now : clientWindow, clientLocks,
					(clientLock != null) ? clientLock : mine.lockedUntil()))
			.thenReturn(reserved);
	}

	private Duration lockDuration(int earlierLocks) {
		Duration duration = this.limits.lockDuration().multipliedBy(1L << Math.min(earlierLocks, 16));
		return (duration.compareTo(this.limits.maxLockDuration()) > 0) ? this.limits.maxLockDuration() : duration;
	}

	/** Creates the counter row if need be, then locks and reads it. */
	private Mono<State> lockRow(String table, String where, String linkId, @Nullable String client, Instant now) {
		String columns = (client != null) ? "link_id, client, " : "link_id, ";
		String values = (client != null) ? ":id, :client, " : ":id, ";
		DatabaseClient.GenericExecuteSpec insert = this.db
			.sql("insert into " + table + " (" + columns + "failures, window_start, lock_count) values (" + values
					+ "0, :now, 0) on conflict do nothing")
			.bind("id", linkId)
			.bind("now", now);
		DatabaseClient.GenericExecuteSpec select = this.db
			.sql("select failures, window_start, lock_count, locked_until from " + table + " where " + where
					+ " for update")
			.bind("id", linkId);
		if (client != null) {
			insert = insert.bind("client", client);
			select = select.bind("client", client);
		}
		return insert.then().then(select.map(AttemptGuard::state).one());
	}

	private Mono<Void> save(String table, String where, String linkId, @Nullable String client, int failures,
			Instant windowStart, int lockCount, @Nullable Instant lockedUntil) {
		DatabaseClient.GenericExecuteSpec update = this.db
			.sql("update " + table + " set failures = :failures, window_start = :windowStart, "
					+ "lock_count = :lockCount, locked_until = :lockedUntil where " + where)
			.bind("failures", failures)
			.bind("windowStart", windowStart)
			.bind("lockCount", lockCount)
			.bind("lockedUntil", Parameter.fromOrEmpty(lockedUntil, Instant.class))
			.bind("id", linkId);
		return ((client != null) ? update.bind("client", client) : update).then();
	}

	/**
	 * Gives one failure back; when the reservation set the row's lock, lifts it instead
	 * and restores the count it interrupted (one short of {@code limit}).
	 */
	private Mono<Void> giveBack(String table, String where, String linkId, @Nullable String client, boolean lifted,
			int limit) {
		DatabaseClient.GenericExecuteSpec update = lifted
				? this.db
					.sql("update " + table + " set locked_until = null, lock_count = greatest(lock_count - 1, 0), "
							+ "failures = :restored where " + where)
					.bind("restored", limit - 1)
				: this.db.sql("update " + table + " set failures = greatest(failures - 1, 0) where " + where);
		update = update.bind("id", linkId);
		return ((client != null) ? update.bind("client", client) : update).then();
	}

	private static int orZero(@Nullable Integer value) {
		return (value != null) ? value : 0;
	}

	private static State state(Readable row) {
		return new State(row.get("failures", Integer.class), row.get("window_start", Instant.class),
				row.get("lock_count", Integer.class), row.get("locked_until", Instant.class));
	}

	private record State(int failures, Instant windowStart, int lockCount, @Nullable Instant lockedUntil) {
	}

}
