package dev.securelink.gateway.access;

import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.link.RecipientMacs;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.Secrets;
import dev.securelink.gateway.support.TestKeys;
import dev.securelink.gateway.support.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Honest forwarding, black-box: a verified recipient shares the document from the share
 * page, the colleague opens the same link with their own address and gets no more than
 * they were given, every share is on the record with indexes only, and a removal ends the
 * colleague's session on every instance.
 */
class SharingTests extends GatewayFixture {

	private static final String ANNA = "anna@example.com";

	private static final String BOB = "bob@example.org";

	static ConfigurableApplicationContext second;

	@Autowired
	RecipientMacs macs;

	@BeforeAll
	static void startSecondInstance() {
		second = Instances.start(new String[0], "--server.port=0", "--management.server.port=0");
	}

	@AfterAll
	static void stopSecondInstance() {
		second.close();
	}

	private CreatedLink link(String document, List<String> rights, Map<String, Object> extra) {
		Map<String, Object> request = new LinkedHashMap<>(
				Map.of("document", document, "recipients", List.of(ANNA), "rights", rights));
		request.putAll(extra);
		return this.admin.createLink(this.tenant, request);
	}

	/** A browser verified as {@code address} on {@code link}. */
	private Browser verified(CreatedLink link, String address) {
		Browser browser = new Browser(this.client);
		EntityExchangeResult<String> answer = browser.verify(link.path(), Secrets.remember(address));
		assertThat(answer.getStatus().value()).as("%s verifies", address).isEqualTo(303);
		return browser;
	}

	private static String sharePath(CreatedLink link) {
		return "/_gw/share/" + link.id();
	}

	/** Shares {@code link} from {@code sharer}'s share page with {@code address}. */
	private static EntityExchangeResult<String> share(Browser sharer, CreatedLink link, String address,
			String... rights) {
		EntityExchangeResult<String> page = sharer.get(sharePath(link));
		assertThat(page.getStatus().value()).isEqualTo(200);
		Map<String, String> form = new LinkedHashMap<>(
				Map.of("csrf", Browser.csrfToken(page), "op", "share", "email", Secrets.remember(address)));
		if (rights.length > 0) {
			form.put("rights", String.join(",", rights));
		}
		return sharer.post(sharePath(link), form);
	}

	private long count(String sql, Object... args) {
		var spec = this.db.sql(sql);
		for (int i = 0; i < args.length; i++) {
			spec = spec.bind(i, args[i]);
		}
		return spec.map((row) -> row.get(0, Long.class)).one().block();
	}

