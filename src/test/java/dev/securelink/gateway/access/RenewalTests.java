package dev.securelink.gateway.access;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "Ask for a new link" through the public port: the form on the pages of an expired or
 * locked link, one answer for every case (bytes and time), one event per link and
 * recipient a day, the tenant's switches, the client's budget and the form's CSRF rules.
 */
class RenewalTests extends GatewayFixture {

	@Autowired
	Renewals renewals;

	static final String ANNA = "anna@example.com";

	static final String BERT = "bert@example.com";

	/** {@code securelink.limits.renewal-answer-time} in the tests. */
	static final Duration ANSWER_TIME = Duration.ofMillis(150);

	@Test
	@Behaviour({ "2", "39" })
	void pageWhenLinkExpiredOrCodeUnknownThenTheSameFormToAskForANewLinkAndNothingRecorded() {
		CreatedLink expired = expiredLink("/invoices/renew-page", ANNA);
		Browser browser = new Browser(this.client);

		EntityExchangeResult<String> page = browser.get(expired.path());
		assertThat(page.getStatus().value()).isEqualTo(404);
		Document html = Jsoup.parse(page.getResponseBody());
		assertThat(html.select("form").attr("action")).isEqualTo(expired.path() + "/renew");
		assertThat(html.select("form input[name=csrf]").attr("value")).isNotBlank();
		assertThat(html.select("label[for=renewal-email]").text()).isEqualTo("E-mail address");
		assertThat(html.select("input#renewal-email").attr("type")).isEqualTo("email");
		assertThat(html.select("input#renewal-email").hasAttr("required")).isTrue();
		assertThat(html.select("h2").text()).isEqualTo("Ask for a new link");
		assertThat(html.select("section.renewal").attr("aria-labelledby")).isEqualTo("renewal-heading");
		assertThat(browser.cookie(FormTokens.COOKIE)).as("the form's nonce").isNotNull();

		String unknown = "/l/" + "C".repeat(32);
		EntityExchangeResult<String> other = browser.get(unknown);
		assertThat(withoutForm(other.getResponseBody(), unknown))
			.isEqualTo(withoutForm(page.getResponseBody(), expired.path()));

		EntityExchangeResult<String> own = browser.get(expired.path() + "/renew");
		assertThat(own.getStatus().value()).isEqualTo(200);
		assertThat(Jsoup.parse(own.getResponseBody()).select("h1").text()).isEqualTo("Ask for a new link");
		assertThat(Jsoup.parse(own.getResponseBody()).select("form").attr("action"))
			.isEqualTo(expired.path() + "/renew");
		assertThat(own.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("renewal");
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).as("a GET never asks").isZero();
		assertThat(requests(expired.id())).isZero();
	}

	@Test
	@Behaviour({ "43", "44" })
	void submitWhenAnyCaseThenTheSameAnswerByteForByteAndInTheSameTimeButOnlyTheRecipientsRequestRecorded() {
		CreatedLink expired = expiredLink("/invoices/renew-same", ANNA, BERT);
		CreatedLink active = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/renew-active", "recipients", List.of(ANNA)));
		String offTenant = Admin.newTenant();
		CreatedLink off = expiredLinkOf(offTenant, "/invoices/renew-off", ANNA);
		this.admin
			.settings(offTenant, Map.of("emailVerification", true, "supportAccess", false, "selfServiceRenewal", false))
			.expectStatus()
			.isOk();

		Map<String, Supplier<EntityExchangeResult<String>>> cases = new java.util.LinkedHashMap<>();
		cases.put("recipient of an expired link", () -> answer(expired.path(), BERT));
		cases.put("the same again", () -> answer(expired.path(), BERT));
		cases.put("wrong address", () -> answer(expired.path(), "mallory@example.com"));
		cases.put("active link, not locked", () -> answer(active.path(), ANNA));
		cases.put("unknown code", () -> answer("/l/" + "D".repeat(32), ANNA));
		cases.put("malformed code", () -> answer("/l/short", ANNA));
		cases.put("setting off", () -> answer(off.path(), ANNA));

		Map<String, List<Long>> millis = new HashMap<>();
		String first = null;
		for (int round = 0; round < 5; round++) {
			for (Map.Entry<String, Supplier<EntityExchangeResult<String>>> each : cases.entrySet()) {
				long start = System.nanoTime();
				EntityExchangeResult<String> answer = each.getValue().get();
				long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
				assertThat(answer.getStatus().value()).as(each.getKey()).isEqualTo(200);
				assertThat(answer.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("renewalsent");
				assertThat(answer.getResponseHeaders().get(HttpHeaders.SET_COOKIE)).as(each.getKey()).isNull();
				if (first == null) {
					first = answer.getResponseBody();
				}
				assertThat(answer.getResponseBody()).as(each.getKey()).isEqualTo(first);
				assertThat(took).as(each.getKey()).isGreaterThanOrEqualTo(ANSWER_TIME.toMillis());
				millis.computeIfAbsent(each.getKey(), (key) -> new ArrayList<>()).add(took);
			}
		}
		assertThat(Jsoup.parse(first).select("h1").text()).isEqualTo("Your request has been received");
		assertThat(Jsoup.parse(first).select("form")).isEmpty();
		assertThat(first).doesNotContain(BERT, expired.id());
		List<Long> medians = millis.values().stream().map(RenewalTests::median).toList();
		assertThat(java.util.Collections.max(medians) - java.util.Collections.min(medians))
			.as("medians of every case, ms: " + millis)
			.isLessThan(60);

		recorded();
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).as("one a day").isEqualTo(1);
		assertThat(Queries.number(this.db,
				"select count(*) from access_event where link_id = $1 and type = 'renewal_requested' "
						+ "and detail = '{\"recipient\":1}'",
				expired.id()))
			.as("Bert is the second recipient")
			.isEqualTo(1);
		assertThat(Queries.events(this.db, active.id(), "renewal_requested")).isZero();
		assertThat(Queries.events(this.db, off.id(), "renewal_requested")).isZero();
		assertThat(Queries.number(this.db, "select count(*) from renewal_request")).as("no request kept an address")
			.isGreaterThanOrEqualTo(1);
	}

