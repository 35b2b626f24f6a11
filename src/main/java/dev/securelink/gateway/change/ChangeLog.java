package dev.securelink.gateway.change;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@link ChangeFeed}'s polling mode: reads {@code change_log} for the changes that LISTEN
 * does not hear behind a transaction-pooling PgBouncer, and trims it.
 */
final class ChangeLog {

	/**
	 * How far back a poll looks: a change is seen if its transaction committed within
	 * this of writing its row.
	 */
	private static final String POLL_WINDOW = "10 seconds";

	private final DatabaseClient db;

	/**
	 * The ids of the rows the last poll saw, or null when polling just began (its first
	 * poll only takes note).
	 */
	private volatile @Nullable Set<Long> polled;

	ChangeLog(DatabaseClient db) {
		this.db = db;
	}

	/** Polling begins (again): the next poll only takes note of what is there. */
	void restart() {
		this.polled = null;
	}

	/**
	 * Hands {@code received} the payloads of the rows of the last seconds that the
	 * previous poll did not see.
	 */
	Mono<Void> poll(Consumer<String> received) {
		return this.db
			.sql("select id, payload from change_log where created_at > clock_timestamp() - interval '" + POLL_WINDOW
					+ "' order by id")
			.map((row) -> Map.entry(row.get("id", Long.class), row.get("payload", String.class)))
			.all()
			.collectList()
			.doOnNext((rows) -> {
				Set<Long> before = this.polled;
				Set<Long> seen = new HashSet<>();
				for (Map.Entry<Long, String> row : rows) {
					seen.add(row.getKey());
					if (before != null && !before.contains(row.getKey())) {
						received.accept(row.getValue());
					}
				}
				this.polled = seen;
			})
			.onErrorResume((ex) -> Mono.empty())
			.then();
	}

	/** Forgets what no poll can need any more. */
	Mono<Void> purge() {
		return this.db.sql("delete from change_log where created_at < clock_timestamp() - interval '1 hour'")
			.then()
			.onErrorResume((ex) -> Mono.empty());
	}

}
