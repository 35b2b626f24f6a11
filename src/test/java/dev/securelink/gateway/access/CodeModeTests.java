package dev.securelink.gateway.access;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.Secrets;
import dev.securelink.gateway.support.TestMail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The code verification mode, black-box against the shared gateway and a real SMTP
 * server: the same answer for a recipient's address and a stranger's (a mail only for the
 * recipient), a code that works once, in its browser only, for 15 minutes and 5 tries,
 * its wrong tries locking as wrong addresses do, the resend, the hourly limits, and the
 * settings API's mode.
 */
class CodeModeTests extends GatewayFixture {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private String anna;

	@BeforeEach
	void codeMode() {
		this.admin.settings(this.tenant, Map.of("verification", "code", "supportAccess", false, "displayName", "Acme"))
			.expectStatus()
			.isOk();
		this.anna = Secrets.remember("anna." + this.tenant + "@example.com");
	}

	@Test
	@Behaviour({ "48", "48a", "48b" })
	void addressWhenARecipientsOrAStrangersThenTheSameAnswerAndAMailOnlyForTheRecipient() {
		CreatedLink link = link("/invoices/code-same");
		Browser recipient = new Browser(this.client).ip("198.51.100.21");
		Browser stranger = new Browser(this.client).ip("198.51.100.22");
		String mallory = Secrets.remember("mallory." + this.tenant + "@example.com");

		EntityExchangeResult<String> prompt = recipient.get(link.path());
		assertThat(prompt.getStatus().value()).isEqualTo(200);
		assertThat(prompt.getResponseBody()).contains("we will send a code to it", "Send me a code");
		long started = System.nanoTime();
		EntityExchangeResult<String> forRecipient = recipient.verify(link.path(), this.anna);
		long recipientNanos = System.nanoTime() - started;
		started = System.nanoTime();
		EntityExchangeResult<String> forStranger = stranger.verify(link.path(), mallory);
		long strangerNanos = System.nanoTime() - started;

		assertThat(forRecipient.getStatus().value()).isEqualTo(200);
		assertThat(forStranger.getStatus().value()).isEqualTo(200);
		assertThat(withoutToken(forStranger.getResponseBody())).isEqualTo(withoutToken(forRecipient.getResponseBody()));
		assertThat(forRecipient.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("code");
		Document page = Jsoup.parse(forRecipient.getResponseBody());
		assertThat(page.text())
			.contains("If this address received the document, a code is on its way to it.",
					"The code is valid for 15 minutes, in this browser only.")
			.doesNotContain(this.anna);
		Element otp = page.selectFirst("input[name=otp]");
		assertThat(otp.attr("autocomplete")).isEqualTo("one-time-code");
		assertThat(otp.attr("inputmode")).isEqualTo("numeric");
		// Both are answered at the floor at the least (the answer time), whatever they
		// came to.
		assertThat(Duration.ofNanos(recipientNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(Duration.ofNanos(strangerNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

		MimeMessage mail = TestMail.await(this.anna, 1);
		assertThat(Secrets.remember(TestMail.code(mail))).hasSize(6);
		await().pollDelay(Duration.ofMillis(700)).until(() -> true);
		assertThat(TestMail.receivedFor(mallory)).isEmpty();
		Queries.awaitSealed(this.db, this.tenant);
		assertThat(Queries.events(this.db, link.id(), "code_requested")).isEqualTo(2);
		assertThat(Queries.events(this.db, link.id(), "failed")).as("asking for a code is no failure").isZero();
	}

	@Test
	@Behaviour("50")
	void codeWhenRightThenTheSessionOpensOnceWithTheMailboxProvenInTheEvidence() {
		CreatedLink link = link("/invoices/code-once");
		Browser browser = new Browser(this.client).ip("198.51.100.23");
		browser.verify(link.path(), this.anna);
		String code = Secrets.remember(TestMail.code(TestMail.await(this.anna, 1)));

		EntityExchangeResult<String> page = browser.get(link.path());
		assertThat(page.getResponseHeaders().getFirst("X-SecureLink-Page")).as("a GET shows the address prompt")
			.isEqualTo("prompt");
		EntityExchangeResult<String> opened = submitCode(browser, link,
				" " + code.substring(0, 3) + " " + code.substring(3) + " ");
		assertThat(opened.getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(opened.getResponseHeaders().getLocation().toString()).isEqualTo(link.documentSpace());
		assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(200);

		Queries.awaitSealed(this.db, this.tenant);
		String detail = this.db.sql("select detail from access_event where link_id = :link and type = 'verified'")
			.bind("link", link.id())
			.map((row) -> row.get("detail", String.class))
			.one()
			.block();
		assertThat(detail).isEqualTo("{\"method\":\"code\"}");

		Browser again = new Browser(this.client).ip("198.51.100.23");
		again.cookie(FormTokens.COOKIE, browser.cookie(FormTokens.COOKIE));
		EntityExchangeResult<String> reused = submitCode(again, link, code);
		assertThat(reused.getStatus().value()).as("a code works once").isEqualTo(422);
		assertThat(reused.getResponseBody()).contains("This code no longer works");
	}

	@Test
	@Behaviour("52")
	void codeWhenTypedInAnotherBrowserThenItOpensNothing() {
		CreatedLink link = link("/invoices/code-browser");
		Browser asking = new Browser(this.client).ip("198.51.100.24");
		asking.verify(link.path(), this.anna);
		String code = Secrets.remember(TestMail.code(TestMail.await(this.anna, 1)));

		Browser other = new Browser(this.client).ip("198.51.100.24");
		EntityExchangeResult<String> noCode = submitCode(other, link, code);
		assertThat(noCode.getStatus().value()).isEqualTo(422);
		assertThat(noCode.getResponseBody()).contains("This code no longer works");
		// Even after asking for a code for the same address itself.
		other.verify(link.path(), this.anna);
		TestMail.await(this.anna, 2);
		EntityExchangeResult<String> wrong = submitCode(other, link, code);
		assertThat(wrong.getStatus().value()).isEqualTo(422);
		assertThat(wrong.getResponseBody()).contains("This code is not right");
		assertThat(other.cookies().keySet()).containsExactly(FormTokens.COOKIE);
	}

	@Test
	@Behaviour("52")
	void codeWhenFifteenMinutesOldThenExpired() {
		CreatedLink link = link("/invoices/code-expired");
		Browser browser = new Browser(this.client).ip("198.51.100.25");
		browser.verify(link.path(), this.anna);
		String code = Secrets.remember(TestMail.code(TestMail.await(this.anna, 1)));
		this.clock.advance(Duration.ofMinutes(15).plusSeconds(1));
		EntityExchangeResult<String> late = submitCode(browser, link, code);
		assertThat(late.getStatus().value()).isEqualTo(422);
		assertThat(late.getResponseBody()).contains("This code no longer works");
	}

	@Test
	@Behaviour({ "51", "49a" })
	void codeWhenWrongThenCountedTowardTheLocksAsAWrongAddressIs() {
		CreatedLink link = link("/invoices/code-lock");
		Browser attacker = new Browser(this.client).ip("198.51.100.26");
		attacker.verify(link.path(), this.anna);
		String code = Secrets.remember(TestMail.code(TestMail.await(this.anna, 1)));
		String wrong = code.equals("000000") ? "111111" : "000000";
		List<Integer> statuses = new java.util.ArrayList<>();
		for (int i = 0; i < 5; i++) {
			statuses.add(submitCode(attacker, link, wrong).getStatus().value());
		}
		assertThat(statuses).containsExactly(422, 422, 422, 422, 429);
		EntityExchangeResult<String> right = submitCode(attacker, link, code);
		assertThat(right.getStatus().value()).as("locked: the right code is not compared").isEqualTo(429);
		Queries.awaitSealed(this.db, this.tenant);
		assertThat(Queries.events(this.db, link.id(), "failed")).isEqualTo(4);
		assertThat(Queries.events(this.db, link.id(), "locked")).isEqualTo(1);
		assertThat(Queries.events(this.db, link.id(), "verified")).isZero();
		EntityExchangeResult<String> asked = attacker.verify(link.path(), this.anna);
		assertThat(asked.getStatus().value()).as("locked: no new code either").isEqualTo(429);
		assertThat(Queries.events(this.db, link.id(), "code_requested")).isEqualTo(1);
	}

	@Test
	@Behaviour({ "53", "53a" })
	void resendWhenTooSoonThenRefusedAndAfterAMinuteANewCodeReplacesTheOld() {
		CreatedLink link = link("/invoices/code-resend");
		Browser browser = new Browser(this.client).ip("198.51.100.27");
		browser.verify(link.path(), this.anna);
		String first = Secrets.remember(TestMail.code(TestMail.await(this.anna, 1)));

		EntityExchangeResult<String> soon = resend(browser, link);
		assertThat(soon.getStatus().value()).isEqualTo(422);
		assertThat(soon.getResponseBody()).contains("a minute after the last one");
		// The same address typed again is no way round the wait.
		EntityExchangeResult<String> again = browser.verify(link.path(), this.anna);
		assertThat(again.getStatus().value()).isEqualTo(422);
		assertThat(again.getResponseBody()).contains("a minute after the last one");
		this.clock.advance(Duration.ofSeconds(61));
		assertThat(resend(browser, link).getStatus().value()).isEqualTo(200);
		String second = Secrets.remember(TestMail.code(TestMail.await(this.anna, 2)));
		if (!first.equals(second)) {
			assertThat(submitCode(browser, link, first).getStatus().value()).as("the old code is replaced")
				.isEqualTo(422);
		}
		assertThat(submitCode(browser, link, second).getStatus()).isEqualTo(HttpStatus.SEE_OTHER);

		// Another address (a typo fixed) is not held up by the wait.
		Browser typo = new Browser(this.client).ip("198.51.100.28");
		assertThat(typo.verify(link.path(), "typo." + this.anna).getStatus().value()).isEqualTo(200);
		assertThat(typo.verify(link.path(), this.anna).getStatus().value()).isEqualTo(200);
		assertThat(typo.verify(link.path(), this.anna).getStatus().value()).isEqualTo(422);
	}

	@Test
	@Behaviour("49")
	void codesWhenPastTheHourlyLimitThenRefusedAlikeForRecipientsAndStrangers() {
		CreatedLink link = link("/invoices/code-limit");
		String mallory = Secrets.remember("mallory." + this.tenant + "@example.com");
		for (String address : List.of(this.anna, mallory)) {
			List<Integer> statuses = new java.util.ArrayList<>();
			for (int i = 0; i < 4; i++) {
				statuses.add(new Browser(this.client).ip("198.51.100." + (30 + i))
					.verify(link.path(), address)
					.getStatus()
					.value());
			}
			assertThat(statuses).as(address.startsWith("anna") ? "recipient" : "stranger")
				.containsExactly(200, 200, 200, 429);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> TestMail.receivedFor(this.anna).size() == 3);
	}

	@Test
	void settingsWhenTheModeIsSetThenTheOldBooleanKeepsWorkingAndBadValuesAreRefused() {
		JsonNode code = settings(Map.of("verification", "code", "supportAccess", false));
		assertThat(code.get("verification").asString()).isEqualTo("code");
		assertThat(code.get("emailVerification").asBoolean()).isTrue();
		assertThat(settings(Map.of("emailVerification", true, "supportAccess", false)).get("verification").asString())
			.as("true keeps a mode that is on")
			.isEqualTo("code");
		assertThat(settings(Map.of("emailVerification", false, "supportAccess", false)).get("verification").asString())
			.isEqualTo("off");
		assertThat(settings(Map.of("emailVerification", true, "supportAccess", false)).get("verification").asString())
			.isEqualTo("address");
		for (Map<String, Object> bad : List.of(Map.<String, Object>of("verification", "sms", "supportAccess", false),
				Map.<String, Object>of("verification", "off", "emailVerification", true, "supportAccess", false),
				Map.<String, Object>of("supportAccess", false))) {
			this.admin.settings(this.tenant, bad)
				.expectStatus()
				.isBadRequest()
				.expectHeader()
				.contentType("application/problem+json");
		}
		assertThat(settings(Map.of("verification", "address", "supportAccess", false)).get("verification").asString())
			.isEqualTo("address");
	}

	@Test
	void tenantRowWhenThePreviousReleaseWritesTheBooleanDuringARollingUpgradeThenTheModeFollows() {
		assertThat(row()).isEqualTo("code/true");
		// The previous release saves other settings, its boolean unchanged: the mode
		// stays.
		this.db.sql("update tenant set email_verification = true, support_access = true where id = :id")
			.bind("id", this.tenant)
			.then()
			.block();
		assertThat(row()).isEqualTo("code/true");
		this.db.sql("update tenant set email_verification = false where id = :id")
			.bind("id", this.tenant)
			.then()
			.block();
		assertThat(row()).isEqualTo("off/false");
		this.db.sql("update tenant set email_verification = true where id = :id")
			.bind("id", this.tenant)
			.then()
			.block();
		assertThat(row()).isEqualTo("address/true");
		settings(Map.of("verification", "off", "supportAccess", false));
		assertThat(row()).as("this release's writes keep the old column in step").isEqualTo("off/false");
		String old = Admin.newTenant();
		this.db.sql(
				"insert into tenant (id, email_verification, created_at, updated_at) values (:id, false, now(), now())")
			.bind("id", old)
			.then()
			.block();
		assertThat(this.db.sql("select verification from tenant where id = :id")
			.bind("id", old)
			.map((r) -> r.get("verification", String.class))
			.one()
			.block()).isEqualTo("off");
	}

	private String row() {
		return this.db.sql("select verification, email_verification from tenant where id = :id")
			.bind("id", this.tenant)
			.map((r) -> r.get("verification", String.class) + "/" + r.get("email_verification", Boolean.class))
			.one()
			.block();
	}

	@Test
	@Behaviour("49")
	void codesWhenABurstAsksAtOnceThenNoMoreMailsThanTheLimit() {
		CreatedLink link = link("/invoices/code-burst");
		// Eight browsers of one client, each with its prompt, posting at once.
		List<Browser> browsers = new java.util.ArrayList<>();
		List<String> tokens = new java.util.ArrayList<>();
		for (int i = 0; i < 8; i++) {
			Browser browser = new Browser(this.client).ip("198.51.100.40");
			tokens.add(Browser.csrfToken(browser.get(link.path())));
			browsers.add(browser);
		}
		List<Integer> statuses = reactor.core.publisher.Flux.range(0, 8)
			.flatMap((i) -> reactor.core.publisher.Mono
				.fromCallable(() -> browsers.get(i)
					.post(link.path(), Map.of("email", this.anna, "csrf", tokens.get(i)))
					.getStatus()
					.value())
				.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()), 8)
			.collectList()
			.block();
		assertThat(statuses).filteredOn((status) -> status == 200).hasSize(3);
		assertThat(statuses).filteredOn((status) -> status == 429).hasSize(5);
		await().atMost(Duration.ofSeconds(20)).until(() -> TestMail.receivedFor(this.anna).size() >= 3);
		await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
		assertThat(TestMail.receivedFor(this.anna)).hasSize(3);
	}

	@Test
	@Behaviour("48a")
	void addressWhenTypedWithInvisibleCharactersThenTheMailGoesToTheAddressAsNormalised() {
		CreatedLink link = link("/invoices/code-normalised");
		Browser browser = new Browser(this.client).ip("198.51.100.41");
		browser.verify(link.path(), "\u200B " + this.anna.toUpperCase(java.util.Locale.ROOT) + "\u00A0");
		MimeMessage mail = TestMail.await(this.anna, 1);
		Secrets.remember(TestMail.code(mail));
	}

	@Test
	@Behaviour("50")
	void sessionWhenVerifiedByAddressAndTheCompanyThenAsksForACodeThenItEnds() {
		this.admin.settings(this.tenant, Map.of("verification", "address", "supportAccess", false))
			.expectStatus()
			.isOk();
		CreatedLink link = link("/invoices/code-stricter");
		Browser browser = new Browser(this.client).ip("198.51.100.42");
		assertThat(browser.verify(link.path(), this.anna).getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
		this.admin.settings(this.tenant, Map.of("verification", "code", "supportAccess", false)).expectStatus().isOk();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(
					browser.get(link.documentSpace()).getResponseHeaders().getFirst("X-SecureLink-Page"))
				.isEqualTo("session"));
		assertThat(browser.get(link.path()).getResponseBody()).contains("Send me a code");
	}

	@Test
	void settingsWhenTheGatewayHasNoMailRelayThenTheCodeModeIsRefused() {
		ConfigurableApplicationContext plain = Instances.start(new String[0], "--server.port=0",
				"--management.server.port=0", "--securelink.test.mail=false");
		try {
			WebTestClient other = Instances.client(plain, "local.server.port");
			new Admin(other).settings(this.tenant, Map.of("verification", "code", "supportAccess", false))
				.expectStatus()
				.isEqualTo(409)
				.expectBody(String.class)
				.value((body) -> assertThat(body).contains("spring.mail.host"));
		}
		finally {
			plain.close();
		}
	}

	private JsonNode settings(Map<String, Object> body) {
		return JSON.readTree(this.admin.settings(this.tenant, body)
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
	}

	@Test
	@Behaviour("61")
	void allowDomainsWhenAMailboxOfTheDomainProvesItselfThenItBecomesARecipientOnTheRecord() {
		String domain = "acme-" + this.tenant.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "") + ".be";
		Map<String, Object> request = new java.util.HashMap<>(Admin.linkRequest("/invoices/org", this.anna));
		request.put("allowDomains", List.of(domain.toUpperCase(java.util.Locale.ROOT)));
		CreatedLink link = this.admin.createLink(this.tenant, request);
		assertThat(link.allowDomains()).containsExactly(domain);
		String carla = Secrets.remember("carla@" + domain);
		String outsider = Secrets.remember("carla@other-" + domain);

		Browser browser = new Browser(this.client).ip("198.51.100.41");
		assertThat(browser.verify(link.path(), carla).getStatus().value()).isEqualTo(200);
		String code = Secrets.remember(TestMail.code(TestMail.await(carla, 1)));
		assertThat(submitCode(browser, link, code).getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
		new Browser(this.client).ip("198.51.100.42").verify(link.path(), outsider);
		// A mail library reads this as the bracketed mailbox alone: not the domain's.
		String smuggled = Secrets.remember("mallory@evil-" + domain);
		new Browser(this.client).ip("198.51.100.44").verify(link.path(), "<" + smuggled + ">@" + domain);
		await().pollDelay(Duration.ofMillis(700)).until(() -> true);
		assertThat(TestMail.receivedFor(outsider)).as("another domain gets no code").isEmpty();
		assertThat(TestMail.receivedFor(smuggled)).as("no code for a bracketed mailbox").isEmpty();

		// Again, in another browser: the same person, the same index.
		Browser again = new Browser(this.client).ip("198.51.100.43");
		again.verify(link.path(), carla);
		String second = Secrets.remember(TestMail.code(TestMail.await(carla, 2)));
		assertThat(submitCode(again, link, second).getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		Queries.awaitSealed(this.db, this.tenant);
		assertThat(Queries.events(this.db, link.id(), "recipient_added")).isEqualTo(1);
		String added = this.db.sql("select detail from access_event where link_id = :link and type = 'recipient_added'")
			.bind("link", link.id())
			.map((row) -> row.get("detail", String.class))
			.one()
			.block();
		assertThat(added).as("the link's rights")
			.isEqualTo("{\"recipient\":1,\"rights\":[\"view\",\"sign\",\"pay\"],\"depth\":0,\"via\":\"domain\"}");
		this.admin.get(this.tenant, "/links/" + link.id())
			.exchange()
			.expectBody()
			.jsonPath("$.addedRecipients[0].via")
			.isEqualTo("domain")
			.jsonPath("$.addedRecipients[0].index")
			.isEqualTo(1);

		// In the address mode, a typed address of the domain proves nothing: no match.
		this.admin.settings(this.tenant, Map.of("verification", "address", "supportAccess", false))
			.expectStatus()
			.isOk();
		assertThat(new Browser(this.client).ip("198.51.100.45").verify(link.path(), carla).getStatus().value())
			.isEqualTo(422);
		this.admin.settings(this.tenant, Map.of("verification", "code", "supportAccess", false)).expectStatus().isOk();
		// Removed by the company, the person stays out: no code, no new index.
		this.admin.delete(this.tenant, "/links/" + link.id() + "/recipients/1").exchange().expectStatus().isNoContent();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(403));
		new Browser(this.client).ip("198.51.100.46").verify(link.path(), carla);
		await().pollDelay(Duration.ofMillis(700)).until(() -> true);
		assertThat(TestMail.receivedFor(carla)).as("no third code").hasSize(2);
	}

	@Test
	@Behaviour("61")
	void allowDomainsWhenNotCodeModeOrASuffixOrWebmailThenRefusedAndNoLink() {
		Map<String, Object> request = new java.util.HashMap<>(Admin.linkRequest("/invoices/org-bad", this.anna));
		for (String domain : List.of("co.uk", "github.io", "gmail.com", "outlook.com", "not a domain", "be",
				"sales.acme.be")) {
			request.put("allowDomains", List.of(domain));
			this.admin.post(this.tenant, "/links")
				.bodyValue(request)
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("allowDomains");
		}
		this.admin.settings(this.tenant, Map.of("verification", "address", "supportAccess", false))
			.expectStatus()
			.isOk();
		request.put("allowDomains", List.of("acme.be"));
		this.admin.post(this.tenant, "/links")
			.bodyValue(request)
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("allowDomains");
	}

	private CreatedLink link(String document) {
		return this.admin.createLink(this.tenant, Admin.linkRequest(document, this.anna));
	}

	private static EntityExchangeResult<String> submitCode(Browser browser, CreatedLink link, String code) {
		EntityExchangeResult<String> prompt = browser.get(link.path());
		return browser.post(link.path(), Map.of("otp", code, "csrf", Browser.csrfToken(prompt)));
	}

	private static EntityExchangeResult<String> resend(Browser browser, CreatedLink link) {
		EntityExchangeResult<String> prompt = browser.get(link.path());
		return browser.post(link.path(), Map.of("resend", "1", "csrf", Browser.csrfToken(prompt)));
	}

	private static String withoutToken(String page) {
		return page.replaceAll("name=\"csrf\" value=\"[^\"]*\"", "");
	}

}
