package dev.securelink.gateway.audit;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Openings are written many to one insert, exactly as they were made; a batch the
 * database refuses is written event by event, so that only the refused event is lost; a
 * stopping gateway writes its queue first. On the test database, without Spring.
 */
class EventBatchesTests {

	private static final AuditProperties AUDIT = new AuditProperties(Duration.ofHours(1), 100, Duration.ofHours(1),
			100);

	private final DatabaseClient db = TestDatabase.client();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final AuditLog log = new AuditLog(this.db, GatewayKeys.from(TestKeys.keysProperties()), AUDIT, this.meters);

	private final String tenant = "batch-" + UUID.randomUUID().toString().substring(0, 8);

	private final Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);

	@Test
	void recordOpenedWhenMoreThanOneStatementHoldsThenEveryOpeningIsStoredAsMade() {
		List<Mono<Void>> writes = new ArrayList<>();
		int count = EventBatches.MAX_BATCH + 44;
		for (int i = 0; i < count; i++) {
			writes.add(this.log.recordOpened(opening("l" + i, "s" + i, i)));
		}
		// The same session's opening twice in one batch: stored once.
		writes.add(this.log.recordOpened(opening("l0", "s0", 0)));

		Mono.when(writes).block(Duration.ofSeconds(10));

		assertThat(rows()).isEqualTo(count);
		AccessEvent expected = opening("l7", "s7", 7);
		assertThat(this.db
			.sql("select occurred_at, client, outcome, actor, detail from access_event "
					+ "where tenant_id = :tenant and link_id = :link")
			.bind("tenant", this.tenant)
			.bind("link", link("l7"))
			.map((row) -> List.of(String.valueOf(row.get("occurred_at", Instant.class)),
					String.valueOf(row.get("client", String.class)), String.valueOf(row.get("outcome", String.class)),
					String.valueOf(row.get("actor", String.class)), String.valueOf(row.get("detail", String.class))))
			.one()
			.block(Duration.ofSeconds(10)))
			.containsExactly(expected.occurredAt().toString(), expected.client(), "ok", "null", "null");
	}

	@Test
	void recordOpenedWhenTheDatabaseRefusesOneThenOnlyThatOneIsLostAndCounted() throws Exception {
		String refused = link("refused");
		String trigger = "refuse_" + this.tenant.replace("-", "_");
		try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
			statement.execute("create function " + trigger + "() returns trigger language plpgsql as "
					+ "$$ begin raise exception 'refused by the test'; end $$");
			statement.execute("create trigger " + trigger + " before insert on access_event for each row "
					+ "when (new.link_id = '" + refused + "') execute function " + trigger + "()");
		}
		try {
			Mono<Void> first = this.log.recordOpened(opening("a", "sa", 0));
			Mono<Void> lost = this.log.recordOpened(opening("refused", "sr", 1));
			Mono<Void> last = this.log.recordOpened(opening("b", "sb", 2));

			first.block(Duration.ofSeconds(10));
			last.block(Duration.ofSeconds(10));
			assertThatThrownBy(() -> lost.block(Duration.ofSeconds(10))).hasMessageContaining("refused by the test");
			assertThat(rows()).isEqualTo(2);
			assertThat(this.meters.counter("securelink.audit.failures").count()).isEqualTo(1);
		}
		finally {
			try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
				statement.execute("drop trigger " + trigger + " on access_event");
				statement.execute("drop function " + trigger + "()");
			}
		}
	}

	@Test
	void stopWhenOpeningsAreQueuedThenTheyAreWrittenBeforeItReturns() throws Exception {
		this.log.start();
		for (int i = 0; i < 5; i++) {
			this.log.recordOpened(opening("q" + i, "q" + i, i));
		}
		java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
		this.log.stop(stopped::countDown);
		assertThat(stopped.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(rows()).isEqualTo(5);
	}

	@Test
	void addWhenTheQueueIsFullThenRefusedAndCountedAndTheRestWritten() {
		io.micrometer.core.instrument.Counter failures = this.meters.counter("test.failures");
		EventBatches batches = new EventBatches(this.db, this.log::record, failures, 3);
		List<Mono<Void>> accepted = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			accepted.add(batches.add(opening("f" + i, "f" + i, i)));
		}
		Mono<Void> refused = batches.add(opening("f3", "f3", 3));

		assertThatThrownBy(() -> refused.block(Duration.ofSeconds(10))).hasMessageContaining("audit events waiting");
		assertThat(failures.count()).isEqualTo(1);
		Mono.when(accepted).block(Duration.ofSeconds(10));
		assertThat(rows()).isEqualTo(3);
	}

	private AccessEvent opening(String link, String session, int offset) {
		return AccessEvent.ofSession(AuditType.OPENED, AuditOutcome.OK, this.tenant, link(link),
				this.log.clientHash("203.0.113." + offset), this.at.plusNanos(1000L * offset), session, null);
	}

	/** Link ids unique to this test's tenant, within the column's 22 characters. */
	private String link(String name) {
		return (this.tenant.substring(6) + name + "xxxxxxxxxxxxxxxxxxxxxx").substring(0, 22);
	}

	private long rows() {
		return this.db.sql("select count(*) from access_event where tenant_id = :tenant")
			.bind("tenant", this.tenant)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

}
