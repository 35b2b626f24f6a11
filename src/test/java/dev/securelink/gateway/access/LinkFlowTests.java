package dev.securelink.gateway.access;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;

import static org.assertj.core.api.Assertions.assertThat;

class LinkFlowTests extends GatewayFixture {

	static final String ANNA = "anna@example.com";

	@org.springframework.boot.test.web.server.LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Test
	@Behaviour({ "1", "2" })
	void openWhenUnknownExpiredRevokedOrMalformedThenOneIdentical404WithoutSession() {
		CreatedLink revoked = link("/invoices/revoked");
		this.admin.revoke(this.tenant, revoked.id());
		CreatedLink expiring = this.admin.createLink(this.tenant, Map.of("document", "/invoices/expiring", "recipients",
				List.of(ANNA), "expiresAt", Instant.now().plusSeconds(60).toString()));
		this.clock.advance(Duration.ofMinutes(2));

		List<String> paths = List.of(revoked.path(), expiring.path(), "/l/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/l/short",
				"/l/" + "A".repeat(31) + "!", "/l/" + "A".repeat(31) + "~");
		// The same page for each, but for its renewal form's action and token (they name
		// the code), and no cookie but that form's nonce.
		List<String> bodies = paths.stream().map((path) -> {
			EntityExchangeResult<String> result = new Browser(this.client).get(path);
			assertThat(result.getStatus().value()).as(path).isEqualTo(404);
			assertThat(result.getResponseCookies()).as(path).containsOnlyKeys("__Host-slc");
			return withoutToken(result.getResponseBody()).replace(path + "/renew", "");
		}).toList();
		assertThat(bodies).allMatch(bodies.get(0)::equals);
		assertThat(Jsoup.parse(bodies.get(0)).select("h1").text()).isEqualTo("This link does not work");
	}

	@Test
	@Behaviour("1")
	void openWhenCodeMalformedThenNoLookupAtAll() {
		double before = codeLookups();
		Browser browser = new Browser(this.client);
		browser.get("/l/not-a-code");
		browser.get("/l/" + "A".repeat(33));
		browser.get("/l/" + "A".repeat(31) + "*");
		assertThat(codeLookups()).isEqualTo(before);
		browser.get("/l/" + "B".repeat(32));
		assertThat(codeLookups()).as("a well-formed code is looked up").isGreaterThan(before);
	}

