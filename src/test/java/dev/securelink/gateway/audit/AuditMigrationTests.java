package dev.securelink.gateway.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chains written before the background sealer (migrations V1–V3: ordered by id, linked
 * under a lock, a purged event left as a tombstone) keep verifying after V4, and the
 * chain goes on from where they ended. On a database of its own, migrated step by step.
 */
class AuditMigrationTests {

	private static final AuditProperties AUDIT = new AuditProperties(Duration.ofSeconds(1), 500, Duration.ofMinutes(1),
			100);

	@Test
	void migrateWhenChainsWereWrittenBeforeTheSealerThenTheyVerifyAndGoOn() throws Exception {
		String database = "migration_" + UUID.randomUUID().toString().replace("-", "");
		try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
			statement.execute("create database " + database);
		}
		try {
			migrateAndVerify(database);
		}
		finally {
			try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
				statement.execute("drop database " + database + " with (force)");
			}
		}
	}

	private static void migrateAndVerify(String database) throws Exception {
		TestDatabase.Server server = TestDatabase.server().onDatabase(database);
		server.migrate("3");

		// A chain as V3's AuditLog wrote it: three events by id, the second later purged.
		Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
		byte[] previous = new byte[0];
		try (Connection connection = server.jdbcConnection()) {
			for (int i = 1; i <= 3; i++) {
				AccessEvent event = AccessEvent.ofAdmin(AuditType.CREATED, "acme", "link" + i, "app",
						at.plusSeconds(i));
				byte[] hash = AuditLog.chain(previous, event);
				try (PreparedStatement insert = connection.prepareStatement((i == 2)
						? "insert into access_event_tombstone (id, tenant_id, prev_hash, hash) values (?, ?, ?, ?)"
						: "insert into access_event (id, tenant_id, link_id, type, outcome, actor, occurred_at, "
								+ "prev_hash, hash) values (?, ?, ?, 'created', 'ok', 'app', ?, ?, ?)")) {
					insert.setLong(1, i);
					insert.setString(2, "acme");
					if (i == 2) {
						insert.setBytes(3, (previous.length > 0) ? previous : null);
						insert.setBytes(4, hash);
					}
					else {
						insert.setString(3, "link" + i);
						insert.setTimestamp(4, Timestamp.from(event.occurredAt()));
						insert.setBytes(5, (previous.length > 0) ? previous : null);
						insert.setBytes(6, hash);
					}
					insert.executeUpdate();
				}
				previous = hash;
			}
			try (Statement statement = connection.createStatement()) {
				statement.execute("select setval('access_event_id_seq', 3)");
			}
		}

		server.migrate("latest");

		DatabaseClient db = server.client();
		AuditChain chain = new AuditChain(db, new PurgeSignatures(GatewayKeys.from(TestKeys.keysProperties())),
				TestDatabase.transactions(db));
		// V16 accounted for the tombstone V3's purge left: one sealed purge event after
		// it, and the tombstone counted apart.
		assertThat(chain.verify("acme").block(Duration.ofSeconds(10)))
			.isEqualTo(new AuditChain.Verification(true, 4, null, null, 0, null, 1));

		GatewayKeys keys = GatewayKeys.from(TestKeys.keysProperties());
		new AuditLog(db, keys, AUDIT, new SimpleMeterRegistry())
			.record(AccessEvent.ofAdmin(AuditType.REVOKED, "acme", "link3", "app", at.plusSeconds(9)))
			.block(Duration.ofSeconds(10));
		AuditSealer sealer = new AuditSealer(db, TestDatabase.transactions(db), AUDIT, Clock.systemUTC(),
				new SimpleMeterRegistry(), java.util.List.of(),
				new PurgeSignatures(GatewayKeys.from(TestKeys.keysProperties())));
		assertThat(sealer.sealAll().block(Duration.ofSeconds(10))).isOne();
		assertThat(chain.verify("acme").block(Duration.ofSeconds(10)))
			.isEqualTo(new AuditChain.Verification(true, 5, null, null, 0, null, 1));
	}

}
