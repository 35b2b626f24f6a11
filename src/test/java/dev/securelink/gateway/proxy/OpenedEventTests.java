package dev.securelink.gateway.proxy;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session's {@code opened} gates nothing: the document is served at once and the
 * opening written in a batch shortly after; when it cannot be written the loss is counted
 * ({@code securelink_audit_failures_total}, which the chart's
 * SecurelinkAuditWriteFailures alert watches) and the next request tries again.
 */
class OpenedEventTests extends GatewayFixture {

	@Autowired
	MeterRegistry meters;

	@LocalServerPort
	int port;

	@Test
	@Behaviour("26")
	void openedWhenTheAuditTableIsHeldThenTheDocumentIsServedAndItsOpeningWrittenOnceReleased() throws Exception {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/docs/opened-first", "recipients", List.of("anna@example.com")));
		Browser anna = new Browser(this.client);
		anna.verify(link.path(), "anna@example.com");
		Queries.awaitSealed(this.db, this.tenant);
		CompletableFuture<Integer> document;
		try (Connection holder = TestDatabase.jdbcConnection()) {
			holder.setAutoCommit(false);
			try (Statement lock = holder.createStatement()) {
				lock.execute("lock table access_event in exclusive mode");
			}
			document = WebClient.create("http://localhost:" + this.port)
				.get()
				.uri(link.documentSpace())
				.header(HttpHeaders.COOKIE, anna.cookieHeader())
				.header("X-Forwarded-For", "203.0.113.80")
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
				.toFuture();
			assertThat(document.get(10, TimeUnit.SECONDS)).as("the document does not wait for its opening")
				.isEqualTo(200);
			holder.rollback();
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Queries.events(this.db, link.id(), "opened")).isEqualTo(1));
	}

	@Test
	@Behaviour("26")
	void openedWhenItCannotBeWrittenThenTheDocumentIsServedAndTheLossCounted() throws Exception {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/docs/opened-lost", "recipients", List.of("anna@example.com")));
		Browser anna = new Browser(this.client);
		anna.verify(link.path(), "anna@example.com");
		double failuresBefore = this.meters.counter("securelink.audit.failures").count();
		String trigger = "refuse_opened_" + link.id().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
		try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
			statement.execute("create function " + trigger + "() returns trigger language plpgsql as "
					+ "$$ begin raise exception 'opened refused by the test'; end $$");
			statement.execute("create trigger " + trigger + " before insert on access_event for each row "
					+ "when (new.type = 'opened' and new.link_id = '" + link.id() + "') execute function " + trigger
					+ "()");
		}
		try {
			assertThat(anna.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(this.meters.counter("securelink.audit.failures").count() - failuresBefore)
							.isEqualTo(1));
			assertThat(Queries.events(this.db, link.id(), "opened")).isZero();
		}
		finally {
			try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
				statement.execute("drop trigger " + trigger + " on access_event");
				statement.execute("drop function " + trigger + "()");
			}
		}
		assertThat(anna.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(Queries.events(this.db, link.id(), "opened")).as("the next request writes it")
						.isEqualTo(1));
	}

}
