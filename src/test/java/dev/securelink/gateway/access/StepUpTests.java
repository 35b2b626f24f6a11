package dev.securelink.gateway.access;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Secrets;
import dev.securelink.gateway.support.TestMail;
import dev.securelink.gateway.support.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A code before sign and pay: a session verified by an address alone reaches the sign
 * page only after an e-mail code, asked on the gateway's step-up page for the session's
 * own recipient; nothing reaches the upstream before.
 */
class StepUpTests extends GatewayFixture {

	@Test
	@Behaviour({ "56", "56a", "56b" })
	void signWhenTheSessionTypedAnAddressOnlyThenACodeFirstAndNothingReachesTheUpstreamBefore() {
		this.admin
			.settings(this.tenant, Map.of("verification", "address", "supportAccess", false, "codeBeforeActions", true))
			.expectStatus()
			.isOk();
		String anna = Secrets.remember("anna." + this.tenant + "@example.com");
		String bruno = Secrets.remember("bruno." + this.tenant + "@example.com");
		String document = "/invoices/step-up-" + this.tenant;
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", document, "recipients", List.of(anna, bruno), "rights", List.of("sign")));
		Browser browser = new Browser(this.client).ip("198.51.100.81");
		assertThat(browser.verify(link.path(), anna).getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(200);

		EntityExchangeResult<String> sign = browser.get(link.documentSpace() + "sign");
		assertThat(sign.getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		String stepUp = sign.getResponseHeaders().getLocation().getPath();
		assertThat(stepUp).startsWith("/_gw/step-up/");
		EntityExchangeResult<String> post = browser.post(link.documentSpace() + "sign/confirm",
				Map.of("signature", "Anna"));
		assertThat(post.getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(TestUpstream.received(document + "/sign")).as("nothing of the action before the code").isEmpty();

		EntityExchangeResult<String> prompt = browser.get(stepUp);
		assertThat(prompt.getStatus().value()).isEqualTo(200);
		assertThat(prompt.getResponseBody()).contains("Send me a code");
		// Another recipient's address is no way in: only the session's own gets a code.
		browser.post(stepUp, Map.of("email", bruno, "csrf", Browser.csrfToken(prompt)));
		EntityExchangeResult<String> codePage = browser.post(stepUp,
				Map.of("email", anna, "csrf", Browser.csrfToken(browser.get(stepUp))));
		assertThat(codePage.getStatus().value()).isEqualTo(200);
		assertThat(codePage.getResponseBody()).as("a step-up is remembered for its session only")
			.doesNotContain("id=\"remember\"");
		String code = Secrets.remember(TestMail.code(TestMail.await(anna, 1)));
		assertThat(TestMail.receivedFor(bruno)).isEmpty();
		EntityExchangeResult<String> proven = browser.post(stepUp,
				Map.of("otp", code, "csrf", Browser.csrfToken(codePage)));
		assertThat(proven.getStatus()).isEqualTo(HttpStatus.SEE_OTHER);
		assertThat(proven.getResponseHeaders().getLocation().toString()).isEqualTo(link.documentSpace() + "sign");

		assertThat(browser.get(link.documentSpace() + "sign").getStatus().value()).isEqualTo(200);
		assertThat(TestUpstream.received(document + "/sign")).hasSize(1);

		assertThat(new Browser(this.client).get("/_gw/step-up/forged.token.value")
			.getResponseHeaders()
			.getFirst("X-SecureLink-Page")).isEqualTo("session");
	}

	@Test
	void settingsWhenCodeBeforeActionsWithoutARecipientToMailThenRefused() {
		this.admin
			.settings(this.tenant, Map.of("verification", "off", "supportAccess", false, "codeBeforeActions", true))
			.expectStatus()
			.isEqualTo(409);
		this.admin
			.settings(this.tenant, Map.of("verification", "address", "supportAccess", false, "codeBeforeActions", true))
			.expectStatus()
			.isOk();
		this.admin.settings(this.tenant, Map.of("verification", "off", "supportAccess", false))
			.expectStatus()
			.isEqualTo(409);
	}

}
