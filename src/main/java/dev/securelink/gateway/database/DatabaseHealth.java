package dev.securelink.gateway.database;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Readiness of the database for writes ({@code database} in readiness): DOWN while the
 * server the pool reaches is read-only (a standby, or a primary being demoted in a
 * failover), when every write would fail. Boot's {@code r2dbc} indicator only checks that
 * a connection answers.
 */
@Component("database")
class DatabaseHealth implements ReactiveHealthIndicator {

	private final DatabaseClient db;

	DatabaseHealth(DatabaseClient db) {
		this.db = db;
	}

	@Override
	public Mono<Health> health() {
		return this.db
			.sql("select pg_is_in_recovery() as recovery, current_setting('transaction_read_only') = 'on' as read_only")
			.map((row) -> Boolean.TRUE.equals(row.get("recovery", Boolean.class))
					|| Boolean.TRUE.equals(row.get("read_only", Boolean.class)))
			.one()
			.map((readOnly) -> readOnly ? Health.down()
				.withDetail("readOnly", true)
				.withDetail("reason", "the database answers read-only: a standby, or a failover in progress")
				.build() : Health.up().withDetail("readOnly", false).build());
	}

}
