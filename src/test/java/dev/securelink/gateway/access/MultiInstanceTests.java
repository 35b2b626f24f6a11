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
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
		return Instances.client(second, "local.server.port");
	}

	@Test
	@Behaviour("18")
	void submitWhenTwentyConcurrentWrongAddressesFromOneClientOnTwoInstancesThenExactlyFiveAreCompared() {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		CreatedLink link = admin.createLink(tenant,
				Map.of("document", "/invoices/race", "recipients", List.of("anna@example.com")));
		double comparedBefore = comparisons();

		List<Integer> statuses = burst(link, 20, -1, (i) -> "10.98.0.1");

		assertThat(comparisons() - comparedBefore).as("addresses compared, on both instances").isEqualTo(5);
		assertThat(statuses).filteredOn((status) -> status == 422).hasSize(4);
		assertThat(statuses).filteredOn((status) -> status == 429).hasSize(16);
		assertThat(count("select count(*) from access_event where link_id = $1 and type in ('failed', 'locked')",
				link.id()))
			.isEqualTo(5);
		assertThat(count("select lock_count from link_client_attempt where link_id = $1", link.id())).isEqualTo(1);
		assertThat(count("select lock_count from link_attempt where link_id = $1", link.id())).isZero();
	}

	@Test
	@Behaviour({ "18", "18c" })
	void submitWhenAnIpv6ClientMovesToTheNextAddressOfItsSlash64ThenItsLockAndCountHoldForAllOfIt() {
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(Admin.newTenant(),
				Map.of("document", "/invoices/slash64", "recipients", List.of("anna@example.com")));
		double comparedBefore = comparisons();

		List<Integer> guesses = burst(link, 12, -1, (i) -> "2001:db8:78:1::" + Integer.toHexString(i + 1));
		List<Integer> recipientInTheSame64 = burst(link, 1, 0, (i) -> "2001:db8:78:1:ffff::1");
		List<Integer> recipientElsewhere = burst(link, 1, 0, (i) -> "2001:db8:78:2::1");

		assertThat(comparisons() - comparedBefore).as("the /64's guesses compared, then the other /64's recipient")
			.isEqualTo(6);
		assertThat(guesses).filteredOn((status) -> status == 429).hasSize(8);
		assertThat(recipientInTheSame64).as("the lock holds for the whole /64").containsExactly(429);
		assertThat(recipientElsewhere).containsExactly(303);
		assertThat(count("select count(*) from link_client_attempt where link_id = $1", link.id())).isEqualTo(2);
	}

	@Test
	@Behaviour("14")
	void submitWhenOneClientGuessesAcrossLinksOnTwoInstancesThenOneWrongAddressBudgetForBoth() {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		double comparedBefore = comparisons();
		List<Integer> statuses = new java.util.ArrayList<>();
		for (int i = 0; i < 10; i++) {
			CreatedLink link = admin.createLink(tenant,
					Map.of("document", "/invoices/budget-" + i, "recipients", List.of("anna@example.com")));
			statuses.addAll(burst(link, 3, -1, (n) -> "10.96.0.1"));
		}

		assertThat(comparisons() - comparedBefore)
			.as("addresses compared on both instances together: the budget of 20, not one per instance")
			.isEqualTo(20);
		assertThat(statuses).filteredOn((status) -> status == 422).hasSize(20);
		assertThat(statuses).filteredOn((status) -> status == 429).hasSize(10);
	}

	@Test
	@Behaviour({ "16", "18a" })
	void submitWhenAnotherClientsGuessesLockTheLinkThenTheRecipientFromItsOwnClientIsStillAccepted() {
		Admin admin = new Admin(this.client);
		for (int round = 0; round < 3; round++) {
			CreatedLink link = admin.createLink(Admin.newTenant(),
					Map.of("document", "/invoices/race", "recipients", List.of("anna@example.com")));
			int right = 3 + round * 6;
			double comparedBefore = comparisons();

			List<Integer> statuses = burst(link, 30, right, (i) -> (i == right) ? "10.97.0.2" : "10.97.0.1");

			long compared = (long) (comparisons() - comparedBefore);
			long decided = count(
					"select count(*) from access_event where link_id = $1 and type in ('failed', 'locked', 'verified')",
					link.id());
			assertThat(compared).as("every comparison decided and audited").isEqualTo(decided);
			assertThat(statuses.get(right)).as("the recipient, from its own client").isEqualTo(303);
			assertThat(compared - 1).as("the guesser's addresses compared: never more than the threshold").isEqualTo(5);
			assertThat(statuses).allMatch((status) -> status == 303 || status == 422 || status == 429);
		}
	}

	@Test
	@Behaviour("18b")
	void submitWhenSixtyClientsGuessAtOnceThenTheCeilingLocksTheLinkForEveryone() {
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(Admin.newTenant(),
				Map.of("document", "/invoices/ceiling", "recipients", List.of("anna@example.com")));
		double comparedBefore = comparisons();

		List<Integer> statuses = burst(link, 60, -1, (i) -> "10.96." + (i / 2) + "." + (1 + i % 2));

		assertThat(comparisons() - comparedBefore).as("the ceiling, on both instances").isEqualTo(50);
		assertThat(statuses).filteredOn((status) -> status == 429).hasSize(11);
		List<Integer> recipient = burst(link, 1, 0, (i) -> "10.95.0.1");
		assertThat(recipient).containsExactly(429);
		assertThat(count("select lock_count from link_attempt where link_id = $1", link.id())).isEqualTo(1);
	}

	/**
	 * {@code size} concurrent answers to one prompt, alternating between the two
	 * instances, each from the client address {@code clients} gives it; the one at
	 * {@code right} (if any) is the recipient's address. Statuses in request order.
	 */
	private List<Integer> burst(CreatedLink link, int size, int right, java.util.function.IntFunction<String> clients) {
		String path = link.path();
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
						.header("X-Forwarded-For", clients.apply(i))
						.contentType(MediaType.APPLICATION_FORM_URLENCODED)
						.body(BodyInserters
							.fromFormData("email", (i == right) ? "anna@example.com" : "guess" + i + "@example.com")
							.with("csrf", token))
						.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())),
					size)
			.collectList()
			.block(Duration.ofSeconds(60));
	}

	@Test
	@Behaviour("27d")
	void submitWhenTheSameSignatureOrPaymentReachesBothInstancesAtOnceThenForwardedOnceAndTheOther409() {
		for (String action : List.of("sign", "pay")) {
			Admin admin = new Admin(this.client);
			String document = "/invoices/" + java.util.UUID.randomUUID();
			CreatedLink link = admin.createLink(Admin.newTenant(),
					Map.of("document", document, "recipients", List.of("anna@example.com"), "rights", List.of(action)));
			Browser anna = new Browser(this.client);
			anna.verify(link.path(), "anna@example.com");
			String cookie = anna.cookieHeader();
			List<WebClient> instances = List.of(WebClient.create("http://localhost:" + this.port),
					WebClient.create("http://localhost:" + second.getEnvironment().getProperty("local.server.port")));

			List<Integer> statuses = Flux.range(0, 2)
				.flatMap((i) -> instances.get(i)
					.post()
					.uri("/d/" + link.id() + "/" + action + "/"
							+ dev.securelink.gateway.support.TestUpstream.Scenario.PAUSE.segment())
					.header(HttpHeaders.ORIGIN, Browser.ORIGIN)
					.header(HttpHeaders.COOKIE, cookie)
					.contentType(MediaType.APPLICATION_FORM_URLENCODED)
					.bodyValue("amount=1250")
					.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())))
				.collectList()
				.block(Duration.ofSeconds(30));

			assertThat(statuses).as(action).containsExactlyInAnyOrder(201, 409);
			assertThat(dev.securelink.gateway.support.TestUpstream.received(document)).as(action).hasSize(1);
		}
	}

	@Test
	@Behaviour("27b")
	void submitWhenTheActionWasJustCompletedOnTheOtherInstanceThenItsPageAndNothingForwarded() {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		String document = "/invoices/" + java.util.UUID.randomUUID();
		CreatedLink link = admin.createLink(tenant, Map.of("document", document, "recipients",
				List.of("anna@example.com"), "rights", List.of("sign", "pay")));
		Browser anna = new Browser(this.client);
		anna.verify(link.path(), "anna@example.com");
		Browser onSecond = new Browser(secondClient());
		anna.cookies().forEach(onSecond::cookie);
		// The second instance has the link in its cache, as it was before either action.
		assertThat(onSecond.get("/d/" + link.id() + "/").getStatus().value()).isEqualTo(200);

		assertThat(anna.post("/d/" + link.id() + "/sign/confirm", Map.of("signature", "Anna")).getStatus().value())
			.isEqualTo(200);
		EntityExchangeResult<String> signedAgain = onSecond.post("/d/" + link.id() + "/sign/confirm",
				Map.of("signature", "Anna Smith"));
		admin.patch(tenant, "/links/" + link.id(), Map.of("completed", List.of("pay"))).expectStatus().isOk();
		EntityExchangeResult<String> paidAgain = onSecond.post("/d/" + link.id() + "/pay/now", Map.of("amount", "1"));

		assertThat(signedAgain.getStatus().value()).isEqualTo(409);
		assertThat(signedAgain.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("signedagain");
		assertThat(paidAgain.getStatus().value()).isEqualTo(409);
		assertThat(paidAgain.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("paidagain");
		assertThat(dev.securelink.gateway.support.TestUpstream.received(document))
			.extracting(dev.securelink.gateway.support.TestUpstream.Received::method)
			.as("the page, then the one signature")
			.containsExactly("GET", "POST");
	}

	/** Addresses compared so far, on both instances together. */
	private double comparisons() {
		return this.meters.counter("securelink.address.comparisons").count()
				+ second.getBean(MeterRegistry.class).counter("securelink.address.comparisons").count();
	}

	@Test
	@Behaviour("22")
	void revokeWhenOnOneInstanceThenTheOtherRefusesTheSessionWithinASecond() throws InterruptedException {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		admin.settings(tenant, false);
		CreatedLink link = admin.createLink(tenant,
				Map.of("document", "/invoices/revoke", "recipients", List.of("anna@example.com")));
		String id = link.id();
		Browser onSecond = new Browser(secondClient());
		onSecond.get(link.path());
		assertThat(onSecond.get("/d/" + id + "/").getStatus().value()).isEqualTo(200);

		admin.revoke(tenant, id);

		assertStatusWithin(onSecond, "/d/" + id + "/", 403, Duration.ofSeconds(1));
	}

	@Test
	@Behaviour("23")
	void verificationWhenTurnedOnThroughOneInstanceThenTheOtherEndsSessionsIssuedWithoutIt()
			throws InterruptedException {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		admin.settings(tenant, false);
		CreatedLink link = admin.createLink(tenant,
				Map.of("document", "/invoices/settings", "recipients", List.of("anna@example.com")));
		Browser onSecond = new Browser(secondClient());
		onSecond.get(link.path());
		assertThat(onSecond.get(link.documentSpace()).getStatus().value()).isEqualTo(200);

		admin.settings(tenant, true);

		assertStatusWithin(onSecond, link.documentSpace(), 403, Duration.ofSeconds(1));
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

	@Test
	void supportAccessWhenSwitchedOffWhileASupportRequestIsUnderWayOnTheOtherInstanceThenThatRequestEnds()
			throws Exception {
		String tenant = Admin.newTenant();
		setSupport(tenant, true);
		String support = "Bearer " + TestKeys.supportToken("agent-in-flight");
		WebClient onSecond = WebClient
			.create("http://localhost:" + second.getEnvironment().getProperty("local.server.port"));
		try (java.sql.Connection holder = TestDatabase.jdbcConnection()) {
			holder.setAutoCommit(false);
			try (java.sql.Statement lock = holder.createStatement()) {
				// The support request's listing of links waits for this transaction.
				lock.execute("lock table link in access exclusive mode");
			}
			java.util.concurrent.CompletableFuture<Integer> status = onSecond.get()
				.uri("/admin/v1/tenants/" + tenant + "/links")
				.header(HttpHeaders.AUTHORIZATION, support)
				.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
				.onErrorReturn(-1)
				.toFuture();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> count("select count(*) from access_event where tenant_id = $1 and type = 'support_read'",
						tenant) == 1);
			assertThat(status).as("held by the lock").isNotDone();

			setSupport(tenant, false);

			assertThat(status.get(5, java.util.concurrent.TimeUnit.SECONDS))
				.as("ended while the database still held it")
				.isEqualTo(403);
			holder.rollback();
		}
	}

	@Test
	void auditWhenBothInstancesAppendForOneTenantAtOnceThenOneUnbrokenChain() {
		String tenant = Admin.newTenant();
		String token = "Bearer " + TestKeys.token(tenant, Admin.ALL_SCOPES);
		List<WebClient> instances = List.of(WebClient.create("http://localhost:" + this.port),
				WebClient.create("http://localhost:" + second.getEnvironment().getProperty("local.server.port")));
		Flux.range(0, 40)
			.flatMap((i) -> instances.get(i % 2)
				.post()
				.uri("/admin/v1/tenants/" + tenant + "/links")
				.header(HttpHeaders.AUTHORIZATION, token)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Admin.linkRequest("/invoices/chain-" + i, "a@example.com"))
				.retrieve()
				.toBodilessEntity(), 16)
			.blockLast(Duration.ofSeconds(60));

		Queries.awaitSealed(this.db, tenant);
		this.client.get()
			.uri("/admin/v1/tenants/" + tenant + "/events/verification")
			.header(HttpHeaders.AUTHORIZATION, token)
			.exchange()
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(true)
			.jsonPath("$.events")
			.isEqualTo(40);
		assertThat(count("select count(distinct seq) from access_event where tenant_id = $1 and seq between 1 and 40",
				tenant))
			.isEqualTo(40);
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

	/**
	 * Polls until {@code path} answers {@code expected} (within {@code limit}), the
	 * notification's budget.
	 */
	private static void assertStatusWithin(Browser browser, String path, int expected, Duration limit) {
		await().atMost(limit)
			.pollInterval(Duration.ofMillis(25))
			.untilAsserted(() -> assertThat(browser.get(path).getStatus().value()).isEqualTo(expected));
	}

	private long count(String sql, Object... params) {
		return Queries.number(this.db, sql, params);
	}

}
