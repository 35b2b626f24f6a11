package dev.securelink.gateway.support;

import java.time.Duration;

import org.springframework.r2dbc.core.DatabaseClient;

/** What the tests read straight from the database to check what the gateway wrote. */
public final class Queries {

	private Queries() {
	}

	/** The single number a query answers (a count, an epoch). */
	public static long number(DatabaseClient db, String sql) {
		return db.sql(sql).map((row) -> ((Number) row.get(0)).longValue()).one().block(Duration.ofSeconds(10));
	}

}
