package dev.securelink.gateway.access;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sender's name on the pages before verification: the prompt, the locked page and an
 * expired link's page with its form to ask for a new link, in four languages, as text
 * (markup escaped), never for an unknown or revoked code, and not when the tenant opts
 * out. Nothing about the document appears.
 */
class SenderTests extends GatewayFixture {

	static final String NAME = "Acme <b>Invoicing</b> & Co";

	@BeforeEach
	void nameTheSender() {
		this.admin
			.settings(this.tenant,
					Map.of("emailVerification", true, "supportAccess", false, "displayName", "  " + NAME + "  "))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.displayName")
			.isEqualTo(NAME)
			.jsonPath("$.showSenderOnPrompt")
			.isEqualTo(true);
	}

	@Test
	@Behaviour({ "5", "5a" })
	void promptWhenTheTenantHasADisplayNameThenItNamesTheSenderInEachLanguageAsText() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/INV-7781-secret-title", "recipients", List.of("anna@example.com")));
		Map<String, String> expected = Map.of("en", NAME + " sent you this document.", "fr",
				NAME + " vous a envoyé ce document.", "nl", NAME + " heeft u dit document gestuurd.", "de",
				NAME + " hat Ihnen dieses Dokument gesendet.");
		for (Map.Entry<String, String> language : expected.entrySet()) {
			EntityExchangeResult<String> prompt = new Browser(this.client).language(language.getKey()).get(link.path());
			Document html = Jsoup.parse(prompt.getResponseBody());
			assertThat(html.select("p.sender").text()).as(language.getKey()).isEqualTo(language.getValue());
			assertThat(html.select("p.sender b")).as("the name's markup is text").isEmpty();
			assertThat(prompt.getResponseBody()).contains("Acme &lt;b&gt;Invoicing&lt;/b&gt; &amp; Co")
				.doesNotContain("INV-7781");
		}
		EntityExchangeResult<String> wrong = new Browser(this.client).verify(link.path(), "nobody@example.com");
		assertThat(Jsoup.parse(wrong.getResponseBody()).select("p.sender").text()).startsWith(NAME);
	}

	@Test
	@Behaviour("5a")
	void pagesWhenLinkExpiredOrLockedThenTheyNameTheSenderAndForUnknownOrRevokedCodesNot() {
		CreatedLink locked = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/locked", "recipients", List.of("anna@example.com")));
		Browser guesser = new Browser(this.client);
		EntityExchangeResult<String> last = null;
		for (int i = 0; i < 5; i++) {
			last = guesser.verify(locked.path(), "guess" + i + "@example.com");
		}
		assertThat(last.getStatus().value()).isEqualTo(429);
		assertThat(Jsoup.parse(last.getResponseBody()).select("p.sender").text())
			.isEqualTo(NAME + " sent you this document.");

		CreatedLink revoked = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/revoked", "recipients", List.of("anna@example.com")));
		this.admin.revoke(this.tenant, revoked.id());
		CreatedLink expired = this.admin.createLink(this.tenant, Map.of("document", "/invoices/expired", "recipients",
				List.of("anna@example.com"), "expiresAt", Instant.now().plusSeconds(60).toString()));
		this.clock.advance(Duration.ofMinutes(2));

		Document expiredPage = Jsoup
			.parse(new Browser(this.client).language("de").get(expired.path()).getResponseBody());
		assertThat(expiredPage.select("h1").text()).isEqualTo("Dieser Link funktioniert nicht");
		assertThat(expiredPage.select("p.sender").text()).isEqualTo(NAME + " hat Ihnen dieses Dokument gesendet.");
		assertThat(expiredPage.select("section.renewal form")).as("with its form to ask for a new link").hasSize(1);
		for (String path : List.of(revoked.path(), "/l/" + "G".repeat(32))) {
			Document page = Jsoup.parse(new Browser(this.client).get(path).getResponseBody());
			assertThat(page.select("h1").text()).isEqualTo("This link does not work");
			assertThat(page.select("p.sender")).as(path).isEmpty();
		}
	}

	@Test
	@Behaviour("5a")
	void promptWhenTheTenantOptsOutThenNoSenderAndTheNameIsKept() {
		this.admin
			.settings(this.tenant,
					Map.of("emailVerification", true, "supportAccess", false, "showSenderOnPrompt", false))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.displayName")
			.isEqualTo(NAME);
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/quiet", "recipients", List.of("anna@example.com")));
		EntityExchangeResult<String> prompt = new Browser(this.client).get(link.path());
		assertThat(Jsoup.parse(prompt.getResponseBody()).select("p.sender")).isEmpty();
		assertThat(prompt.getResponseBody()).doesNotContain("Acme");
	}

}
