package dev.securelink.gateway.access;

import java.time.Duration;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway whose database is busy: with its pool exhausted (two connections: the change
 * feed's LISTEN and one held by the test), a request that needs the database waits at
 * most {@code spring.r2dbc.pool.max-acquire-time}; with a statement that hangs on an
 * acquired connection (a lock held elsewhere), at most
 * {@code securelink.database.statement-timeout}. Either way it is answered 503, instead
 * of waiting as long as the database is busy.
 */
@GatewayTest
@TestPropertySource(properties = { "spring.r2dbc.pool.initial-size=1", "spring.r2dbc.pool.max-size=2",
		"spring.r2dbc.pool.max-acquire-time=1s", "securelink.database.statement-timeout=1s" })
class DatabaseBusyTests {

	@Autowired
	WebTestClient client;

	@Autowired
	ConnectionFactory connections;

	@Test
	void openWhenNoDatabaseConnectionIsFreeThenThe503PageAfterTheAcquireTimeout() {
		// The sealer and the checkpoints borrow the other connection every few 100 ms.
		Connection held = Mono.from(this.connections.create())
			.retryWhen(Retry.fixedDelay(100, Duration.ofMillis(50)))
			.block(Duration.ofSeconds(30));
		try {
			EntityExchangeResult<String> answer = new Browser(this.client).ip("203.0.113.90")
				.get(GatewayPaths.LINK + "B".repeat(32));
			assertThat(answer.getStatus().value()).isEqualTo(503);
			assertThat(answer.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("unavailable");
		}
		finally {
			Mono.from(held.close()).block(Duration.ofSeconds(10));
		}
		// The connection free again (the sealer may be borrowing it for a moment): an
		// unknown
		// code's page.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(new Browser(this.client).ip("203.0.113.91")
				.get(GatewayPaths.LINK + "B".repeat(32))
				.getStatus()
				.value()).isEqualTo(404));
	}

	@Test
	void openWhenTheStatementHangsOnAnAcquiredConnectionThenThe503PageAtTheStatementTimeout() throws Exception {
		try (java.sql.Connection holder = TestDatabase.jdbcConnection()) {
			holder.setAutoCommit(false);
			try (java.sql.Statement lock = holder.createStatement()) {
				lock.execute("lock table link in access exclusive mode");
			}
			EntityExchangeResult<String> link = new Browser(this.client).ip("203.0.113.92")
				.get(GatewayPaths.LINK + "E".repeat(32));
			assertThat(link.getStatus().value()).isEqualTo(503);
			assertThat(link.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("unavailable");
			String tenant = Admin.newTenant();
			new Admin(this.client).get(tenant, "/links")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.exists(HttpHeaders.RETRY_AFTER);
			holder.rollback();
		}
	}

}
