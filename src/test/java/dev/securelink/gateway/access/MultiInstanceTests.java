package dev.securelink.gateway.access;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/** Two gateway instances on one database, as behind a load balancer. */
@GatewayTest
class MultiInstanceTests {

	static ConfigurableApplicationContext second;

	@LocalServerPort
	int port;

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	@Autowired
	MeterRegistry meters;

	@BeforeAll
	static void startSecondInstance() {
		second = Instances.start(new String[0], "--server.port=0", "--management.server.port=0");
	}

	@AfterAll
	static void stopSecondInstance() {
		second.close();
	}

	WebTestClient secondClient() {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + second.getEnvironment().getProperty("local.server.port"))
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	@Test
	void submitWhenTwentyConcurrentWrongAddressesOnTwoInstancesThenExactlyFiveAreComparedBeforeTheLock() {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		Map<String, Object> link = admin.createLink(tenant,
				Map.of("document", "/invoices/race", "recipients", List.of("anna@example.com")));
		double comparedBefore = comparisons();

		List<Integer> statuses = burst(link, 20, -1);

		assertThat(comparisons() - comparedBefore).as("addresses compared, on both instances").isEqualTo(5);
		assertThat(statuses).filteredOn((status) -> status == 422).hasSize(4);
		assertThat(statuses).filteredOn((status) -> status == 429).hasSize(16);
		assertThat(count("select count(*) from access_event where link_id = '" + link.get("id")
				+ "' and type in ('failed', 'locked')"))
			.isEqualTo(5);
		assertThat(count("select lock_count from link_attempt where link_id = '" + link.get("id") + "'")).isEqualTo(1);
	}

	@Test
	void submitWhenTheRightAddressIsInsideABurstThenAcceptedOnlyIfItsAttemptWasReservedBeforeTheLock() {
		Admin admin = new Admin(this.client);
		for (int round = 0; round < 3; round++) {
			Map<String, Object> link = admin.createLink(Admin.newTenant(),
					Map.of("document", "/invoices/race", "recipients", List.of("anna@example.com")));
			double comparedBefore = comparisons();

			List<Integer> statuses = burst(link, 30, 3 + round * 6);

			long compared = (long) (comparisons() - comparedBefore);
			long decided = count("select count(*) from access_event where link_id = '" + link.get("id")
					+ "' and type in ('failed', 'locked', 'verified')");
			assertThat(compared).as("never more than the threshold").isLessThanOrEqualTo(5).isEqualTo(decided);
			boolean accepted = statuses.get(3 + round * 6) == 303;
			assertThat(count(
					"select count(*) from access_event where link_id = '" + link.get("id") + "' and type = 'verified'"))
				.isEqualTo(accepted ? 1 : 0);
			assertThat(statuses).filteredOn((status) -> status == 303).hasSize(accepted ? 1 : 0);
			assertThat(statuses).allMatch((status) -> status == 303 || status == 422 || status == 429);
		}
	}

	/**
	 * {@code size} concurrent answers to one prompt, alternating between the two
	 * instances, each from its own client address; the one at {@code right} (if any) is
	 * the recipient's address. Statuses in request order.
	 */
	private List<Integer> burst(Map<String, Object> link, int size, int right) {
		String path = Browser.path((String) link.get("url"));
		Browser browser = new Browser(this.client);
		String token = Browser.csrfToken(browser.get(path));
		String cookie = browser.cookieHeader();
		List<WebClient> instances = List.of(WebClient.create("http://localhost:" + this.port),
				WebClient.create("http://localhost:" + second.getEnvironment().getProperty("local.server.port")));
		return Flux.range(0, size)
			.flatMapSequential(
					(i) -> instances.get(i % 2)
						.post()
						.uri(path)
						.header(HttpHeaders.ORIGIN, Browser.ORIGIN)
						.header(HttpHeaders.COOKIE, cookie)
						.header("X-Forwarded-For", "10.99." + (i / 2) + "." + (1 + i % 2))
						.contentType(MediaType.APPLICATION_FORM_URLENCODED)
						.body(BodyInserters
							.fromFormData("email", (i == right) ? "anna@example.com" : "guess" + i + "@example.com")
							.with("csrf", token))
						.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())),
					size)
			.collectList()
			.block(Duration.ofSeconds(60));
	}

	/** Addresses compared so far, on both instances together. */
	private double comparisons() {
		return this.meters.counter("securelink.address.comparisons").count()
				+ second.getBean(MeterRegistry.class).counter("securelink.address.comparisons").count();
	}

	@Test
	void revokeWhenOnOneInstanceThenTheOtherRefusesTheSessionWithinASecond() throws InterruptedException {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		admin.settings(tenant, false);
		Map<String, Object> link = admin.createLink(tenant,
				Map.of("document", "/invoices/revoke", "recipients", List.of("anna@example.com")));
		String id = (String) link.get("id");
		Browser onSecond = new Browser(secondClient());
		onSecond.get(Browser.path((String) link.get("url")));
		assertThat(onSecond.get("/d/" + id + "/").getStatus().value()).isEqualTo(200);

		admin.revoke(tenant, id);

		assertThat(statusWithin(onSecond, "/d/" + id + "/", 403, Duration.ofSeconds(1))).isEqualTo(403);
	}

	@Test
	void verificationWhenTurnedOnThroughOneInstanceThenTheOtherEndsSessionsIssuedWithoutIt()
			throws InterruptedException {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		admin.settings(tenant, false);
		Map<String, Object> link = admin.createLink(tenant,
				Map.of("document", "/invoices/settings", "recipients", List.of("anna@example.com")));
		Browser onSecond = new Browser(secondClient());
		onSecond.get(Browser.path((String) link.get("url")));
		assertThat(onSecond.get("/d/" + link.get("id") + "/").getStatus().value()).isEqualTo(200);

		admin.settings(tenant, true);

		assertThat(statusWithin(onSecond, "/d/" + link.get("id") + "/", 403, Duration.ofSeconds(1))).isEqualTo(403);
	}

	@Test
	void supportAccessWhenSwitchedOffThroughOneInstanceThenTheOtherRefusesSupportAtOnce() {
		String tenant = Admin.newTenant();
		setSupport(tenant, true);
		String support = "Bearer " + TestKeys.supportToken("agent-multi");
		WebTestClient onSecond = secondClient();
		assertThat(onSecond.get()
			.uri("/admin/v1/tenants/" + tenant + "/settings")
			.header(HttpHeaders.AUTHORIZATION, support)
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getStatus()
			.value()).isEqualTo(200);

		setSupport(tenant, false);

		long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
		int status;
		do {
			status = onSecond.get()
				.uri("/admin/v1/tenants/" + tenant + "/settings")
				.header(HttpHeaders.AUTHORIZATION, support)
				.exchange()
				.expectBody(String.class)
				.returnResult()
				.getStatus()
				.value();
		}
		while (status != 403 && System.nanoTime() < deadline);
		assertThat(status).isEqualTo(403);
	}

	private void setSupport(String tenant, boolean on) {
		this.client.put()
			.uri("/admin/v1/tenants/" + tenant + "/settings")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, Admin.ALL_SCOPES))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("emailVerification", true, "supportAccess", on))
			.exchange()
			.expectStatus()
			.isOk();
	}

	private static int statusWithin(Browser browser, String path, int expected, Duration limit)
			throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		int status;
		do {
			status = browser.get(path).getStatus().value();
			if (status == expected) {
				return status;
			}
			Thread.sleep(25);
		}
		while (System.nanoTime() < deadline);
		return status;
	}

	private long count(String sql) {
		return Queries.number(this.db, sql);
	}

}
