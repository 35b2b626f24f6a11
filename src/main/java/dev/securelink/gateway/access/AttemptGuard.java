package dev.securelink.gateway.access;

import java.time.Duration;
import java.time.Instant;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The per-link failure counter in PostgreSQL. Each wrong address is counted under a row lock, so every instance
 * sees one exact count: the {@code lockThreshold}-th failure within the window locks the link's e-mail check for
 * {@code lockDuration}, doubled for each earlier lock. A lock expires by itself and touches no session.
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

	/** When the link's check is locked at {@code now}, the end of the lock; empty otherwise. */
	Mono<Instant> lockedUntil(String linkId, Instant now) {
		return this.db.sql("select locked_until from link_attempt where link_id = :id")
			.bind("id", linkId)
			.map((row) -> java.util.Optional.ofNullable(row.get("locked_until", Instant.class)))
			.one()
			.flatMap(Mono::justOrEmpty)
			.filter(now::isBefore);
	}

	/** Counts one wrong address; answers whether the link is now locked, and until when. */
	Mono<Failure> recordFailure(String linkId, Instant now) {
		return this.db.sql("""
				insert into link_attempt (link_id, failures, window_start, lock_count)
				values (:id, 0, :now, 0) on conflict (link_id) do nothing
				""")
			.bind("id", linkId)
			.bind("now", now)
			.then()
			.then(this.db.sql("select failures, window_start, lock_count, locked_until from link_attempt "
					+ "where link_id = :id for update")
				.bind("id", linkId)
				.map(AttemptGuard::state)
				.one())
			.flatMap((state) -> next(linkId, state, now))
			.as(this.transaction::transactional);
	}

	private Mono<Failure> next(String linkId, State state, Instant now) {
		if (state.lockedUntil() != null && now.isBefore(state.lockedUntil())) {
			// Another request locked it meanwhile: this attempt is refused, not counted.
			return Mono.just(new Failure(state.lockedUntil(), false));
		}
		boolean windowOver = !now.isBefore(state.windowStart().plus(this.limits.lockWindow()));
		int failures = (windowOver ? 0 : state.failures()) + 1;
		Instant windowStart = windowOver ? now : state.windowStart();
		if (failures < this.limits.lockThreshold()) {
			return save(linkId, failures, windowStart, state.lockCount(), state.lockedUntil())
				.thenReturn(new Failure(null, false));
		}
		Instant lockedUntil = now.plus(lockDuration(state.lockCount()));
		return save(linkId, 0, now, state.lockCount() + 1, lockedUntil).thenReturn(new Failure(lockedUntil, true));
	}

	private Duration lockDuration(int earlierLocks) {
		Duration duration = this.limits.lockDuration().multipliedBy(1L << Math.min(earlierLocks, 16));
		return (duration.compareTo(this.limits.maxLockDuration()) > 0) ? this.limits.maxLockDuration() : duration;
	}

	private Mono<Void> save(String linkId, int failures, Instant windowStart, int lockCount, Instant lockedUntil) {
		return this.db.sql("""
				update link_attempt set failures = :failures, window_start = :windowStart, lock_count = :lockCount,
				                        locked_until = :lockedUntil
				where link_id = :id
				""")
			.bind("failures", failures)
			.bind("windowStart", windowStart)
			.bind("lockCount", lockCount)
			.bind("lockedUntil", org.springframework.r2dbc.core.Parameter.fromOrEmpty(lockedUntil, Instant.class))
			.bind("id", linkId)
			.then();
	}

	private static State state(Readable row) {
		return new State(row.get("failures", Integer.class), row.get("window_start", Instant.class),
				row.get("lock_count", Integer.class), row.get("locked_until", Instant.class));
	}

	private record State(int failures, Instant windowStart, int lockCount, Instant lockedUntil) {
	}

	/**
	 * A counted (or refused) wrong address.
	 *
	 * @param lockedUntil set when the link's check is locked after this attempt
	 * @param newLock whether this very attempt set the lock
	 */
	record Failure(Instant lockedUntil, boolean newLock) {

		boolean locked() {
			return this.lockedUntil != null;
		}

	}

}