	@Test
	@Behaviour({ "4", "8" })
	void openWhenSessionHeldThen303AndAButtonWithoutItsRightLandsOnTheDocument() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/view-only", "recipients", List.of(ANNA)));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), ANNA);
		EntityExchangeResult<String> again = browser.get(link.path());
		assertThat(again.getStatus().value()).isEqualTo(303);
		assertThat(again.getResponseHeaders().getLocation()).hasToString(link.documentSpace());
		EntityExchangeResult<String> sign = browser.get(link.path() + "/sign");
		assertThat(sign.getStatus().value()).isEqualTo(303);
		assertThat(sign.getResponseHeaders().getLocation()).as("no sign right: the document")
			.hasToString(link.documentSpace());
	}

	@Test
	@Behaviour({ "3", "4" })
	void openWhenTheLinkRouteAnswersThenTheSame303AsWebFluxAndOneUnknownCodeSpentPerRequest() {
		String open = Admin.newTenant();
		this.admin.settings(open, false);
		CreatedLink link = this.admin.createLink(open,
				Map.of("document", "/invoices/routed", "recipients", List.of(ANNA)));
		double counted = seeOthers();
		// A plain spelling is the link route's; the same link with a query beyond lang
		// goes through WebFlux, whose answer the route must equal.
		EntityExchangeResult<String> routed = new Browser(this.client).get(link.path() + "?lang=fr");
		EntityExchangeResult<String> webflux = new Browser(this.client).get(link.path() + "?lang=fr&utm_source=mail");
		for (EntityExchangeResult<String> answer : List.of(routed, webflux)) {
			assertThat(answer.getStatus().value()).isEqualTo(303);
			assertThat(answer.getResponseHeaders().getLocation()).hasToString(link.documentSpace());
			assertThat(answer.getResponseCookies().getFirst("__Host-sls-" + link.id())).satisfies((cookie) -> {
				assertThat(cookie.isSecure()).isTrue();
				assertThat(cookie.isHttpOnly()).isTrue();
				assertThat(cookie.getSameSite()).isEqualTo("Lax");
				assertThat(cookie.getPath()).isEqualTo("/");
			});
		}
		assertThat(routed.getResponseHeaders().headerNames())
			.containsExactlyInAnyOrderElementsOf(webflux.getResponseHeaders().headerNames());
		assertThat(routed.getResponseHeaders().getContentLength()).isZero();
		assertThat(seeOthers() - counted).as("both in WebFlux's request metrics, one series").isEqualTo(2);

		// A page is the route's decision, answered by WebFlux: the prompt, and an unknown
		// code costs the client one token, not two.
		CreatedLink checked = link("/invoices/routed-prompt");
		EntityExchangeResult<String> prompt = new Browser(this.client).get(checked.path());
		assertThat(prompt.getStatus().value()).isEqualTo(200);
		assertThat(prompt.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("prompt");
		Browser guesser = new Browser(this.client).ip("203.0.113.191");
		for (int i = 0; i < 30; i++) {
			assertThat(guesser.get("/l/" + "C".repeat(31) + (char) ('A' + (i % 26))).getStatus().value())
				.as("guess " + i)
				.isEqualTo(404);
		}
		assertThat(guesser.get("/l/" + "D".repeat(32)).getStatus().value()).as("the 31st guess").isEqualTo(429);
	}

	private double seeOthers() {
		io.micrometer.core.instrument.Timer timer = this.meters.find("http.server.requests")
			.tags("error", "none", "exception", "none", "method", "GET", "outcome", "REDIRECTION", "status", "303",
					"uri", "/l/{code}")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	@Test
	@Behaviour({ "10", "12", "13" })
	void submitWhenCodeUnknownOrAddressBlankOrVerificationOffThenAsForAGetOrPromptOrSession() {
		CreatedLink link = link("/invoices/post-rows");
		Browser browser = new Browser(this.client);
		String token = Browser.csrfToken(browser.get(link.path()));
		EntityExchangeResult<String> unknown = browser.post(GatewayPaths.LINK + "A".repeat(32),
				Map.of("email", ANNA, "csrf", token));
		assertThat(unknown.getStatus().value()).as("an unknown code posted: the GET's page").isEqualTo(404);

		EntityExchangeResult<String> blank = browser.post(link.path(), Map.of("email", "  ", "csrf", token));
		assertThat(blank.getStatus().value()).isEqualTo(422);
		assertThat(blank.getResponseBody()).contains("Enter the e-mail address at which you received the document.");
		assertThat(count("select count(*) from link_attempt where link_id = $1", link.id())).as("not counted").isZero();

		this.admin.settings(this.tenant, false);
		EntityExchangeResult<String> off = browser.post(link.path(), Map.of("csrf", token));
		assertThat(off.getStatus().value()).isEqualTo(303);
		assertThat(off.getResponseHeaders().getLocation()).hasToString(link.documentSpace());
		assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
	}

	@Test
	@Behaviour("5")
	void openWhenVerificationOnThenAccessiblePromptAndNoSession() {
		CreatedLink link = link("/invoices/1");
		EntityExchangeResult<String> page = new Browser(this.client).get(link.path());

		assertThat(page.getStatus().value()).isEqualTo(200);
		assertThat(page.getResponseHeaders().getFirst(HttpHeaders.CACHE_CONTROL)).isEqualTo("no-store");
		assertThat(page.getResponseCookies()).containsOnlyKeys(FormTokens.COOKIE);
		Document html = Jsoup.parse(page.getResponseBody());
		assertThat(html.select("html").attr("lang")).isEqualTo("en");
		assertThat(html.select("label[for=email]").text()).isEqualTo("E-mail address");
		Element input = html.selectFirst("input#email");
		assertThat(input.attr("type")).isEqualTo("email");
		assertThat(input.attr("autocomplete")).isEqualTo("email");
		assertThat(html.select("input[name=csrf]").attr("value")).isNotBlank();
		assertThat(html.select("link[rel=stylesheet]").attr("href")).isEqualTo("/_gw/gateway.css");
		assertThat(html.select("script, img[src^=http], link[href^=http]")).isEmpty();
	}

	@Test
	@Behaviour("7")
	void openWhenRepeatedThenNothingChangesOnTheServer() {
		CreatedLink link = link("/invoices/prefetched");
		Browser scanner = new Browser(this.client);
		for (int i = 0; i < 3; i++) {
			scanner.get(link.path());
			scanner.get(link.path() + "/pay");
		}
		assertThat(count("select count(*) from access_event where link_id = $1 and type <> 'created'", link.id()))
			.isZero();
		assertThat(count("select count(*) from link_attempt where link_id = $1", link.id())).isZero();
	}

	@Test
	@Behaviour("16")
	void submitWhenRightAddressThenNewSessionAnd303ToAUrlWithoutTheCode() {
		CreatedLink link = link("/invoices/2");
		String id = link.id();
		Browser browser = new Browser(this.client);

		EntityExchangeResult<String> result = browser.verify(link.path(), "  Anna@EXAMPLE.com ");

		assertThat(result.getStatus().value()).isEqualTo(303);
		assertThat(result.getResponseHeaders().getLocation()).hasToString("/d/" + id + "/");
		String setCookie = result.getResponseHeaders()
			.get(HttpHeaders.SET_COOKIE)
			.stream()
			.filter((header) -> header.startsWith("__Host-sls-" + id + "="))
			.findFirst()
			.orElseThrow();
		assertThat(setCookie).matches("__Host-sls-" + id + "=[A-Za-z0-9_.-]+(; [^;]+)+")
			.doesNotContainIgnoringCase("Domain=");
		assertThat(List.of(setCookie.split("; "))).extracting(String::toLowerCase)
			.contains("path=/", "max-age=43200", "secure", "httponly", "samesite=lax");
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).isEqualTo(200);
		assertThat(count(
				"select count(*) from access_event where link_id = $1 and type = 'verified' and client is not null",
				id))
			.isEqualTo(1);
	}

	@Test
	@Behaviour("16")
	void submitWhenFromSignButtonThenLandsOnTheSignPage() {
		CreatedLink link = link("/offers/3");
		EntityExchangeResult<String> result = new Browser(this.client).verify(link.path() + "/sign", ANNA);
		assertThat(result.getResponseHeaders().getLocation()).hasToString(link.documentSpace() + "sign");
	}

	@Test
	@Behaviour("16")
	void submitWhenCookiePlantedThenReplacedByANewSession() {
		CreatedLink link = link("/invoices/fixation");
		String id = link.id();
		Browser browser = new Browser(this.client).cookie("__Host-sls-" + id, "planted-by-attacker");
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).isEqualTo(403);

		String path = link.path();
		String token = Browser.csrfToken(browser.get(path));
		browser.post(path, Map.of("email", ANNA, "csrf", token));
		String first = browser.cookie("__Host-sls-" + id);
		assertThat(first).isNotEqualTo("planted-by-attacker");

		browser.post(path, Map.of("email", ANNA, "csrf", token));
		assertThat(browser.cookie("__Host-sls-" + id)).as("each verification makes a new session").isNotEqualTo(first);
	}

	@Test
	@Behaviour("17")
	void submitWhenWrongAddressThenGenericErrorTiedToTheFieldAndEveryFailureLooksTheSame() {
		CreatedLink link = link("/invoices/4");
		String path = link.path();
		Browser browser = new Browser(this.client);

		EntityExchangeResult<String> first = browser.verify(path, "mallory@example.com");
		EntityExchangeResult<String> second = browser.verify(path, "anna@example.org");

		assertThat(first.getStatus().value()).isEqualTo(422);
		assertThat(first.getResponseHeaders().get(HttpHeaders.SET_COOKIE)).isNull();
		Document html = Jsoup.parse(first.getResponseBody());
		assertThat(html.select("input#email").attr("aria-invalid")).isEqualTo("true");
		assertThat(html.select("input#email").attr("aria-describedby")).isEqualTo("email-error");
		assertThat(html.select("input#email").hasAttr("autofocus")).isTrue();
		assertThat(html.select("#email-error").text()).contains("does not give access");
		assertThat(withoutToken(first.getResponseBody())).isEqualTo(withoutToken(second.getResponseBody()));
		assertThat(first.getResponseBody()).doesNotContain("mallory");
	}

	@Test
	@Behaviour({ "15", "18", "18a" })
	void submitWhenFiveWrongAddressesThenLockedForThatClientEvenForTheRightOneUntilItExpiresAndSessionsSurvive() {
		CreatedLink link = link("/invoices/locked");
		String id = link.id();
		String path = link.path();
		Browser anna = new Browser(this.client);
		anna.verify(path, ANNA);
		String attackerAddress = "198.51.100.66";
		Browser attacker = new Browser(this.client).ip(attackerAddress);

		List<Integer> statuses = new java.util.ArrayList<>();
		for (int i = 0; i < 5; i++) {
			statuses.add(attacker.verify(path, "guess" + i + "@example.com").getStatus().value());
		}
		assertThat(statuses).containsExactly(422, 422, 422, 422, 429);

		EntityExchangeResult<String> locked = attacker.verify(path, ANNA);
		assertThat(locked.getStatus().value()).isEqualTo(429);
		assertThat(Long.parseLong(locked.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(14 * 60L,
				15 * 60L + 1);
		assertThat(anna.get("/d/" + id + "/").getStatus().value()).as("existing session survives the lock")
			.isEqualTo(200);
		assertThat(new Browser(this.client).verify(path, ANNA).getStatus().value())
			.as("the recipient from another client is not locked out")
			.isEqualTo(303);

		this.clock.advance(Duration.ofMinutes(16));
		assertThat(new Browser(this.client).ip(attackerAddress).verify(path, ANNA).getStatus().value()).isEqualTo(303);

		for (int i = 0; i < 5; i++) {
			attacker.verify(path, "again" + i + "@example.com");
		}
		this.clock.advance(Duration.ofMinutes(16));
		assertThat(attacker.verify(path, ANNA).getStatus().value()).as("second lock lasts 30 min").isEqualTo(429);
		this.clock.advance(Duration.ofMinutes(15));
		assertThat(attacker.verify(path, ANNA).getStatus().value()).isEqualTo(303);
		assertThat(count("select count(*) from access_event where link_id = $1 and type = 'locked'", id)).isEqualTo(2);
	}

	@Test
	@Behaviour({ "9", "11" })
	void submitWhenCrossSiteOrWithoutTokenThen403AndNoSession() {
		CreatedLink link = link("/invoices/csrf");
		String path = link.path();
		Browser browser = new Browser(this.client);
		String token = Browser.csrfToken(browser.get(path));

		assertThat(browser.postFrom("https://evil.example", path, Map.of("email", ANNA, "csrf", token))
			.getStatus()
			.value()).isEqualTo(403);
		assertThat(browser.post(path, Map.of("email", ANNA)).getStatus().value()).isEqualTo(403);
		assertThat(browser.post(path, Map.of("email", ANNA, "csrf", token + "x")).getStatus().value()).isEqualTo(403);
		Browser noCookie = new Browser(this.client);
		assertThat(noCookie.post(path, Map.of("email", ANNA, "csrf", token)).getStatus().value()).isEqualTo(403);
		assertThat(browser.cookies().keySet()).noneMatch((name) -> name.startsWith("__Host-sls-"));
		assertThat(browser.post(path, Map.of("email", ANNA, "csrf", token)).getStatus().value()).isEqualTo(303);
	}

	@Test
	@Behaviour("9")
	void submitWhenFetchMetadataSaysCrossSiteThen403() {
		CreatedLink link = link("/invoices/sec-fetch");
		String path = link.path();
		Browser browser = new Browser(this.client);
		String token = Browser.csrfToken(browser.get(path));
		this.client.post()
			.uri(path)
			.header("Sec-Fetch-Site", "cross-site")
			.header(HttpHeaders.COOKIE, browser.cookieHeader())
			.contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("email=anna%40example.com&csrf=" + token)
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	@Behaviour({ "6", "23" })
	void openWhenVerificationOffThenSessionAtOnceAndTurningItOnEndsThatSession() {
		this.admin.settings(this.tenant, false);
		CreatedLink link = link("/invoices/open");
		String id = link.id();
		Browser browser = new Browser(this.client);

		EntityExchangeResult<String> opened = browser.get(link.path());
		assertThat(opened.getStatus().value()).isEqualTo(303);
		assertThat(opened.getResponseHeaders().getLocation()).hasToString("/d/" + id + "/");
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).isEqualTo(200);

		this.admin.settings(this.tenant, true);
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).isEqualTo(403);
		assertThat(browser.get(link.path()).getStatus().value()).as("prompt again").isEqualTo(200);
	}

	@Test
	@Behaviour("19")
	void sessionWhenOtherSettingsChangeThenItStaysOpen() {
		CreatedLink link = link("/invoices/settings-version");
		String id = link.id();
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), ANNA);
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).isEqualTo(200);

		this.admin.supportAccessForAnHour(this.tenant);
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).as("no settings version in the session")
			.isEqualTo(200);
	}

	@Test
	@Behaviour("16")
	void submitWhenAddressCarriesInvisibleSpacesOrAnotherCompositionThenStillTheRecipient() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/nfc", "recipients", List.of("Jos\u00e9@example.com")));
		String path = link.path();
		for (String typed : List.of("jose\u0301@example.com", "\u00a0jos\u00e9@example.com\u200b",
				"jo\u200ds\u00e9@exam\ufeffple.com\u202f")) {
			assertThat(new Browser(this.client).verify(path, typed).getStatus().value()).as(typed).isEqualTo(303);
		}
		assertThat(new Browser(this.client).verify(path, "jose@example.com").getStatus().value()).isEqualTo(422);
	}

	@Test
	@Behaviour("6a")
	void openWhenOneClientMintsSessionsInALoopThen429ForItAlone() {
		this.admin.settings(this.tenant, false);
		CreatedLink link = link("/invoices/loop");
		// A script that drops the cookie every time: each open asks for a new session.
		for (int i = 0; i < 10; i++) {
			assertThat(new Browser(this.client).ip("203.0.113.61").get(link.path()).getStatus().value())
				.as("session " + (i + 1))
				.isEqualTo(303);
		}
		EntityExchangeResult<String> refused = new Browser(this.client).ip("203.0.113.61").get(link.path());
		assertThat(refused.getStatus().value()).isEqualTo(429);
		assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("60");
		assertThat(refused.getResponseCookies()).as("no session, only the renewal form's nonce")
			.containsOnlyKeys("__Host-slc");
		assertThat(new Browser(this.client).ip("203.0.113.62").get(link.path()).getStatus().value())
			.as("another visitor")
			.isEqualTo(303);
	}

	@Test
	@Behaviour("12a")
	void submitWhenFormBodyOverTheLimitThen413AndNothingCounted() {
		CreatedLink link = link("/invoices/big-form");
		String path = link.path();
		Browser browser = new Browser(this.client);
		String token = Browser.csrfToken(browser.get(path));
		EntityExchangeResult<String> answer = browser.post(path,
				Map.of("email", ANNA, "csrf", token, "padding", "x".repeat(70 * 1024)));
		assertThat(answer.getStatus().value()).isEqualTo(413);
		assertThat(answer.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("toolarge");
		assertThat(count("select count(*) from link_attempt where link_id = $1", link.id())).isZero();
	}

	@Test
	@Behaviour("14")
	void submitWhenIpv6ClientsShareA64ThenTheyShareOneBudget() {
		Browser guesser = new Browser(this.client);
		assertThat(wrongAddressesRefused(guesser, "/invoices/v6-",
				(i, j) -> guesser.ip("2001:db8:77:1::" + Integer.toHexString(i * 16 + j + 1))))
			.as("one budget of 20 for the whole /64")
			.isEqualTo(4);
		Browser neighbour = new Browser(this.client).ip("2001:db8:77:2::1");
		String fresh = link("/invoices/v6-other").path();
		assertThat(neighbour.verify(fresh, "nobody@example.com").getStatus().value()).as("another /64").isEqualTo(422);
	}

	@Test
	@Behaviour({ "21", "22" })
	void sessionWhenRevokedOrIdleOrPastItsLifeThenEnded() {
		CreatedLink link = link("/invoices/ending");
		String id = link.id();
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), ANNA);

		this.clock.advance(Duration.ofMinutes(25));
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).as("used within 30 min").isEqualTo(200);
		this.clock.advance(Duration.ofMinutes(25));
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).as("activity refreshed it").isEqualTo(200);
		this.clock.advance(Duration.ofMinutes(31));
		assertThat(browser.get("/d/" + id + "/").getStatus().value()).as("idle 31 min").isEqualTo(403);

		Browser other = new Browser(this.client);
		other.verify(link.path(), ANNA);
		for (int i = 0; i < 25; i++) {
			this.clock.advance(Duration.ofMinutes(29));
			other.get("/d/" + id + "/");
		}
		assertThat(other.get("/d/" + id + "/").getStatus().value()).as("12 h absolute limit").isEqualTo(403);

		Browser third = new Browser(this.client);
		third.verify(link.path(), ANNA);
		this.admin.revoke(this.tenant, id);
		assertThat(third.get("/d/" + id + "/").getStatus().value()).isEqualTo(403);
	}

	@Test
	@Behaviour("24")
	void sessionsWhenManyDocumentsOpenedThenEachRecentOneStaysOpenAndCookiesStayUnder4Kb() {
		String longTenant = "t-" + "x".repeat(48) + Admin.newTenant();
		this.admin.settings(longTenant, false);
		Browser browser = new Browser(this.client);
		List<String> ids = new java.util.ArrayList<>();
		for (int i = 0; i < 11; i++) {
			CreatedLink link = this.admin.createLink(longTenant, Map.of("document", "/invoices/" + i, "recipients",
					List.of(ANNA), "rights", List.of("sign", "pay")));
			ids.add(link.id());
			browser.get(link.path());
		}
		assertThat(browser.cookieHeader().length()).isLessThan(4096);
		for (String id : ids.subList(3, 11)) {
			assertThat(browser.get("/d/" + id + "/").getStatus().value()).as(id).isEqualTo(200);
		}
		assertThat(browser.get("/d/" + ids.get(0) + "/").getStatus().value()).as("oldest evicted").isEqualTo(403);
	}

	@Test
	@Behaviour("24b")
	void sessionsWhenALinkWithoutTheCheckIsOpenedThenNoVerifiedSessionOfTheBrowserIsEvicted() {
		Browser browser = new Browser(this.client);
		List<String> verified = new java.util.ArrayList<>();
		for (int i = 0; i < 8; i++) {
			CreatedLink link = link("/invoices/verified-" + i);
			browser.verify(link.path(), ANNA);
			verified.add(link.id());
		}
		String openTenant = Admin.newTenant();
		this.admin.settings(openTenant, false);
		for (int i = 0; i < 3; i++) {
			CreatedLink open = this.admin.createLink(openTenant,
					Map.of("document", "/invoices/open-" + i, "recipients", List.of(ANNA)));
			assertThat(browser.get(open.path()).getStatus().value()).isEqualTo(303);
		}

		for (String id : verified) {
			assertThat(browser.get("/d/" + id + "/").getStatus().value()).as("verified session " + id).isEqualTo(200);
		}
	}

	@Test
	@Behaviour("19")
	void documentWhenSessionValidAndLinkCachedThenNoDatabaseLookup() {
		CreatedLink link = link("/invoices/hot");
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), ANNA);
		browser.get(link.documentSpace());
		double misses = cacheMisses("links") + cacheMisses("tenant-settings") + cacheMisses("link-codes");
		assertThat(misses).as("the first request loaded the link and settings").isPositive();
		for (int i = 0; i < 5; i++) {
			assertThat(browser.get(link.documentSpace() + "x" + i).getStatus().value()).isEqualTo(200);
		}
		assertThat(cacheMisses("links") + cacheMisses("tenant-settings") + cacheMisses("link-codes")).isEqualTo(misses);
	}

	@Test
	@Behaviour("20")
	void documentWhenNoSessionOrUnknownLinkThenSameOpenFromEmailPage() {
		CreatedLink link = link("/invoices/nosession");
		EntityExchangeResult<String> known = new Browser(this.client).get(link.documentSpace());
		EntityExchangeResult<String> unknown = new Browser(this.client).get("/d/AAAAAAAAAAAAAAAA/");
		assertThat(known.getStatus().value()).isEqualTo(403);
		assertThat(known.getResponseBody()).isEqualTo(unknown.getResponseBody());
		assertThat(Jsoup.parse(known.getResponseBody()).select("h1").text())
			.isEqualTo("Open the link from your e-mail again");
	}

	@Test
	@Behaviour("5")
	void pageWhenLanguageChosenThenLinkLocaleThenAcceptLanguageThenEnglish() {
		CreatedLink german = this.admin.createLink(this.tenant,
				Map.of("document", "/a", "recipients", List.of(ANNA), "locale", "de"));
		CreatedLink plain = link("/b");
		String germanPath = german.path();
		String plainPath = plain.path();

		assertThat(title(new Browser(this.client).language("fr-BE,fr;q=0.9").get(germanPath)))
			.isEqualTo("Ihr Dokument öffnen");
		assertThat(title(new Browser(this.client).language("de").get(germanPath + "?lang=nl")))
			.isEqualTo("Open uw document");
		assertThat(title(new Browser(this.client).language("nl-BE,nl;q=0.9,en;q=0.5").get(plainPath)))
			.isEqualTo("Open uw document");
		assertThat(title(new Browser(this.client).language("fr").get(plainPath))).isEqualTo("Ouvrir votre document");
		assertThat(title(new Browser(this.client).language("de-AT").get(plainPath))).isEqualTo("Ihr Dokument öffnen");
		assertThat(title(new Browser(this.client).language("ja").get(plainPath))).isEqualTo("Open your document");
		assertThat(title(new Browser(this.client).language("nl").get("/l/unknown"))).isEqualTo("Deze link werkt niet");

		Document page = Jsoup.parse(new Browser(this.client).language("fr").get(plainPath).getResponseBody());
		assertThat(page.select("html").attr("lang")).isEqualTo("fr");
		assertThat(page.select("nav.languages a").eachAttr("hreflang")).containsExactly("en", "fr", "nl", "de");
		assertThat(page.select("nav.languages a[aria-current=true]").attr("hreflang")).isEqualTo("fr");
	}

	@Test
	@Behaviour("17")
	void submitWhenWrongAddressInDutchThenErrorInDutch() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/a", "recipients", List.of(ANNA), "locale", "nl"));
		EntityExchangeResult<String> result = new Browser(this.client).verify(link.path(), "wrong@example.com");
		assertThat(Jsoup.parse(result.getResponseBody()).select("#email-error").text())
			.isEqualTo("Dit adres geeft geen toegang tot dit document. Controleer het en probeer opnieuw.");
	}

	@Test
	@Behaviour("3")
	void openWhenOneClientTriesManyUnknownCodesThen429() {
		Browser guesser = new Browser(this.client);
		int tooMany = 0;
		for (int i = 0; i < 35; i++) {
			if (guesser.get("/l/" + String.format("%032d", i)).getStatus().value() == 429) {
				tooMany++;
			}
		}
		assertThat(tooMany).isEqualTo(5);
		assertThat(new Browser(this.client).get("/l/" + "9".repeat(32)).getStatus().value())
			.as("another client is not affected")
			.isEqualTo(404);
	}

	@Test
	@Behaviour("3")
	void openWhenOneClientBurstsUnknownCodesAtOnceThenNoMoreLookupsThanItsBudget() {
		double lookupsBefore = codeLookups();
		org.springframework.web.reactive.function.client.WebClient web = org.springframework.web.reactive.function.client.WebClient
			.create("http://localhost:" + this.port);
		List<Integer> statuses = reactor.core.publisher.Flux.range(0, 80)
			.flatMap(
					(i) -> web.get()
						.uri("/l/" + String.format("B%031d", i))
						.header("X-Forwarded-For", "198.51.100.201")
						.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value())),
					80)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(statuses).filteredOn((status) -> status == 404).hasSize(30);
		assertThat(statuses).filteredOn((status) -> status == 429).hasSize(50);
		assertThat(codeLookups() - lookupsBefore).as("codes looked up").isLessThanOrEqualTo(30);
	}

	@Test
	@Behaviour("14")
	void submitWhenOneClientSpendsItsWrongAddressBudgetAcrossLinksThen429ForThatClientOnly() {
		Browser guesser = new Browser(this.client);
		assertThat(wrongAddressesRefused(guesser, "/invoices/budget", (i, j) -> {
		})).as("20 wrong addresses per client, each link below its own lock").isEqualTo(4);
		String fresh = link("/invoices/budget-other").path();
		assertThat(new Browser(this.client).verify(fresh, ANNA).getStatus().value()).isEqualTo(303);
	}

	/**
	 * Four wrong addresses on each of six new links; {@code before} runs before each.
	 * Answers how many were 429.
	 */
	private int wrongAddressesRefused(Browser guesser, String documentPrefix,
			java.util.function.BiConsumer<Integer, Integer> before) {
		int tooMany = 0;
		for (int i = 0; i < 6; i++) {
			String path = link(documentPrefix + i).path();
			for (int j = 0; j < 4; j++) {
				before.accept(i, j);
				if (guesser.verify(path, "g" + i + j + "@example.com").getStatus().value() == 429) {
					tooMany++;
				}
			}
		}
		return tooMany;
	}

	private CreatedLink link(String document) {
		return this.admin.createLink(this.tenant, Map.of("document", document, "recipients",
				List.of(ANNA, "bob@example.com"), "rights", List.of("sign", "pay")));
	}

	private long count(String sql, Object... params) {
		return Queries.number(this.db, sql, params);
	}

	private double codeLookups() {
		return this.meters.find("cache.gets")
			.tag("cache", "link-codes")
			.functionCounters()
			.stream()
			.mapToDouble(io.micrometer.core.instrument.FunctionCounter::count)
			.sum();
	}

	private double cacheMisses(String cache) {
		return this.meters.find("cache.gets")
			.tag("cache", cache)
			.tag("result", "miss")
			.functionCounters()
			.stream()
			.mapToDouble(io.micrometer.core.instrument.FunctionCounter::count)
			.sum();
	}

	private static String title(EntityExchangeResult<String> page) {
		return Jsoup.parse(page.getResponseBody()).select("h1").text();
	}

	private static String withoutToken(String html) {
		return html.replaceAll("name=\"csrf\" value=\"[^\"]*\"", "");
	}

}
