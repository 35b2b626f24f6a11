package dev.securelink.gateway.access;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.Secrets;
import dev.securelink.gateway.support.TestKeys;
import dev.securelink.gateway.support.TestMail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Remember this device": a verified recipient's browser skips the prompt on the same
 * company's later links to the same recipient, only there and only while nothing ended it
 * (declined, the option switched off, the link revoked, the admin call, a stricter mode).
 */
class RememberDeviceTests extends GatewayFixture {

	private static final String ANNA = "anna@example.com";

	@Test
	@Behaviour({ "55", "55a" })
	void browserWhenRememberedThenLaterLinksOfTheCompanyToThatRecipientOpenWithoutThePrompt() {
		remember(30);
		CreatedLink first = link("/invoices/remember-1", ANNA);
		Browser browser = new Browser(this.client).ip("198.51.100.61");
		EntityExchangeResult<String> prompt = browser.get(first.path());
		assertThat(Jsoup.parse(prompt.getResponseBody()).select("input#remember").hasAttr("checked")).isTrue();
		assertThat(prompt.getResponseBody()).contains("Remember this browser for 30 days");
		EntityExchangeResult<String> verified = verify(browser, first, ANNA, true);
		assertThat(verified.getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		ResponseCookie device = verified.getResponseCookies().getFirst(RememberedDevices.COOKIE_PREFIX + this.tenant);
		assertThat(device).isNotNull();
		assertThat(device.getMaxAge()).isEqualTo(Duration.ofDays(30));
		assertThat(device.isHttpOnly()).isTrue();
		assertThat(device.isSecure()).isTrue();
		Secrets.remember(device.getValue());

		CreatedLink second = link("/invoices/remember-2", "bruno@example.com", ANNA);
		EntityExchangeResult<String> opened = browser.get(second.path());
		assertThat(opened.getStatus()).as("no prompt").isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(opened.getResponseHeaders().getLocation().toString()).isEqualTo(second.documentSpace());
		assertThat(browser.get(second.documentSpace()).getStatus().value()).isEqualTo(200);

		// Only for that recipient, and only in that browser.
		CreatedLink bruno = link("/invoices/remember-3", "bruno@example.com");
		EntityExchangeResult<String> notBruno = browser.get(bruno.path());
		assertThat(notBruno.getStatus().value()).isEqualTo(200);
		assertThat(notBruno.getResponseCookies()).as("still remembered, for another recipient")
			.doesNotContainKey(RememberedDevices.COOKIE_PREFIX + this.tenant);
		Browser other = new Browser(this.client).ip("198.51.100.61");
		assertThat(other.get(link("/invoices/remember-4", ANNA).path()).getStatus().value()).isEqualTo(200);
		// Only for that company.
		String otherTenant = Admin.newTenant();
		this.admin.settings(otherTenant,
				Map.of("emailVerification", true, "supportAccess", false, "rememberDeviceDays", 30));
		CreatedLink elsewhere = this.admin.createLink(otherTenant, Admin.linkRequest("/invoices/remember-5", ANNA));
		assertThat(browser.get(elsewhere.path()).getStatus().value()).isEqualTo(200);

		Queries.awaitSealed(this.db, this.tenant);
		assertThat(Queries.events(this.db, first.id(), "device_remembered")).isEqualTo(1);
		assertThat(this.db.sql("select detail from access_event where link_id = :link and type = 'verified'")
			.bind("link", second.id())
			.map((row) -> row.get("detail", String.class))
			.one()
			.block()).isEqualTo(
					"{\"method\":\"device\",\"rememberedOn\":\"" + first.id() + "\",\"rememberedAfter\":\"address\"}");
	}

	@Test
	@Behaviour("55b")
	void browserWhenTheRecipientDeclinedOrTheOptionIsOffThenNotRemembered() {
		CreatedLink off = link("/invoices/remember-off", ANNA);
		Browser browser = new Browser(this.client).ip("198.51.100.62");
		assertThat(browser.get(off.path()).getResponseBody()).doesNotContain("id=\"remember\"");
		EntityExchangeResult<String> verified = verify(browser, off, ANNA, true);
		assertThat(verified.getResponseCookies()).doesNotContainKey(RememberedDevices.COOKIE_PREFIX + this.tenant);

		remember(7);
		CreatedLink declined = link("/invoices/remember-declined", ANNA);
		// Shown again after a wrong address, the box is as the visitor left it.
		EntityExchangeResult<String> wrongUnticked = browser.post(declined.path(),
				Map.of("email", "wrong@example.com", "csrf", Browser.csrfToken(browser.get(declined.path()))));
		assertThat(Jsoup.parse(wrongUnticked.getResponseBody()).select("input#remember").hasAttr("checked")).isFalse();
		EntityExchangeResult<String> wrongTicked = browser.post(declined.path(), Map.of("email", "wrong@example.com",
				"remember", "1", "csrf", Browser.csrfToken(browser.get(declined.path()))));
		assertThat(Jsoup.parse(wrongTicked.getResponseBody()).select("input#remember").hasAttr("checked")).isTrue();
		EntityExchangeResult<String> unticked = verify(browser, declined, ANNA, false);
		assertThat(unticked.getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(unticked.getResponseCookies()).doesNotContainKey(RememberedDevices.COOKIE_PREFIX + this.tenant);
		assertThat(browser.get(link("/invoices/remember-after", ANNA).path()).getStatus().value()).isEqualTo(200);
	}

	@Test
	@Behaviour("55c")
	void rememberedBrowserWhenForgottenSwitchedOffOrItsLinkRevokedThenThePromptAgain() {
		remember(30);
		Browser forgotten = rememberedBrowser("198.51.100.63");
		this.admin.post(this.tenant, "/remembered-devices/forget")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("address", " Anna@Example.COM "))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.forgotten")
			.isEqualTo(1);
		EntityExchangeResult<String> prompt = forgotten.get(link("/invoices/forgotten", ANNA).path());
		assertThat(prompt.getStatus().value()).isEqualTo(200);
		assertThat(prompt.getResponseCookies().getFirst(RememberedDevices.COOKIE_PREFIX + this.tenant).getMaxAge())
			.as("the browser forgets a cookie that is over")
			.isZero();
		assertThat(forgotten.cookies()).doesNotContainKey(RememberedDevices.COOKIE_PREFIX + this.tenant);
		Queries.awaitSealed(this.db, this.tenant);
		assertThat(this.db.sql("select detail from access_event where tenant_id = :t and type = 'devices_forgotten'")
			.bind("t", this.tenant)
			.map((row) -> row.get("detail", String.class))
			.one()
			.block()).isEqualTo("{\"forgotten\":1}");

		Browser switched = rememberedBrowser("198.51.100.64");
		remember(0);
		remember(30);
		assertThat(switched.get(link("/invoices/switched", ANNA).path()).getStatus().value())
			.as("switched off, then on again: browsers remembered before stay forgotten")
			.isEqualTo(200);

		Browser revoked = new Browser(this.client).ip("198.51.100.65");
		CreatedLink origin = link("/invoices/revoked-origin", ANNA);
		verify(revoked, origin, ANNA, true);
		this.admin.revoke(this.tenant, origin.id());
		assertThat(revoked.get(link("/invoices/after-revoke", ANNA).path()).getStatus().value()).isEqualTo(200);

		for (Object bad : List.of("", "no-at-sign", "a".repeat(250) + "@x.example")) {
			this.admin.post(this.tenant, "/remembered-devices/forget")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("address", bad))
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectHeader()
				.contentType("application/problem+json");
		}
		this.client.post()
			.uri("/admin/v1/tenants/" + this.tenant + "/remembered-devices/forget")
			.header("Authorization", "Bearer " + TestKeys.token(this.tenant, "links:read"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("address", ANNA))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	@Behaviour("55d")
	void rememberedBrowserWhenTheCompanyAsksForACodeThenOnlyACodeRememberedOneSkipsThePrompt() {
		remember(30);
		Browser byAddress = rememberedBrowser("198.51.100.66");
		this.admin.settings(this.tenant, Map.of("verification", "code", "supportAccess", false)).expectStatus().isOk();
		String anna = Secrets.remember("anna." + this.tenant + "@example.com");
		assertThat(byAddress.get(link("/invoices/code-now", ANNA).path()).getStatus().value())
			.as("an address is less than the company now asks")
			.isEqualTo(200);

		CreatedLink first = link("/invoices/code-remember", anna);
		Browser byCode = new Browser(this.client).ip("198.51.100.67");
		EntityExchangeResult<String> prompt = byCode.get(first.path());
		assertThat(prompt.getResponseBody()).as("the code mode asks on the code page")
			.doesNotContain("id=\"remember\"");
		EntityExchangeResult<String> codePage = byCode.post(first.path(),
				Map.of("email", anna, "csrf", Browser.csrfToken(prompt)));
		assertThat(codePage.getResponseBody()).contains("id=\"remember\"");
		String code = Secrets.remember(TestMail.code(TestMail.await(anna, 1)));
		EntityExchangeResult<String> opened = byCode.post(first.path(),
				Map.of("otp", code, "remember", "1", "csrf", Browser.csrfToken(codePage)));
		assertThat(opened.getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(opened.getResponseCookies()).containsKey(RememberedDevices.COOKIE_PREFIX + this.tenant);
		assertThat(byCode.get(link("/invoices/code-later", anna).path()).getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
	}

	private Browser rememberedBrowser(String ip) {
		Browser browser = new Browser(this.client).ip(ip);
		EntityExchangeResult<String> verified = verify(browser, link("/invoices/remember-origin", ANNA), ANNA, true);
		assertThat(verified.getResponseCookies()).containsKey(RememberedDevices.COOKIE_PREFIX + this.tenant);
		Secrets
			.remember(verified.getResponseCookies().getFirst(RememberedDevices.COOKIE_PREFIX + this.tenant).getValue());
		return browser;
	}

	private EntityExchangeResult<String> verify(Browser browser, CreatedLink link, String address, boolean remember) {
		EntityExchangeResult<String> prompt = browser.get(link.path());
		Map<String, String> form = new java.util.HashMap<>(Map.of("email", address, "csrf", Browser.csrfToken(prompt)));
		if (remember) {
			form.put("remember", "1");
		}
		return browser.post(link.path(), form);
	}

	private void remember(int days) {
		this.admin
			.settings(this.tenant,
					Map.of("emailVerification", true, "supportAccess", false, "rememberDeviceDays", days))
			.expectStatus()
			.isOk();
	}

	private CreatedLink link(String document, String... recipients) {
		return this.admin.createLink(this.tenant, Admin.linkRequest(document, recipients));
	}

}
