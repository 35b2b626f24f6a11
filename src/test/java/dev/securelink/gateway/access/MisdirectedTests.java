package dev.securelink.gateway.access;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "This was not meant for me", black-box: only a verified recipient's session reaches it,
 * a GET only asks, the POST ends that recipient's access (and the link's when no one else
 * can open it), on the record with the index only.
 */
class MisdirectedTests extends GatewayFixture {

	private static final String ANNA = "anna@example.com";

	private static final String BERT = "bert@example.com";

	private CreatedLink link() {
		return this.admin.createLink(this.tenant, Map.of("document", "/invoices/" + UUID.randomUUID(), "recipients",
				List.of(ANNA, BERT), "rights", List.of("pay")));
	}

	private Browser verified(CreatedLink link, String address) {
		Browser browser = new Browser(this.client);
		assertThat(browser.verify(link.path(), Secrets.remember(address)).getStatus().value()).isEqualTo(303);
		return browser;
	}

	private static String path(CreatedLink link) {
		return "/_gw/not-for-me/" + link.id();
	}

	private static EntityExchangeResult<String> sayNotForMe(Browser browser, CreatedLink link) {
		EntityExchangeResult<String> page = browser.get(path(link));
		assertThat(page.getStatus().value()).isEqualTo(200);
		return browser.post(path(link), Map.of("csrf", Browser.csrfToken(page)));
	}

	private String detail(CreatedLink link, String type) {
		return this.db.sql("select coalesce(detail, '') from access_event where link_id = $1 and type = $2 order by id")
			.bind(0, link.id())
			.bind(1, type)
			.map((row) -> row.get(0, String.class))
			.all()
			.collectList()
			.block()
			.toString();
	}

