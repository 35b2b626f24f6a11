package dev.securelink.gateway.change;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * {@link ChangeFeed}'s polling mode: reads {@code change_log} for the changes that LISTEN
 * does not hear behind a transaction-pooling PgBouncer, and trims it. A poll reads every
 * row written by a transaction the previous poll could not see yet (one still running at
 * its snapshot, or begun since: {@code tx} at or past that snapshot's
 * {@code pg_snapshot_xmin}) and hands on those it had not handed on, so that neither a
 * transaction that commits long after writing its row nor a late poll loses a change.
 */
final class ChangeLog {

	private final DatabaseClient db;

	/**
	 * What the last poll saw: the oldest transaction its snapshot could not see, and the
	 * rows it read; null when polling just began (its first poll only takes note).
	 */
	private volatile @Nullable Seen last;

	private record Seen(long horizon, Set<Long> ids) {
	}

	ChangeLog(DatabaseClient db) {
		this.db = db;
	}

	/** Polling begins (again): the next poll only takes note of what is there. */
	void restart() {
		this.last = null;
	}

	/**
	 * Hands {@code received} the payloads of the rows the previous poll could not see.
	 */
	Mono<Void> poll(Consumer<String> received) {
		Seen before = this.last;
		return this.db.sql("""
				select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as horizon, c.id, c.payload
				from (select 1) as now left join change_log c on c.tx >= :from
				order by c.id
				""")
			.bind("from", (before != null) ? before.horizon() : Long.MAX_VALUE)
			.map((row) -> new Row(row.get("horizon", Long.class), row.get("id", Long.class),
					row.get("payload", String.class)))
			.all()
			.collectList()
			.doOnNext((rows) -> {
				Set<Long> seen = new HashSet<>();
				long horizon = (before != null) ? before.horizon() : 0;
				for (Row row : rows) {
					horizon = row.horizon();
					Long id = row.id();
					String payload = row.payload();
					if (id != null && payload != null) {
						seen.add(id);
						if (before != null && !before.ids().contains(id)) {
							received.accept(payload);
						}
					}
				}
				this.last = new Seen(horizon, seen);
			})
			.onErrorResume((ex) -> Mono.empty())
			.then();
	}

	private record Row(long horizon, @Nullable Long id, @Nullable String payload) {
	}

	/**
	 * Forgets what no poll can need any more: rows of finished transactions older than an
	 * hour.
	 */
	Mono<Void> purge() {
		return this.db.sql("""
				delete from change_log where created_at < clock_timestamp() - interval '1 hour'
				and tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
				""").then().onErrorResume((ex) -> Mono.empty());
	}

}
