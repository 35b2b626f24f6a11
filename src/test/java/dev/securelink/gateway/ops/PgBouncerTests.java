package dev.securelink.gateway.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.PgBouncer;
import dev.securelink.gateway.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway behind Debian's PgBouncer in transaction mode, beside the shared test
 * gateway, which talks to PostgreSQL directly: every database call of the flow works
 * (statements unnamed), LISTEN hears nothing there, so the change feed says so and polls,
 * and a revocation made on the direct instance is seen behind PgBouncer within 2 s. With
 * {@code securelink.change-feed.listen-url} the feed listens on a direct connection.
 */
@GatewayTest
class PgBouncerTests {

	static PgBouncer bouncer;

	static ConfigurableApplicationContext pooled;

	@Autowired
	WebTestClient client;

	@BeforeAll
	static void start() {
		PgBouncer.require();
		bouncer = PgBouncer.start(TestDatabase.server());
		pooled = Instances.start(new String[0], "--server.port=0", "--management.server.port=0",
				"--spring.r2dbc.url=" + bouncer.r2dbcUrl(), "--securelink.test.in-process=true",
				"--securelink.database.transaction-pooler=true", "--securelink.change-feed.probe-interval=1s",
				"--securelink.change-feed.probe-timeout=500ms");
	}

	@AfterAll
	static void stop() {
		if (pooled != null) {
			pooled.close();
		}
		if (bouncer != null) {
			bouncer.close();
		}
	}

	@Test
	void flowWhenBehindTransactionPoolingPgBouncerThenEveryCallWorksAndRevocationIsSeenWithinTwoSeconds() {
		WebTestClient behind = Instances.client(pooled, "local.server.port");
		Admin admin = new Admin(behind);
		String tenant = Admin.newTenant();
		admin.settings(tenant, true);
		CreatedLink link = admin.createLink(tenant, Admin.linkRequest("/invoices/bouncer", "anna@example.com"));
		Browser browser = new Browser(behind);
		// Twice the prompt and a wrong address each: the same statements again on other
		// server connections, which named statements would collide on.
		for (int i = 0; i < 3; i++) {
			assertThat(browser.get(link.path()).getStatus().value()).isEqualTo(200);
			assertThat(browser.verify(link.path(), "someone" + i + "@example.com").getStatus().value()).isEqualTo(422);
		}
		EntityExchangeResult<String> verified = browser.verify(link.path(), "anna@example.com");
		assertThat(verified.getStatus().value()).as(bouncer.log()).isEqualTo(303);
		assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
		admin.get(tenant, "/links/" + link.id()).exchange().expectStatus().isOk();
		admin.get(tenant, "/events?afterId=0&limit=100").exchange().expectStatus().isOk();

		WebTestClient management = Instances.client(pooled, "local.management.port");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> readiness(management).jsonPath("$.components.changeFeed.details.mode").isEqualTo("polling"));
		assertThat(management.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody()).contains("securelink_change_feed_mode{mode=\"polling\"} 1.0");

		// Revoked on the direct instance: the link is in the cache behind PgBouncer,
		// which only the feed can tell.
		new Admin(this.client).revoke(tenant, link.id());
		long start = System.nanoTime();
		await().atMost(Duration.ofSeconds(2))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> browser.get(link.documentSpace()).getStatus().value() == 403);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThanOrEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void feedWhenListenUrlGoesStraightToPostgresqlThenItListens() {
		ConfigurableApplicationContext listening = Instances.start(new String[0], "--server.port=0",
				"--management.server.port=0", "--spring.r2dbc.url=" + bouncer.r2dbcUrl(),
				"--securelink.test.in-process=true", "--securelink.database.transaction-pooler=true",
				"--securelink.change-feed.listen-url=" + TestDatabase.server().r2dbcUrl(),
				"--securelink.change-feed.probe-interval=1s", "--securelink.change-feed.probe-timeout=500ms");
		try {
			WebTestClient management = Instances.client(listening, "local.management.port");
			// Past the first probes: the mode stays listen.
			await().pollDelay(Duration.ofMillis(2500)).until(() -> true);
			readiness(management).jsonPath("$.components.changeFeed.details.mode")
				.isEqualTo("listen")
				.jsonPath("$.components.changeFeed.details.listenUrl")
				.isEqualTo("set");

			WebTestClient behind = Instances.client(listening, "local.server.port");
			String tenant = Admin.newTenant();
			CreatedLink link = new Admin(behind).createLink(tenant,
					Map.of("document", "/invoices/listen", "recipients", List.of("anna@example.com")));
			Browser browser = new Browser(behind);
			assertThat(browser.verify(link.path(), "anna@example.com").getStatus().value()).isEqualTo(303);
			assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
			new Admin(this.client).revoke(tenant, link.id());
			await().atMost(Duration.ofSeconds(2))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> browser.get(link.documentSpace()).getStatus().value() == 403);
		}
		finally {
			listening.close();
		}
	}

	private static WebTestClient.BodyContentSpec readiness(WebTestClient management) {
		return management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk().expectBody();
	}

}