	@Test
	@Behaviour("43")
	void submitWhenTheDatabaseIsSlowerThanTheFloorThenStillAnsweredAtTheFloorAndRecordedAfterwards() throws Exception {
		CreatedLink expired = expiredLink("/invoices/renew-slow-database", ANNA);
		Browser anna = new Browser(this.client);
		String token = Browser.csrfToken(anna.get(expired.path() + "/renew"));
		long took;
		try (java.sql.Connection holder = TestDatabase.jdbcConnection()) {
			holder.setAutoCommit(false);
			try (java.sql.Statement lock = holder.createStatement()) {
				// Every write of a request for a new link now waits for this transaction.
				lock.execute("lock table renewal_request in exclusive mode");
			}
			long start = System.nanoTime();
			EntityExchangeResult<String> answer = anna.post(expired.path() + "/renew",
					Map.of("email", ANNA, "csrf", token));
			took = (System.nanoTime() - start) / 1_000_000;
			assertThat(answer.getStatus().value()).isEqualTo(200);
			assertThat(Jsoup.parse(answer.getResponseBody()).select("h1").text())
				.isEqualTo("Your request has been received");
			Thread.sleep(ANSWER_TIME.toMillis() * 4);
			assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).as("not recorded yet").isZero();
			holder.rollback();
		}
		assertThat(took).as("answered at the floor while the database was held for longer")
			.isGreaterThanOrEqualTo(ANSWER_TIME.toMillis())
			.isLessThan(ANSWER_TIME.toMillis() * 4);
		recorded();
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isEqualTo(1);
	}

	@Test
	@Behaviour("44")
	void submitWhenTheSameRecipientAsksAgainThenOneEventADayAndAnotherRecipientHasItsOwn() {
		CreatedLink expired = expiredLink("/invoices/renew-daily", ANNA, BERT);
		ask(expired.path(), ANNA);
		ask(expired.path(), "  ANNA@example.com ");
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isEqualTo(1);
		ask(expired.path(), BERT);
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isEqualTo(2);

		this.clock.advance(Duration.ofHours(23));
		ask(expired.path(), ANNA);
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isEqualTo(2);
		this.clock.advance(Duration.ofHours(1));
		ask(expired.path(), ANNA);
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).as("a day later").isEqualTo(3);
	}

	@Test
	@Behaviour({ "39", "44" })
	void submitWhenLinkLockedForThisClientThenRecordedAndForAnotherClientNot() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/renew-locked", "recipients", List.of(ANNA)));
		Browser locked = new Browser(this.client).ip("198.51.100.90");
		EntityExchangeResult<String> last = null;
		for (int i = 0; i < 5; i++) {
			last = locked.verify(link.path(), "guess" + i + "@example.com");
		}
		assertThat(last.getStatus().value()).isEqualTo(429);
		Document page = Jsoup.parse(last.getResponseBody());
		assertThat(page.select("h1").text()).isEqualTo("Too many attempts");
		assertThat(page.select("form").attr("action")).isEqualTo(link.path() + "/renew");

		Browser elsewhere = new Browser(this.client).ip("198.51.100.91");
		assertThat(ask(elsewhere, link.path(), ANNA).getStatus().value()).isEqualTo(200);
		assertThat(Queries.events(this.db, link.id(), "renewal_requested")).as("not locked for that client").isZero();

		EntityExchangeResult<String> asked = locked.post(link.path() + "/renew",
				Map.of("email", ANNA, "csrf", Browser.csrfToken(last)));
		assertThat(asked.getStatus().value()).isEqualTo(200);
		recorded();
		assertThat(Queries.events(this.db, link.id(), "renewal_requested")).isEqualTo(1);
	}

	@Test
	@Behaviour({ "44", "47" })
	void submitWhenAskedOnAnotherTenantsLinkHostThenTheSameAnswerAndNothingRecorded() {
		CreatedLink expired = expiredLink("/invoices/renew-host", ANNA);
		String other = Admin.newTenant();
		this.admin.put(other, "/link-hosts/docs." + other + ".example").exchange().expectStatus().isCreated();
		assertThat(this.renewals.request(expired.code(), ANNA, "198.51.100.93", "docs." + other + ".example").block())
			.isEqualTo(Renewals.Outcome.IGNORED);
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isZero();
		assertThat(this.renewals.request(expired.code(), ANNA, "198.51.100.93", "localhost:8080").block())
			.isEqualTo(Renewals.Outcome.REQUESTED);
	}

	@Test
	@Behaviour("44")
	void submitWhenLinkRevokedThenRecordedOnlyWhenTheTenantOptsIn() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/renew-revoked", "recipients", List.of(ANNA)));
		this.admin.revoke(this.tenant, link.id());
		ask(link.path(), ANNA);
		assertThat(Queries.events(this.db, link.id(), "renewal_requested")).isZero();

		this.admin
			.settings(this.tenant, Map.of("emailVerification", true, "supportAccess", false, "renewalForRevoked", true))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.selfServiceRenewal")
			.isEqualTo(true)
			.jsonPath("$.renewalForRevoked")
			.isEqualTo(true);
		ask(link.path(), ANNA);
		assertThat(Queries.events(this.db, link.id(), "renewal_requested")).isEqualTo(1);
	}

	@Test
	@Behaviour("42")
	void submitWhenOneClientAsksTooOftenThen429WithRetryAfterBeforeAnythingIsLookedUp() {
		CreatedLink expired = expiredLink("/invoices/renew-budget", ANNA);
		Browser browser = new Browser(this.client).ip("198.51.100.92");
		for (int i = 0; i < 10; i++) {
			assertThat(ask(browser, "/l/" + "E".repeat(31) + i, ANNA).getStatus().value()).isEqualTo(200);
		}
		EntityExchangeResult<String> refused = ask(browser, expired.path(), ANNA);
		assertThat(refused.getStatus().value()).isEqualTo(429);
		assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3600");
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isZero();
		assertThat(ask(expired.path(), ANNA).getStatus().value()).as("another client").isEqualTo(200);
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isEqualTo(1);
	}

	@Test
	@Behaviour({ "40", "41" })
	void submitWhenCrossSiteOrTokenOfAnotherCodeOrNoAddressThenRefusedAndNothingRecorded() {
		CreatedLink expired = expiredLink("/invoices/renew-csrf", ANNA);
		String path = expired.path() + "/renew";
		Browser browser = new Browser(this.client);
		String token = Browser.csrfToken(browser.get(path));
		String otherToken = Browser.csrfToken(browser.get("/l/" + "F".repeat(32) + "/renew"));

		assertThat(browser.postFrom("https://evil.example", path, Map.of("email", ANNA, "csrf", token))
			.getStatus()
			.value()).isEqualTo(403);
		assertThat(browser.post(path, Map.of("email", ANNA)).getStatus().value()).isEqualTo(403);
		assertThat(browser.post(path, Map.of("email", ANNA, "csrf", otherToken)).getStatus().value())
			.as("a token made for another code")
			.isEqualTo(403);
		assertThat(new Browser(this.client).post(path, Map.of("email", ANNA, "csrf", token)).getStatus().value())
			.as("another browser's token")
			.isEqualTo(403);

		EntityExchangeResult<String> blank = browser.post(path, Map.of("email", " ", "csrf", token));
		assertThat(blank.getStatus().value()).isEqualTo(422);
		Document html = Jsoup.parse(blank.getResponseBody());
		assertThat(html.select("#renewal-error").attr("role")).isEqualTo("alert");
		assertThat(html.select("input#renewal-email").attr("aria-invalid")).isEqualTo("true");
		assertThat(html.select("input#renewal-email").attr("aria-describedby")).isEqualTo("renewal-error");
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isZero();

		assertThat(browser.post(path, Map.of("email", ANNA, "csrf", token)).getStatus().value()).isEqualTo(200);
		assertThat(Queries.events(this.db, expired.id(), "renewal_requested")).isEqualTo(1);
	}

	@Test
	@Behaviour("43")
	void pagesWhenInEachLanguageThenTranslatedAndNeverInTheLinksLanguage() {
		CreatedLink german = this.admin.createLink(this.tenant, Map.of("document", "/invoices/renew-de", "recipients",
				List.of(ANNA), "locale", "de", "expiresAt", Instant.now().plusSeconds(60).toString()));
		this.clock.advance(Duration.ofMinutes(2));
		Map<String, String[]> expected = Map.of("en",
				new String[] { "Ask for a new link", "Your request has been received" }, "fr",
				new String[] { "Demander un nouveau lien", "Votre demande a été reçue" }, "nl",
				new String[] { "Vraag een nieuwe link aan", "Uw aanvraag is ontvangen" }, "de",
				new String[] { "Einen neuen Link anfordern", "Ihre Anfrage ist eingegangen" });
		for (Map.Entry<String, String[]> language : expected.entrySet()) {
			Browser browser = new Browser(this.client).language(language.getKey());
			EntityExchangeResult<String> page = browser.get(german.path());
			assertThat(Jsoup.parse(page.getResponseBody()).select("h2").text()).as(language.getKey())
				.isEqualTo(language.getValue()[0]);
			EntityExchangeResult<String> sent = browser.post(german.path() + "/renew",
					Map.of("email", ANNA, "csrf", Browser.csrfToken(page)));
			Document html = Jsoup.parse(sent.getResponseBody());
			assertThat(html.select("h1").text()).as(language.getKey()).isEqualTo(language.getValue()[1]);
			assertThat(html.select("html").attr("lang")).isEqualTo(language.getKey());
		}
	}

	private CreatedLink expiredLink(String document, String... recipients) {
		return expiredLinkOf(this.tenant, document, recipients);
	}

	/** A link that expired a minute ago (the test clock moves; it is reset after). */
	private CreatedLink expiredLinkOf(String tenant, String document, String... recipients) {
		CreatedLink link = this.admin.createLink(tenant, Map.of("document", document, "recipients", List.of(recipients),
				"expiresAt", this.clock.instant().plusSeconds(60).toString()));
		this.clock.advance(Duration.ofMinutes(2));
		return link;
	}

	/** Opens the link's page in a new browser and asks for a new link from it. */
	private EntityExchangeResult<String> ask(String linkPath, String address) {
		return ask(new Browser(this.client), linkPath, address);
	}

	/**
	 * Asks from a new browser and gives the answer, without waiting for the recording.
	 */
	private EntityExchangeResult<String> answer(String linkPath, String address) {
		Browser browser = new Browser(this.client);
		EntityExchangeResult<String> page = browser.get(linkPath + "/renew");
		return browser.post(linkPath + "/renew", Map.of("email", address, "csrf", Browser.csrfToken(page)));
	}

	/** Asks, and waits until what was asked is recorded (it is, after the answer). */
	private EntityExchangeResult<String> ask(Browser browser, String linkPath, String address) {
		EntityExchangeResult<String> page = browser.get(linkPath + "/renew");
		EntityExchangeResult<String> answer = browser.post(linkPath + "/renew",
				Map.of("email", address, "csrf", Browser.csrfToken(page)));
		recorded();
		return answer;
	}

	private void recorded() {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.renewals.pending() == 0);
	}

	private long requests(String linkId) {
		return Queries.number(this.db, "select count(*) from renewal_request where link_id = $1", linkId);
	}

	/** The page without the form's action and token, which name the code. */
	private static String withoutForm(String page, String linkPath) {
		return page.replace(linkPath + "/renew", "ACTION").replaceAll("name=\"csrf\" value=\"[^\"]*\"", "TOKEN");
	}

	private static long median(List<Long> values) {
		List<Long> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

}
