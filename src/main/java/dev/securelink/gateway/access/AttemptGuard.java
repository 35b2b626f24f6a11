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

/**
 * The per-link attempt counter in PostgreSQL. An attempt is reserved before its address
 * is compared: under the row lock, a locked link refuses it, and otherwise it is counted
 * as a failure at once; the reservation that reaches {@code lockThreshold} within the
 * window locks the link's e-mail check for {@code lockDuration}, doubled for each earlier
 * lock. A burst of any size, on any number of instances, therefore gets at most the
 * threshold's comparisons of wrong addresses. An address that then matches gives back its
 * own reservation only (and lifts a lock that reservation set): the others' failures
 * still count. A lock expires by itself and touches no session.
 */
@Component
class AttemptGuard {

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

	/** The link's check is locked: nothing may be compared until {@code until}. */
	record Refused(Instant until) implements Reservation {
	}

	/**
	 * One comparison may be made.
	 *
	 * @param failures the failures in the window, this reservation counted
	 * @param locksUntil set when this reservation locked the link (it was the
	 * threshold's): the end of that lock
	 */
	record Reserved(int failures, @Nullable Instant locksUntil) implements Reservation {

		boolean locked() {
			return this.locksUntil != null;
		}

	}

	/**
	 * Reserves one comparison of an address for {@code linkId}, counting it as a failure
	 * until it is released.
	 */
	Mono<Reservation> reserve(String linkId, Instant now) {
		return this.db.sql("""
				insert into link_attempt (link_id, failures, window_start, lock_count)
				values (:id, 0, :now, 0) on conflict (link_id) do nothing
				""")
			.bind("id", linkId)
			.bind("now", now)
			.then()
			.then(this.db
				.sql("select failures, window_start, lock_count, locked_until from link_attempt "
						+ "where link_id = :id for update")
				.bind("id", linkId)
				.map(AttemptGuard::state)
				.one())
			.flatMap((state) -> next(linkId, state, now))
			.as(this.transaction::transactional);
	}

	/**
	 * Gives back a reservation whose address matched, and only that one: the failures
	 * other reservations counted stay, so a right address inside a burst of guesses buys
	 * the guesses no further comparisons. A lock this reservation set is lifted, with the
	 * count it interrupted ({@code lockThreshold - 1}).
	 */
	Mono<Void> release(String linkId, Reserved reservation) {
		if (reservation.locked()) {
			return this.db
				.sql("update link_attempt set locked_until = null, lock_count = greatest(lock_count - 1, 0), "
						+ "failures = :failures where link_id = :id")
				.bind("failures", this.limits.lockThreshold() - 1)
				.bind("id", linkId)
				.then();
		}
		return this.db.sql("update link_attempt set failures = greatest(failures - 1, 0) where link_id = :id")
			.bind("id", linkId)
			.then();
	}

	private Mono<Reservation> next(String linkId, State state, Instant now) {
		if (state.lockedUntil() != null && now.isBefore(state.lockedUntil())) {
			return Mono.just(new Refused(state.lockedUntil()));
		}
		boolean windowOver = !now.isBefore(state.windowStart().plus(this.limits.lockWindow()));
		int failures = (windowOver ? 0 : state.failures()) + 1;
		Instant windowStart = windowOver ? now : state.windowStart();
		if (failures < this.limits.lockThreshold()) {
			return save(linkId, failures, windowStart, state.lockCount(), state.lockedUntil())
				.thenReturn(new Reserved(failures, null));
		}
		Instant lockedUntil = now.plus(lockDuration(state.lockCount()));
		return save(linkId, 0, now, state.lockCount() + 1, lockedUntil).thenReturn(new Reserved(failures, lockedUntil));
	}

	private Duration lockDuration(int earlierLocks) {
		Duration duration = this.limits.lockDuration().multipliedBy(1L << Math.min(earlierLocks, 16));
		return (duration.compareTo(this.limits.maxLockDuration()) > 0) ? this.limits.maxLockDuration() : duration;
	}

	private Mono<Void> save(String linkId, int failures, Instant windowStart, int lockCount,
			@Nullable Instant lockedUntil) {
		return this.db.sql("""
				update link_attempt set failures = :failures, window_start = :windowStart, lock_count = :lockCount,
				                        locked_until = :lockedUntil
				where link_id = :id
				""")
			.bind("failures", failures)
			.bind("windowStart", windowStart)
			.bind("lockCount", lockCount)
			.bind("lockedUntil", Parameter.fromOrEmpty(lockedUntil, Instant.class))
			.bind("id", linkId)
			.then();
	}

	private static State state(Readable row) {
		return new State(row.get("failures", Integer.class), row.get("window_start", Instant.class),
				row.get("lock_count", Integer.class), row.get("locked_until", Instant.class));
	}

	private record State(int failures, Instant windowStart, int lockCount, @Nullable Instant lockedUntil) {
	}

}
