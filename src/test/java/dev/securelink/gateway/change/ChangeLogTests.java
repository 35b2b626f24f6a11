package dev.securelink.gateway.change;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.securelink.gateway.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change feed's polling finds a change by the transaction that wrote it, never by a
 * look-back window: a transaction that commits long after writing its row, or a poll that
 * comes late, loses nothing, and nothing is handed on twice. Real PostgreSQL, no Spring.
 */
class ChangeLogTests {

	private final ChangeLog log = new ChangeLog(TestDatabase.client());

	private final List<String> received = new CopyOnWriteArrayList<>();

	@Test
	void pollWhenATransactionCommitsLongAfterWritingItsRowThenItsChangeIsStillHandedOn() throws Exception {
		poll();
		String late = "tenant:late-" + System.nanoTime();
		try (Connection writer = TestDatabase.jdbcConnection()) {
			writer.setAutoCommit(false);
			try (Statement insert = writer.createStatement()) {
				// Written an hour ago as far as any clock says, committed only now.
				insert.execute("insert into change_log (payload, created_at) values ('" + late
						+ "', clock_timestamp() - interval '1 hour')");
			}
			poll();
			assertThat(this.received).as("not committed yet").doesNotContain(late);
			writer.commit();
		}
		poll();
		assertThat(this.received).containsOnlyOnce(late);
		poll();
		assertThat(this.received).as("handed on once").containsOnlyOnce(late);
	}

	@Test
	void pollWhenItComesLongAfterTheChangeThenTheChangeIsStillHandedOn() throws Exception {
		poll();
		String old = "tenant:old-" + System.nanoTime();
		try (Connection writer = TestDatabase.jdbcConnection(); Statement insert = writer.createStatement()) {
			insert.execute("insert into change_log (payload, created_at) values ('" + old
					+ "', clock_timestamp() - interval '50 minutes')");
		}
		poll();
		assertThat(this.received).containsOnlyOnce(old);
	}

	private void poll() {
		this.log.poll(this.received::add).block(Duration.ofSeconds(10));
	}

}
