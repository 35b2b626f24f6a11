package dev.securelink.gateway.link;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

class LinkAdminApiTests extends GatewayFixture {

	@Test
	void createWhenValidThenCodeShownOnceInUrlAndOnlyItsHashStored() {
		CreatedLink created = this.admin.createLink(this.tenant, Map.of("document", "/invoices/2026-001", "recipients",
				List.of("Anna@Example.com"), "rights", List.of("pay"), "locale", "nl"));

		String url = created.url();
		assertThat(url).matches("http://localhost:8080/l/[A-Za-z0-9_-]{32}");
		assertThat(created.document()).isEqualTo("/invoices/2026-001");
		assertThat(created.rights()).containsExactly("view", "pay");
		assertThat(created.recipients()).isOne();
		assertThat(created.locale()).isEqualTo("nl");
		assertThat(created.status()).isEqualTo("active");
		String code = url.substring(url.lastIndexOf('/') + 1);
		byte[] storedHash = this.db.sql("select code_hash from link where id = :id")
			.bind("id", created.id())
			.map((row) -> row.get("code_hash", byte[].class))
			.one()
			.block(Duration.ofSeconds(10));
		assertThat(storedHash).isEqualTo(LinkCode.hash(code));

		this.admin.get(this.tenant, "/links/" + created.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.id")
			.isEqualTo(created.id())
			.jsonPath("$.url")
			.doesNotExist()
			.jsonPath("$.status")
			.isEqualTo("active");
	}

	@Test
	void createWhenNoExpiryThenThirtyDaysAndLocationHeader() {
		this.admin.post(this.tenant, "/links")
			.bodyValue(Admin.linkRequest("/offers/7", "a@example.com"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.value(HttpHeaders.LOCATION,
					(location) -> assertThat(location).startsWith("/admin/v1/tenants/" + this.tenant + "/links/"))
			.expectBody()
			.jsonPath("$.expiresAt")
			.value((String expiresAt) -> assertThat(Instant.parse(expiresAt)).isBetween(
					Instant.now().plus(Duration.ofDays(30)).minusSeconds(120),
					Instant.now().plus(Duration.ofDays(30)).plusSeconds(120)));
	}

	@Test
	void listWhenMoreThanOnePageThenCursorWalksAllLinksNewestFirst() {
		for (int i = 0; i < 3; i++) {
			this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/" + i, "a@example.com"));
		}
		Map<?, ?> first = (Map<?, ?>) this.admin.get(this.tenant, "/links?limit=2")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat((List<?>) first.get("items")).hasSize(2);
		assertThat(documents(first)).containsExactly((Object) "/invoices/2", "/invoices/1");

		Map<?, ?> second = (Map<?, ?>) this.admin.get(this.tenant, "/links?limit=2&cursor=" + first.get("nextCursor"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(documents(second)).containsExactly((Object) "/invoices/0");
		assertThat(second.containsKey("nextCursor")).isFalse();
	}

	@Test
	void listWhenCursorForgedOrLimitOutOfRangeThen400() {
		this.admin.get(this.tenant, "/links?cursor=bm90LWEtY3Vyc29y")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("cursor");
		this.admin.get(this.tenant, "/links?limit=101")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("limit");
	}

	@Test
	void revokeWhenRepeatedThenIdempotentAndLinkShowsRevoked() {
		String id = this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/9", "a@example.com")).id();
		for (int i = 0; i < 2; i++) {
			this.client.delete()
				.uri("/admin/v1/tenants/" + this.tenant + "/links/" + id)
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, "links:write"))
				.exchange()
				.expectStatus()
				.isNoContent();
		}
		this.admin.get(this.tenant, "/links/" + id)
			.exchange()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("revoked")
			.jsonPath("$.revokedAt")
			.exists();
		assertThat(count("select count(*) from access_event where link_id = $1 and type = 'revoked'", id)).isEqualTo(1);
		assertThat(count("select session_epoch from link where id = $1", id)).isEqualTo(1);
	}

	@Test
	void revokeWhenUnknownLinkThen404Problem() {
		this.client.delete()
			.uri("/admin/v1/tenants/" + this.tenant + "/links/AAAAAAAAAAAAAAAA")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, "links:write"))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(404);
	}

	@Test
	void getWhenAnotherTenantsLinkThen404AndNoData() {
		String id = this.admin.createLink(this.tenant, Admin.linkRequest("/secret/doc", "a@example.com")).id();
		String other = Admin.newTenant();
		this.admin.get(other, "/links/" + id)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody(String.class)
			.value((body) -> assertThat(body).doesNotContain("/secret/doc"));
		this.client.delete()
			.uri("/admin/v1/tenants/" + other + "/links/" + id)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(other, "links:write"))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.admin.get(this.tenant, "/links/" + id).exchange().expectBody().jsonPath("$.status").isEqualTo("active");
		this.admin.get(other, "/links").exchange().expectBody().jsonPath("$.items.length()").isEqualTo(0);
	}