	@Test
	@Behaviour("62")
	void notForMeWhenTheFirstRecipientSaysSoThenTheirAccessEndsAndTheOtherKeepsTheirs() {
		CreatedLink link = link();
		Browser anna = verified(link, ANNA);
		EntityExchangeResult<String> page = anna.get(path(link));
		assertThat(page.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("misdirected");
		assertThat(Jsoup.parse(page.getResponseBody()).select("h1").text())
			.isEqualTo("Was this document not meant for you?");
		anna.get(path(link));
		assertThat(Queries.events(this.db, link.id(), "misdirected")).as("a GET changes nothing").isZero();
		assertThat(anna.get(link.documentSpace()).getStatus().value()).isEqualTo(200);

		EntityExchangeResult<String> done = sayNotForMe(anna, link);
		assertThat(done.getStatus().value()).isEqualTo(200);
		assertThat(Jsoup.parse(done.getResponseBody()).text()).contains("Please delete the e-mail with the link.");
		assertThat(anna.get(link.documentSpace()).getStatus().value()).isEqualTo(403);
		assertThat(new Browser(this.client).verify(link.path(), ANNA).getStatus().value())
			.as("the address opens nothing any more")
			.isEqualTo(422);
		Browser bert = verified(link, BERT);
		assertThat(bert.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
		assertThat(detail(link, "misdirected")).isEqualTo("[{\"recipient\":0,\"removed\":[0],\"linkRevoked\":false}]");

		// The last one who could open it: the link goes too.
		assertThat(sayNotForMe(bert, link).getStatus().value()).isEqualTo(200);
		this.admin.get(this.tenant, "/links/" + link.id())
			.exchange()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("revoked");
		assertThat(detail(link, "misdirected")).contains("{\"recipient\":1,\"removed\":[1],\"linkRevoked\":true}");
		assertThat(Queries.events(this.db, link.id(), "revoked")).isEqualTo(1);
		assertThat(detail(link, "misdirected") + detail(link, "revoked")).doesNotContain(ANNA, BERT);

		// Asking for a new link would send it to the mistyped address again: nothing is
		// asked.
		this.admin.settings(this.tenant,
				Map.of("verification", "address", "supportAccess", false, "renewalForRevoked", true));
		Browser again = new Browser(this.client);
		EntityExchangeResult<String> gone = again.get(link.path());
		again.post(link.path() + "/renew", Map.of("email", ANNA, "csrf", Browser.csrfToken(gone)));
		assertThat(Queries.events(this.db, link.id(), "renewal_requested")).isZero();
	}

	@Test
	@Behaviour("62")
	void notForMeWhenWithoutASessionCrossSiteOrWithoutTheTokenThenNothingChanges() {
		CreatedLink link = link();
		Browser stranger = new Browser(this.client);
		assertThat(stranger.get(path(link)).getStatus().value()).isEqualTo(403);
		assertThat(stranger.post(path(link), Map.of("csrf", "x")).getStatus().value()).isEqualTo(403);
		Browser anna = verified(link, ANNA);
		String token = Browser.csrfToken(anna.get(path(link)));
		assertThat(anna.postFrom("https://evil.example", path(link), Map.of("csrf", token)).getStatus().value())
			.isEqualTo(403);
		assertThat(anna.post(path(link), Map.of("csrf", "forged")).getStatus().value()).isEqualTo(403);
		assertThat(anna.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
		assertThat(Queries.events(this.db, link.id(), "misdirected")).isZero();

		// A company with the check off: no recipient verified the session, no page.
		this.admin.settings(this.tenant, false);
		CreatedLink open = link();
		Browser visitor = new Browser(this.client);
		assertThat(visitor.get(open.path()).getStatus().value()).isEqualTo(303);
		assertThat(visitor.get(path(open)).getStatus().value()).isEqualTo(404);
	}

	@Test
	@Behaviour("62")
	void notForMeWhenTheOnlyRecipientHadSharedThenTheColleagueGoesTooAndSoDoesTheLink() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", "/invoices/" + UUID.randomUUID(), "recipients", List.of(ANNA)));
		Browser anna = verified(link, ANNA);
		String share = "/_gw/share/" + link.id();
		assertThat(anna
			.post(share, Map.of("csrf", Browser.csrfToken(anna.get(share)), "op", "share", "email", "dora@example.org"))
			.getStatus()
			.value()).isEqualTo(200);
		Browser dora = verified(link, "dora@example.org");
		assertThat(sayNotForMe(anna, link).getStatus().value()).isEqualTo(200);
		assertThat(dora.get(link.documentSpace()).getStatus().value()).as("shared by the wrong person").isEqualTo(403);
		assertThat(detail(link, "misdirected")).isEqualTo("[{\"recipient\":0,\"removed\":[0,1],\"linkRevoked\":true}]");
		this.admin.get(this.tenant, "/links/" + link.id())
			.exchange()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("revoked");
	}

	@Test
	@Behaviour("62")
	void notForMeWhenAColleagueSaysSoThenTheyAreRemovedAndTheSharerSeesItAndTheLinkStays() {
		CreatedLink link = link();
		Browser anna = verified(link, ANNA);
		String share = "/_gw/share/" + link.id();
		Map<String, String> form = new LinkedHashMap<>(
				Map.of("csrf", Browser.csrfToken(anna.get(share)), "op", "share", "email", "carl@example.org"));
		assertThat(anna.post(share, form).getStatus().value()).isEqualTo(200);
		Browser carl = verified(link, "carl@example.org");
		assertThat(sayNotForMe(carl, link).getStatus().value()).isEqualTo(200);
		assertThat(carl.get(link.documentSpace()).getStatus().value()).isEqualTo(403);
		assertThat(Jsoup.parse(anna.get(share).getResponseBody()).select("ul.added form.withdraw")).isEmpty();
		assertThat(anna.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
		assertThat(detail(link, "misdirected")).isEqualTo("[{\"recipient\":2,\"removed\":[2],\"linkRevoked\":false}]");
	}

}