	@Test
	@SuppressWarnings("unchecked")
	@Behaviour({ "57", "58", "59" })
	void shareWhenTheColleagueOpensWithTheirOwnAddressThenViewOnlyAndTheAssertionNamesBothIndexes() throws Exception {
		String document = "/offers/" + UUID.randomUUID();
		CreatedLink link = link(document, List.of("sign"), Map.of());
		Browser anna = verified(link, ANNA);
		// Before sharing, the colleague's address opens nothing.
		Browser early = new Browser(this.client);
		assertThat(early.verify(link.path(), BOB).getStatus().value()).isEqualTo(422);

		EntityExchangeResult<String> shared = share(anna, link, BOB);
		assertThat(shared.getStatus().value()).isEqualTo(200);
		Document page = Jsoup.parse(shared.getResponseBody());
		assertThat(page.select("[role=status]").text()).contains("forward them the e-mail");
		assertThat(page.select("ul.added li")).hasSize(1);
		assertThat(page.select("ul.added li").text()).contains("Person 1").contains("may view");
		assertThat(shared.getResponseBody()).doesNotContain(BOB);

		Browser bob = verified(link, BOB);
		assertThat(bob.get(link.documentSpace() + "page").getStatus().value()).isEqualTo(200);
		int before = TestUpstream.received(document).size();
		EntityExchangeResult<String> sign = bob.get(link.documentSpace() + "sign/review");
		assertThat(sign.getStatus().value()).as("the colleague was given view only").isEqualTo(403);
		assertThat(sign.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("notgiven");
		assertThat(TestUpstream.received(document)).as("never reaches the upstream").hasSize(before);

		String assertion = TestUpstream.received(document).get(before - 1).header("X-SecureLink-Assertion");
		SignedJWT jwt = SignedJWT.parse(assertion);
		ECKey key = (ECKey) JWKSet.parse(TestKeys.jwks(this.client)).getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
		assertThat(jwt.getJWTClaimsSet().getIntegerClaim("recipient")).isEqualTo(1);
		assertThat(jwt.getJWTClaimsSet().getIntegerClaim("delegated_by")).isZero();
		assertThat(jwt.getJWTClaimsSet().getStringListClaim("rights")).containsExactly("view");
		assertThat(jwt.getJWTClaimsSet().getClaim("share")).as("depth 1: the colleague may not share").isNull();

		// Anna's own assertion says she may share, and where.
		anna.get(link.documentSpace() + "mine");
		String annas = TestUpstream.received(document)
			.get(TestUpstream.received(document).size() - 1)
			.header("X-SecureLink-Assertion");
		Map<String, Object> share = SignedJWT.parse(annas).getJWTClaimsSet().getJSONObjectClaim("share");
		assertThat(share).containsEntry("path", sharePath(link)).containsEntry("rights", List.of("view"));
		assertThat(SignedJWT.parse(annas).getJWTClaimsSet().getIntegerClaim("recipient")).isZero();
		assertThat(SignedJWT.parse(annas).getJWTClaimsSet().getClaim("delegated_by")).isNull();

		// The colleague cannot share further.
		assertThat(bob.get(sharePath(link)).getStatus().value()).isEqualTo(403);
		// On the record: indexes only, never the colleague's address or its hash.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("select count(*) from access_event where link_id = $1 and type = 'opened'",
					link.id()) >= 2);
		String events = this.db
			.sql("select string_agg(type || ' ' || coalesce(detail, ''), E'\\n' order by id) from access_event "
					+ "where link_id = $1")
			.bind(0, link.id())
			.map((row) -> row.get(0, String.class))
			.one()
			.block();
		assertThat(events)
			.contains("recipient_added {\"recipient\":1,\"addedBy\":0,\"rights\":[\"view\"],"
					+ "\"depth\":1,\"via\":\"share\"}")
			.contains("verified {\"method\":\"address\",\"recipient\":1,\"delegatedBy\":0}")
			.contains("opened {\"recipient\":1,\"delegatedBy\":0}");
		byte[] mac = this.macs.mac(BOB);
		// The log checks (LogHygieneTests) look for these too.
		Secrets.remember(HexFormat.of().formatHex(mac));
		Secrets.remember(Base64.getEncoder().encodeToString(mac));
		Secrets.remember(Base64.getUrlEncoder().withoutPadding().encodeToString(mac));
		assertThat(events).doesNotContain(BOB, HexFormat.of().formatHex(mac), Base64.getEncoder().encodeToString(mac),
				Base64.getUrlEncoder().withoutPadding().encodeToString(mac));