	@Test
	void callWhenNoTokenOrBadTokenThen401Problem() {
		this.client.get()
			.uri("/admin/v1/tenants/" + this.tenant + "/links")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		this.client.get()
			.uri("/admin/v1/tenants/" + this.tenant + "/links")
			.header(HttpHeaders.AUTHORIZATION, "Bearer not.a.jwt")
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	@Test
	void callWhenWrongScopeOrTenantThen403ProblemAndNothingWritten() {
		this.client.post()
			.uri("/admin/v1/tenants/" + this.tenant + "/links")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, "links:read"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Admin.linkRequest("/invoices/1", "a@example.com"))
			.exchange()
			.expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		this.client.post()
			.uri("/admin/v1/tenants/" + this.tenant + "/links")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token("someone-else", Admin.ALL_SCOPES))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Admin.linkRequest("/invoices/1", "a@example.com"))
			.exchange()
			.expectStatus()
			.isForbidden();
		this.client.get()
			.uri("/admin/v1/tenants/" + this.tenant + "/links")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(null, Admin.ALL_SCOPES))
			.exchange()
			.expectStatus()
			.isForbidden();
		assertThat(linksOfTenant()).isZero();
	}

	@Test
	void createWhenMalformedJsonThen400() {
		this.admin.post(this.tenant, "/links")
			.bodyValue("{\"document\": \"/a\", ")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("The body is not valid JSON.");
		assertThat(linksOfTenant()).isZero();
	}

	@Test
	void createWhenUnknownRightThen400NamingRights() {
		expectBadField(Map.of("document", "/a", "recipients", List.of("a@example.com"), "rights", List.of("delete")),
				"rights[0]");
	}

	@Test
	void createWhenNoRecipientsOrElevenThen400NamingRecipients() {
		expectBadField(Map.of("document", "/a", "recipients", List.of()), "recipients");
		List<String> eleven = java.util.stream.IntStream.range(0, 11)
			.mapToObj((i) -> "r" + i + "@example.com")
			.toList();
		expectBadField(Map.of("document", "/a", "recipients", eleven), "recipients");
	}

	@Test
	void createWhenInvalidEmailThen400NamingTheRecipientAndNotEchoingIt() {
		this.admin.post(this.tenant, "/links")
			.bodyValue(Map.of("document", "/a", "recipients", List.of("ok@example.com", "not-an-address")))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("recipients[1]").doesNotContain("not-an-address"));
		assertThat(linksOfTenant()).isZero();
	}

	@Test
	void createWhenExpiryInThePastOrBeyondAYearThen400NamingExpiresAt() {
		expectBadField(Map.of("document", "/a", "recipients", List.of("a@example.com"), "expiresAt",
				Instant.now().minusSeconds(60).toString()), "expiresAt");
		expectBadField(Map.of("document", "/a", "recipients", List.of("a@example.com"), "expiresAt",
				Instant.now().plus(Duration.ofDays(366)).toString()), "expiresAt");
	}

	@Test
	void createWhenUnknownLocaleOrUnknownPropertyThen400() {
		expectBadField(Map.of("document", "/a", "recipients", List.of("a@example.com"), "locale", "xx"), "locale");
		expectBadField(Map.of("document", "/a", "recipients", List.of("a@example.com"), "code", "mine"), "code");
	}

	@ParameterizedTest
	@ValueSource(strings = { "invoices/1", "/a/../b", "/a//b", "/a\\b", "/a/%2e%2e/b", "/a%2Fb", "/a;jsessionid=1",
			"/a\u0000b", "/a\nb", "/a%0Ab", "/a%252e", "/a?x=1", "/a b" })
	void createWhenDocumentIsNotAPlainAbsolutePathThen400NamingDocument(String document) {
		expectBadField(Map.of("document", document, "recipients", List.of("a@example.com")), "document");
	}

	@ParameterizedTest
	@ValueSource(strings = { "bad tenant", "a/b", "tenant!",
			"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" })
	void callWhenTenantIdMalformedThen400(String tenantId) {
		this.client.post()
			.uri("/admin/v1/tenants/{tenant}/links", tenantId)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenantId, Admin.ALL_SCOPES))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Admin.linkRequest("/a", "a@example.com"))
			.exchange()
			.expectStatus()
			.value((status) -> assertThat(status).isIn(400, 404));
	}

	@Test
	void callWhenTenantIdHasForbiddenCharacterThen400NamingTenantId() {
		this.client.post()
			.uri("/admin/v1/tenants/{tenant}/links", "tenant!")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token("tenant!", Admin.ALL_SCOPES))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Admin.linkRequest("/a", "a@example.com"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("tenantId");
	}

	@Test
	void createWhenBodyOver64KbThen413AndNothingWritten() {
		String padding = "x".repeat(70 * 1024);
		this.admin.post(this.tenant, "/links")
			.bodyValue("{\"document\": \"/a\", \"recipients\": [\"a@example.com\"], \"locale\": \"" + padding + "\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(linksOfTenant()).isZero();
	}

	@Test
	void databaseWhenDumpedThenHoldsNoCodeAndNoAddressInClear() {
		String address = "Dump.Check@Example.org";
		String url = this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/dump", address)).url();
		String code = url.substring(url.lastIndexOf('/') + 1);
		List<String> tables = this.db
			.sql("select table_name from information_schema.tables "
					+ "where table_schema = 'public' and table_type = 'BASE TABLE'")
			.map((row) -> row.get(0, String.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(tables).contains("link", "tenant", "access_event");
		StringBuilder dump = new StringBuilder();
		for (String table : tables) {
			this.db.sql("select row_to_json(t)::text from \"" + table + "\" t")
				.map((row) -> row.get(0, String.class))
				.all()
				.doOnNext(dump::append)
				.blockLast(Duration.ofSeconds(10));
		}
		assertThat(dump.toString()).contains(this.tenant)
			.doesNotContain(code)
			.doesNotContainIgnoringCase(address)
			.doesNotContainIgnoringCase("Dump.Check");
	}

	private void expectBadField(Map<String, Object> body, String field) {
		this.admin.post(this.tenant, "/links")
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(400)
			.jsonPath("$.errors[0].field")
			.isEqualTo(field);
		assertThat(linksOfTenant()).isZero();
	}

	private long linksOfTenant() {
		return count("select count(*) from link where tenant_id = $1", this.tenant);
	}

	@Test
	void unlockWhenAClientIsLockedOutThenTheLinkShowsItAndUnlockLiftsItOnceAudited() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Admin.linkRequest("/invoices/unlock", "anna@example.com"));
		dev.securelink.gateway.support.Browser guesser = new dev.securelink.gateway.support.Browser(this.client)
			.ip("198.51.100.77");
		for (int i = 0; i < 5; i++) {
			guesser.verify(link.path(), "guess" + i + "@example.com");
		}
		this.admin.get(this.tenant, "/links/" + link.id())
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.locks.lockedClients")
			.isEqualTo(1)
			.jsonPath("$.locks.clientsUntil")
			.exists()
			.jsonPath("$.locks.failures")
			.isEqualTo(5)
			.jsonPath("$.locks.ceiling")
			.isEqualTo(50)
			.jsonPath("$.locks.everyoneUntil")
			.doesNotExist();
		this.client.post()
			.uri("/admin/v1/tenants/" + this.tenant + "/links/" + link.id() + "/unlock")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, "links:read"))
			.exchange()
			.expectStatus()
			.isForbidden();

		for (int i = 0; i < 2; i++) {
			this.admin.post(this.tenant, "/links/" + link.id() + "/unlock")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.locks.lockedClients")
				.isEqualTo(0)
				.jsonPath("$.locks.failures")
				.isEqualTo(0);
		}

		assertThat(count("select count(*) from access_event where link_id = $1 and type = 'unlocked' "
				+ "and actor = 'invoicing-app'", link.id()))
			.as("audited once, with the caller")
			.isOne();
		assertThat(new dev.securelink.gateway.support.Browser(this.client).ip("198.51.100.77")
			.verify(link.path(), "anna@example.com")
			.getStatus()
			.value()).isEqualTo(303);
		this.admin.post(this.tenant, "/links/nosuchlink/unlock").exchange().expectStatus().isNotFound();
	}

	@Test
	void patchWhenExpiresAtMovesThenTheLinkWorksUntilThenAndTheChangeIsAudited() {
		CreatedLink link = this.admin.createLink(this.tenant,
				Admin.linkRequest("/invoices/extend", "anna@example.com"));
		this.db.sql("update link set expires_at = now() - interval '1 minute' where id = :id")
			.bind("id", link.id())
			.then()
			.block();
		Instant later = Instant.now().plus(Duration.ofDays(60)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

		patch(link.id(), Map.of("expiresAt", later.toString())).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("active")
			.jsonPath("$.expiresAt")
			.isEqualTo(later.toString());

		assertThat(new dev.securelink.gateway.support.Browser(this.client).verify(link.path(), "anna@example.com")
			.getStatus()
			.value()).as("open again").isEqualTo(303);
		assertThat(count("select count(*) from access_event where link_id = $1 and type = 'expiry_changed' "
				+ "and actor = 'invoicing-app' and detail like $2", link.id(), "%\"after\":\"" + later + "\"%"))
			.isOne();
		assertThat(count("select count(*) from link where id = $1 and not expiry_recorded", link.id())).isOne();

		for (String bad : List.of(Instant.now().minusSeconds(5).toString(),
				Instant.now().plus(Duration.ofDays(400)).toString())) {
			patch(link.id(), Map.of("expiresAt", bad)).expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("expiresAt");
		}
		patch(link.id(), Map.of()).expectStatus().isBadRequest();
		this.client.patch()
			.uri("/admin/v1/tenants/" + this.tenant + "/links/" + link.id())
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, "links:read"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("expiresAt", later.toString()))
			.exchange()
			.expectStatus()
			.isForbidden();
		this.admin.revoke(this.tenant, link.id());
		patch(link.id(), Map.of("expiresAt", later.toString())).expectStatus().isEqualTo(409);
		patch("nosuchlinkatall", Map.of("expiresAt", later.toString())).expectStatus().isNotFound();
	}

	@Test
	void patchWhenCompletedThenShownAuditedOnceAndOnlyTheLinksOwnActionsAccepted() {
		CreatedLink link = this.admin.createLink(this.tenant, Map.of("document", "/invoices/done", "recipients",
				List.of("anna@example.com"), "rights", List.of("pay")));
		for (int i = 0; i < 2; i++) {
			patch(link.id(), Map.of("completed", List.of("pay"))).expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.completed[0]")
				.isEqualTo("pay");
		}
		assertThat(count("select count(*) from access_event where link_id = $1 and type = 'completed'", link.id()))
			.as("once: the second call changed nothing")
			.isOne();
		for (List<String> bad : List.of(List.of("sign"), List.of("view"), List.of("refund"))) {
			patch(link.id(), Map.of("completed", bad)).expectStatus().isBadRequest();
		}
	}

	private WebTestClient.ResponseSpec patch(String linkId, Map<String, Object> body) {
		return this.admin.patch(this.tenant, "/links/" + linkId, body);
	}

	private long count(String sql, Object... params) {
		return Queries.number(this.db, sql, params);
	}

	@SuppressWarnings("unchecked")
	private static List<Object> documents(Map<?, ?> page) {
		return ((List<Map<String, Object>>) page.get("items")).stream().map((item) -> item.get("document")).toList();
	}

	@Test
	void createWhenTheDatabaseRefusesTheDataForAConstraintThen409NotA503() throws Exception {
		String constraint = "test_refused_" + this.tenant.replace("-", "_");
		try (java.sql.Connection admin = dev.securelink.gateway.support.TestDatabase.jdbcConnection();
				java.sql.Statement statement = admin.createStatement()) {
			statement.execute("alter table link add constraint " + constraint
					+ " check (document <> '/invoices/refused-by-a-constraint') not valid");
		}
		try {
			this.admin.post(this.tenant, "/links")
				.bodyValue(Admin.linkRequest("/invoices/refused-by-a-constraint", "a@example.com"))
				.exchange()
				.expectStatus()
				.isEqualTo(409)
				.expectHeader()
				.contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
				.expectHeader()
				.doesNotExist(org.springframework.http.HttpHeaders.RETRY_AFTER);
		}
		finally {
			try (java.sql.Connection admin = dev.securelink.gateway.support.TestDatabase.jdbcConnection();
					java.sql.Statement statement = admin.createStatement()) {
				statement.execute("alter table link drop constraint " + constraint);
			}
		}
	}

}
