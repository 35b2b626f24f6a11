package dev.securelink.gateway.support;

import java.time.Duration;

import org.springframework.r2dbc.core.DatabaseClient;

import static org.awaitility.Awaitility.await;

/** What the tests read straight from the database to check what the gateway wrote. */
public final class Queries {

	private Queries() {
	}

	/**
	 * The single number a query answers (a count, an epoch); {@code params} are bound to
	 * {@code $1}, {@code $2}, … in order, never spliced into the text.
	 */
	public static long number(DatabaseClient db, String sql, Object... params) {
		DatabaseClient.GenericExecuteSpec spec = db.sql(sql);
		for (int i = 0; i < params.length; i++) {
			spec = spec.bind(i, params[i]);
		}
		Long number = spec.map((row) -> ((Number) row.get(0)).longValue()).one().block(Duration.ofSeconds(10));
		if (number == null) {
			throw new IllegalStateException("No row for: " + sql);
		}
		return number;
	}

	/**
	 * Waits until the background sealer has linked every event of {@code tenantId} into
	 * its chain.
	 */
	public static void awaitSealed(DatabaseClient db, String tenantId) {
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> number(db, "select count(*) from access_event where tenant_id = $1 and not sealed",
					tenantId) == 0);
	}

	/** How many of the link's audit events have {@code type}. */
	public static long events(DatabaseClient db, String linkId, String type) {
		return number(db, "select count(*) from access_event where link_id = $1 and type = $2", linkId, type);
	}

}
