package dev.securelink.gateway.link;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The locks on a link's e-mail check, as the admin API shows and lifts them; kept by the
 * link flow ({@code access}), which implements this.
 */
public interface LinkLocks {

	/** The link's locks in force at {@code now}. */
	Mono<Locks> locks(String linkId, Instant now);

	/**
	 * Lifts every lock of the link and forgets its failures; answers whether a lock was
	 * in force.
	 */
	Mono<Boolean> unlock(String linkId, Instant now);

	/**
	 * What is locked.
	 *
	 * @param everyoneUntil the lock for every client (the ceiling was reached), or null
	 * @param lockedClients how many clients are locked out on their own
	 * @param clientsUntil when the last of those locks ends, or null
	 * @param failures wrong addresses counted toward the ceiling in its window
	 * @param ceiling the wrong addresses that lock the link for everyone
	 */
	record Locks(@Nullable Instant everyoneUntil, int lockedClients, @Nullable Instant clientsUntil, int failures,
			int ceiling) {
	}

}