		// The admin API and the evidence show the delegation.
		Map<?, ?> view = this.admin.get(this.tenant, "/links/" + link.id())
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat((List<?>) view.get("addedRecipients")).singleElement()
			.satisfies((added) -> assertThat((Map<Object, Object>) added).containsEntry("index", 1)
				.containsEntry("addedBy", 0)
				.containsEntry("via", "share")
				.containsEntry("depth", 1));
		Map<?, ?> access = this.admin.get(this.tenant, "/access")
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat((Map<Object, Object>) access.get("sharing")).containsEntry("recipientSharing", "view")
			.containsEntry("sharedWith", 1)
			.containsEntry("links", 1)
			.containsEntry("truncated", false);
		assertThat((List<?>) ((Map<?, ?>) access.get("sharing")).get("latest")).singleElement()
			.satisfies((latest) -> assertThat((Map<Object, Object>) latest).containsEntry("linkId", link.id())
				.containsEntry("index", 1)
				.containsEntry("addedBy", 0)
				.containsEntry("via", "share"));
	}

	@Test
	@Behaviour("57")
	void shareWhenRightsExceedTheSharersOrTheCapThenRefusedAndNothingAdded() {
		this.admin.settings(this.tenant,
				Map.of("verification", "address", "supportAccess", false, "recipientSharing", "view+sign"));
		CreatedLink link = link("/offers/" + UUID.randomUUID(), List.of("sign", "pay"), Map.of());
		Browser anna = verified(link, ANNA);
		EntityExchangeResult<String> page = anna.get(sharePath(link));
		Document form = Jsoup.parse(page.getResponseBody());
		assertThat(form.select("input[name=rights][value=sign]")).as("the cap allows sign").hasSize(1);
		assertThat(form.select("input[name=rights][value=pay]")).as("the cap does not allow pay").isEmpty();

		assertThat(share(anna, link, BOB, "pay").getStatus().value()).isEqualTo(422);
		assertThat(share(anna, link, BOB, "delete").getStatus().value()).isEqualTo(422);
		assertThat(count("select count(*) from link_recipient where link_id = $1", link.id())).isZero();

		assertThat(share(anna, link, BOB, "sign").getStatus().value()).isEqualTo(200);
		Browser bob = verified(link, BOB);
		assertThat(bob.get(link.documentSpace() + "sign/review").getStatus().value()).isEqualTo(200);
		assertThat(bob.get(link.documentSpace() + "pay/review").getStatus().value()).isEqualTo(403);

		// A link stricter than the company: view only.
		CreatedLink strict = link("/offers/" + UUID.randomUUID(), List.of("sign"), Map.of("sharing", "view"));
		Browser annaAgain = verified(strict, ANNA);
		assertThat(share(annaAgain, strict, BOB, "sign").getStatus().value()).isEqualTo(422);
		// A sharer without sign cannot give it.
		CreatedLink viewOnly = link("/offers/" + UUID.randomUUID(), List.of(), Map.of());
		Browser viewer = verified(viewOnly, ANNA);
		assertThat(share(viewer, viewOnly, BOB, "sign").getStatus().value()).isEqualTo(422);
	}

	@Test
	@Behaviour("57a")
	void shareWhenFivePeopleWereAddedThenTheSixthIsRefusedUntilOneIsWithdrawn() {
		CreatedLink link = link("/invoices/" + UUID.randomUUID(), List.of(), Map.of());
		Browser anna = verified(link, ANNA);
		for (int i = 1; i <= 5; i++) {
			assertThat(share(anna, link, "colleague" + i + "@example.org").getStatus().value()).isEqualTo(200);
		}
		EntityExchangeResult<String> sixth = share(anna, link, "colleague6@example.org");
		assertThat(sixth.getStatus().value()).isEqualTo(422);
		assertThat(Jsoup.parse(sixth.getResponseBody()).select("#email-error").text()).contains("Withdraw someone");
		// The answer speaks the language the page was in (its form's lang).
		EntityExchangeResult<String> french = anna.post(sharePath(link), Map.of("csrf",
				Browser.csrfToken(anna.get(sharePath(link))), "op", "share", "email", "x@example.org", "lang", "fr"));
		assertThat(Jsoup.parse(french.getResponseBody()).select("#email-error").text())
			.startsWith("Plus personne ne peut recevoir");
		assertThat(share(anna, link, ANNA).getStatus().value()).as("already a recipient").isEqualTo(422);

		EntityExchangeResult<String> page = anna.get(sharePath(link));
		String withdraw = Jsoup.parse(page.getResponseBody()).select("form.withdraw input[name=index]").first().val();
		EntityExchangeResult<String> withdrawn = anna.post(sharePath(link),
				Map.of("csrf", Browser.csrfToken(page), "op", "withdraw", "index", withdraw));
		assertThat(withdrawn.getStatus().value()).isEqualTo(200);
		assertThat(Jsoup.parse(withdrawn.getResponseBody()).select("ul.added form.withdraw")).hasSize(4);
		assertThat(share(anna, link, "colleague6@example.org").getStatus().value()).isEqualTo(200);
	}

	@Test
	@Behaviour("57b")
	void shareWhenCrossSiteOrWithoutTheTokenOrWithoutASessionThenRefusedAndNothingAdded() {
		CreatedLink link = link("/invoices/" + UUID.randomUUID(), List.of(), Map.of());
		Browser anna = verified(link, ANNA);
		String token = Browser.csrfToken(anna.get(sharePath(link)));
		Map<String, String> form = Map.of("csrf", token, "op", "share", "email", BOB);
		assertThat(anna.postFrom("https://evil.example", sharePath(link), form).getStatus().value()).isEqualTo(403);
		assertThat(
				anna.post(sharePath(link), Map.of("csrf", "forged", "op", "share", "email", BOB)).getStatus().value())
			.isEqualTo(403);
		Browser stranger = new Browser(this.client);
		assertThat(stranger.get(sharePath(link)).getStatus().value()).isEqualTo(403);
		assertThat(stranger.post(sharePath(link), form).getStatus().value()).isEqualTo(403);
		assertThat(this.client.put()
			.uri(sharePath(link))
			.header(HttpHeaders.COOKIE, anna.cookieHeader())
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value()).isEqualTo(405);
		assertThat(this.client.head()
			.uri(sharePath(link))
			.header(HttpHeaders.COOKIE, anna.cookieHeader())
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value()).isEqualTo(200);
		// A script's fetch of the page (for its token) is no navigation.
		assertThat(this.client.get()
			.uri(sharePath(link))
			.header(HttpHeaders.COOKIE, anna.cookieHeader())
			.header("Sec-Fetch-Mode", "cors")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value()).isEqualTo(403);
		// Only a plain mailbox: a mail library would read this as bob's alone.
		assertThat(share(anna, link, "Bob <bob@example.org>").getStatus().value()).isEqualTo(422);
		assertThat(share(anna, link, "<mallory@evil.example>@example.org").getStatus().value()).isEqualTo(422);
		assertThat(count("select count(*) from link_recipient where link_id = $1", link.id())).isZero();
	}

	@Test
	@Behaviour("57")
	void shareWhenTheCompanyTurnedSharingOffThenThePageDoesNotExistAndColleaguesSessionsEnd() {
		CreatedLink link = link("/invoices/" + UUID.randomUUID(), List.of(), Map.of());
		Browser anna = verified(link, ANNA);
		assertThat(share(anna, link, BOB).getStatus().value()).isEqualTo(200);
		Browser bob = verified(link, BOB);
		assertThat(bob.get(link.documentSpace()).getStatus().value()).isEqualTo(200);

		this.admin.settings(this.tenant,
				Map.of("verification", "address", "supportAccess", false, "recipientSharing", "off"));

		assertThat(anna.get(sharePath(link)).getStatus().value()).isEqualTo(404);
		assertThat(anna.post(sharePath(link), Map.of("csrf", "x", "op", "share", "email", BOB)).getStatus().value())
			.isEqualTo(404);
		assertThat(bob.get(link.documentSpace()).getStatus().value()).isEqualTo(403);
		assertThat(anna.get(link.documentSpace()).getStatus().value()).as("the recipient keeps her access")
			.isEqualTo(200);
		assertThat(new Browser(this.client).verify(link.path(), BOB).getStatus().value())
			.as("no session to lose at once: the colleague's address opens nothing while sharing is off")
			.isEqualTo(422);
		this.admin.settings(this.tenant,
				Map.of("verification", "address", "supportAccess", false, "recipientSharing", "view"));
		assertThat(new Browser(this.client).verify(link.path(), BOB).getStatus().value())
			.as("switched on again, what was given holds again")
			.isEqualTo(303);
	}

	@Test
	@Behaviour("60")
	void removeWhenTheAdminRemovesTheColleagueThenTheirSessionEndsOnBothInstancesAndTheirOwnSharesGo() {
		this.admin.settings(this.tenant, Map.of("verification", "address", "supportAccess", false));
		CreatedLink link = link("/invoices/" + UUID.randomUUID(), List.of(), Map.of());
		Browser anna = verified(link, ANNA);
		assertThat(share(anna, link, BOB).getStatus().value()).isEqualTo(200);
		Browser bob = verified(link, BOB);
		WebTestClient other = Instances.client(second, "local.server.port");
		assertThat(bob.get(link.documentSpace()).getStatus().value()).isEqualTo(200);
		assertThat(onInstance(other, bob, link)).as("the second instance caches the link").isEqualTo(200);

		this.admin.delete(this.tenant, "/links/" + link.id() + "/recipients/1").exchange().expectStatus().isNoContent();

		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(onInstance(other, bob, link)).isEqualTo(403));
		assertThat(bob.get(link.documentSpace()).getStatus().value()).isEqualTo(403);
		assertThat(anna.get(link.documentSpace()).getStatus().value()).as("the recipient is unaffected").isEqualTo(200);
		assertThat(new Browser(this.client).verify(link.path(), BOB).getStatus().value())
			.as("the address opens nothing any more")
			.isEqualTo(422);
		// Again: nothing changes; a named recipient is the link's to revoke; no one had
		// 7.
		this.admin.delete(this.tenant, "/links/" + link.id() + "/recipients/1").exchange().expectStatus().isNoContent();
		this.admin.delete(this.tenant, "/links/" + link.id() + "/recipients/0")
			.exchange()
			.expectStatus()
			.isEqualTo(409);
		this.admin.delete(this.tenant, "/links/" + link.id() + "/recipients/7").exchange().expectStatus().isNotFound();
		this.admin.delete(this.tenant, "/links/" + link.id() + "/recipients/x")
			.exchange()
			.expectStatus()
			.isBadRequest();
		assertThat(
				count("select count(*) from access_event where link_id = $1 and type = 'recipient_removed'", link.id()))
			.isEqualTo(1);
		EntityExchangeResult<String> again = share(anna, link, BOB);
		assertThat(again.getStatus().value()).as("the company's removal holds").isEqualTo(422);
		assertThat(Jsoup.parse(again.getResponseBody()).select("#email-error").text())
			.contains("only the company can give it back");
	}

	@Test
	@Behaviour("60")
	void removeWhenTheColleagueHadSharedFurtherThenEveryoneTheyAddedGoesAndOnlyTheCompanysRemovalBars() {
		CreatedLink link = link("/invoices/" + UUID.randomUUID(), List.of(), Map.of());
		// A deeper chain than the default depth allows, as a company with
		// securelink.sharing.max-depth 3 would have it: Anna (0) added 1, who added 2,
		// who
		// added 3; and Anna added 4.
		for (int[] row : new int[][] { { 1, 0, 1 }, { 2, 1, 2 }, { 3, 2, 3 }, { 4, 0, 1 } }) {
			this.db
				.sql("insert into link_recipient (link_id, recipient, address_mac, added_by, rights, depth, added_at) "
						+ "values ($1, $2, $3, $4, '{view}', $5, now())")
				.bind(0, link.id())
				.bind(1, row[0])
				.bind(2, this.macs.mac("person" + row[0] + "@example.org"))
				.bind(3, row[1])
				.bind(4, row[2])
				.then()
				.block();
		}
		this.db.sql("update link set recipient_rows = true where id = $1").bind(0, link.id()).then().block();
		this.admin.delete(this.tenant, "/links/" + link.id() + "/recipients/2").exchange().expectStatus().isNoContent();
		String removed = this.db
			.sql("select detail from access_event where link_id = $1 and type = 'recipient_removed'")
			.bind(0, link.id())
			.map((row) -> row.get(0, String.class))
			.one()
			.block();
		assertThat(removed).isEqualTo("{\"recipient\":2,\"removed\":[2,3]}");
		assertThat(count("select count(*) from link_recipient where link_id = $1 and removed_at is null", link.id()))
			.isEqualTo(2);
		Map<?, ?> view = this.admin.get(this.tenant, "/links/" + link.id())
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		List<Object> live = ((List<?>) view.get("addedRecipients")).stream()
			.map((added) -> (Object) ((Map<?, ?>) added).get("index"))
			.toList();
		assertThat(live).containsExactly(1, 4);
		// A sharer's own withdrawal does not bar: Anna may give 4 access again.
		Browser anna = verified(link, ANNA);
		EntityExchangeResult<String> page = anna.get(sharePath(link));
		assertThat(anna.post(sharePath(link), Map.of("csrf", Browser.csrfToken(page), "op", "withdraw", "index", "4"))
			.getStatus()
			.value()).isEqualTo(200);
		assertThat(share(anna, link, "person4@example.org").getStatus().value()).isEqualTo(200);
		// The company's removal does bar.
		assertThat(share(anna, link, "person3@example.org").getStatus().value()).isEqualTo(422);
	}

	private static int onInstance(WebTestClient other, Browser browser, CreatedLink link) {
		return other.get()
			.uri(link.documentSpace())
			.header(HttpHeaders.COOKIE, browser.cookieHeader())
			.header("X-Forwarded-For", "10.1.2.3")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value();
	}

}
