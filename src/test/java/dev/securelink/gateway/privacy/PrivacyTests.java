package dev.securelink.gateway.privacy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PrivacyTests extends GatewayFixture {

	@Autowired
	RetentionPurge retention;

	@Autowired
	MeterRegistry meters;

	@Test
	void supportWhenAccessOffThen403WhenOnReadOnlyUntilItEndsAndEveryRequestAudited() {
		this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/support", "anna@example.com"));
		String support = TestKeys.supportToken("agent-007");
		support("/links", support).expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("Support access is off"));

		settings(Map.of("emailVerification", true, "supportAccess", true, "supportAccessUntil",
				Instant.now().plus(Duration.ofHours(1)).toString()))
			.expectStatus()
			.isOk();
		support("/links", support).expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1);
		support("/settings", support).expectStatus().isOk().expectBody().jsonPath("$.supportAccess").isEqualTo(true);
		support("/events", support).expectStatus().isOk();
		this.client.post()
			.uri("/admin/v1/tenants/" + this.tenant + "/links")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + support)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Admin.linkRequest("/x", "a@example.com"))
			.exchange()
			.expectStatus()
			.isForbidden();

		this.clock.advance(Duration.ofHours(2));
		support("/links", support).expectStatus().isForbidden();
		this.admin.get(this.tenant, "/settings").exchange().expectBody().jsonPath("$.supportAccess").isEqualTo(false);

		assertThat(Queries.number(this.db,
				"select count(*) from access_event where tenant_id = $1 and type = 'support_read' and actor = 'agent-007'",
				this.tenant))
			.isEqualTo(3);
	}

	@Test
	void settingsWhenSupportUntilInvalidThen400AndNothingChanged() {
		settings(Map.of("emailVerification", true, "supportAccess", true, "supportAccessUntil",
				Instant.now().plus(Duration.ofDays(31)).toString()))
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("supportAccessUntil");
		settings(Map.of("emailVerification", true, "supportAccess", false, "supportAccessUntil",
				Instant.now().plus(Duration.ofDays(1)).toString()))
			.expectStatus()
			.isBadRequest();
		this.admin.get(this.tenant, "/settings").exchange().expectBody().jsonPath("$.supportAccess").isEqualTo(false);
	}

	@Test
	void settingsWhenChangedThenAuditedWithActorAndOldAndNewValues() {
		settings(Map.of("emailVerification", false, "supportAccess", false)).expectStatus().isOk();
		String detail = this.db
			.sql("select detail from access_event where tenant_id = :t and type = 'settings_changed' "
					+ "and actor = 'invoicing-app'")
			.bind("t", this.tenant)
			.map((row) -> row.get("detail", String.class))
			.one()
			.block(Duration.ofSeconds(10));
		assertThat(detail).isEqualTo("{\"before\":{\"emailVerification\":true,\"supportAccess\":false,"
				+ "\"supportAccessUntil\":null,\"selfServiceRenewal\":true,\"renewalForRevoked\":false,"
				+ "\"displayName\":null,\"showSenderOnPrompt\":true,\"linksOnGatewayHost\":true,"
				+ "\"verification\":\"address\",\"rememberDeviceDays\":0,\"codeBeforeActions\":false,"
				+ "\"recipientSharing\":\"view\"},"
				+ "\"after\":{\"emailVerification\":false,\"supportAccess\":false,\"supportAccessUntil\":null,"
				+ "\"selfServiceRenewal\":true,\"renewalForRevoked\":false,\"displayName\":null,"
				+ "\"showSenderOnPrompt\":true,\"linksOnGatewayHost\":true,\"verification\":\"off\","
				+ "\"rememberDeviceDays\":0,\"codeBeforeActions\":false,\"recipientSharing\":\"view\"}}");
	}

	@Test
	void accessWhenQueriedThenPrincipalsWithMultiFactorSupportHistoryAndActiveLinksPerRight() {
		this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/a", "anna@example.com"));
		this.admin.createLink(this.tenant, Map.of("document", "/invoices/b", "recipients", List.of("b@example.com")));
		settings(Map.of("emailVerification", true, "supportAccess", true)).expectStatus().isOk();
		support("/links", TestKeys.supportToken("agent-42")).expectStatus().isOk();
		settings(Map.of("emailVerification", true, "supportAccess", false)).expectStatus().isOk();

		this.admin.get(this.tenant, "/access")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.principals[?(@.subject == 'agent-42')].mfa")
			.isEqualTo(List.of(true))
			.jsonPath("$.principals[?(@.subject == 'agent-42')].roles[0]")
			.isEqualTo("support")
			.jsonPath("$.principals[?(@.subject == 'agent-42')].name")
			.isEqualTo(List.of("Sam Support"))
			.jsonPath("$.principals[?(@.subject == 'invoicing-app')].mfa")
			.isEqualTo(List.of(false))
			.jsonPath("$.supportAccess.enabled")
			.isEqualTo(false)
			.jsonPath("$.supportAccess.history.length()")
			.isEqualTo(2)
			.jsonPath("$.supportAccess.history[0].supportAccess")
			.isEqualTo(true)
			.jsonPath("$.supportAccess.history[1].supportAccess")
			.isEqualTo(false)
			.jsonPath("$.activeLinks.view")
			.isEqualTo(2)
			.jsonPath("$.activeLinks.sign")
			.isEqualTo(1)
			.jsonPath("$.activeLinks.pay")
			.isEqualTo(1);
	}

	@Test
	void evidenceWhenExportedThenEveryEventRecomputesToItsHashAndTheChainHolds() throws Exception {
		CreatedLink link = this.admin.createLink(this.tenant,
				Admin.linkRequest("/invoices/evidence", "anna@example.com"));
		String path = link.path();
		Browser browser = new Browser(this.client);
		browser.verify(path, "wrong@example.com");
		browser.verify(path, "anna@example.com");
		browser.get(link.documentSpace());
		browser.post(link.documentSpace() + "pay/now", Map.of("amount", "1"));
		// How the upstream answered is recorded once the answer is out, without holding
		// it.
		org.awaitility.Awaitility.await().until(() -> Queries.events(this.db, link.id(), "pay_answered") == 1);
		this.admin.revoke(this.tenant, link.id());
		Queries.awaitSealed(this.db, this.tenant);

		Map<?, ?> evidence = this.admin.get(this.tenant, "/links/" + link.id() + "/evidence")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		List<?> events = (List<?>) evidence.get("events");
		assertThat(events.stream().map((event) -> String.valueOf(((Map<?, ?>) event).get("type"))).toList())
			.containsExactly("created", "failed", "verified", "opened", "paid", "pay_answered", "revoked");
		for (Object item : events) {
			Map<?, ?> event = (Map<?, ?>) item;
			assertThat(event.get("sealed")).isEqualTo(true);
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			if (event.get("prevHash") != null) {
				digest.update(Base64.getDecoder().decode((String) event.get("prevHash")));
			}
			digest.update(((String) event.get("canonical")).getBytes(StandardCharsets.UTF_8));
			assertThat(Base64.getEncoder().encodeToString(digest.digest())).isEqualTo(event.get("hash"));
		}
		assertThat(((Map<?, ?>) evidence.get("chain")).get("valid")).isEqualTo(true);
		assertThat(evidence.toString()).doesNotContain("anna@example.com").doesNotContain("wrong@example.com");
	}

	@Test
	void verificationWhenAnEventIsAlteredOrRemovedThenNamesTheFirstBrokenOne() {
		String altered = Admin.newTenant();
		String removed = Admin.newTenant();
		for (String each : List.of(altered, removed)) {
			for (int i = 0; i < 3; i++) {
				this.admin.createLink(each, Admin.linkRequest("/invoices/" + i, "anna@example.com"));
			}
			Queries.awaitSealed(this.db, each);
			this.admin.get(each, "/events/verification")
				.exchange()
				.expectBody()
				.jsonPath("$.valid")
				.isEqualTo(true)
				.jsonPath("$.events")
				.isEqualTo(3);
		}
		List<Long> alteredIds = ids(altered);
		this.db.sql("update access_event set outcome = 'forged' where id = :id")
			.bind("id", alteredIds.get(1))
			.then()
			.block(Duration.ofSeconds(10));
		this.admin.get(altered, "/events/verification")
			.exchange()
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.firstBroken")
			.isEqualTo(alteredIds.get(1))
			.jsonPath("$.reason")
			.isEqualTo("its content was altered");

		List<Long> removedIds = ids(removed);
		this.db.sql("delete from access_event where id = :id")
			.bind("id", removedIds.get(1))
			.then()
			.block(Duration.ofSeconds(10));
		this.admin.get(removed, "/events/verification")
			.exchange()
			.expectBody()
			.jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.firstBroken")
			.isEqualTo(removedIds.get(2));
	}

	@Test
	@Behaviour("45")
	void purgeWhenLinksArePastRetentionThenTheyAndTheirEventsGoAndNothingElse() {
		CreatedLink old = this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/old", "a@example.com"));
		CreatedLink current = this.admin.createLink(this.tenant,
				Admin.linkRequest("/invoices/current", "a@example.com"));
		new Browser(this.client).verify(old.path(), "wrong@example.com");
		this.db.sql("update link set expires_at = now() - interval '400 days' where id = :id")
			.bind("id", old.id())
			.then()
			.block(Duration.ofSeconds(10));

		Queries.awaitSealed(this.db, this.tenant);

		Long purged = this.retention.purge().block(Duration.ofSeconds(30));

		assertThat(purged).isGreaterThanOrEqualTo(1);
		assertThat(Queries.number(this.db, "select count(*) from link where id = $1", old.id())).isZero();
		assertThat(Queries.number(this.db, "select count(*) from link_attempt where link_id = $1", old.id())).isZero();
		assertThat(Queries.number(this.db, "select count(*) from access_event where link_id = $1", old.id())).isZero();
		assertThat(Queries.number(this.db, "select count(*) from link where id = $1", current.id())).isEqualTo(1);
		assertThat(Queries.number(this.db, "select count(*) from access_event where link_id = $1", current.id()))
			.isEqualTo(1);
		this.admin.get(this.tenant, "/events/verification").exchange().expectBody().jsonPath("$.valid").isEqualTo(true);
		String purge = this.db
			.sql("select detail from access_event where tenant_id = :tenant and type = 'purged' and sealed")
			.bind("tenant", this.tenant)
			.map((row) -> row.get("detail", String.class))
			.one()
			.block(Duration.ofSeconds(10));
		assertThat(purge).as("the purge names the link and what it removed, sealed with it")
			.startsWith("{\"linkId\":\"" + old.id() + "\",\"removed\":[{\"seq\":");
	}

	@Test
	void purgeWhenItTakesTheTenantsNewestEventsThenTheChainStillVerifiesAndGoesOnFromItsHead() {
		CreatedLink first = this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/first", "a@example.com"));
		CreatedLink newest = this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/newest", "a@example.com"));
		new Browser(this.client).verify(newest.path(), "wrong@example.com");
		Queries.awaitSealed(this.db, this.tenant);
		this.db.sql("update link set expires_at = now() - interval '400 days' where id = :id")
			.bind("id", newest.id())
			.then()
			.block(Duration.ofSeconds(10));

		this.retention.purge().block(Duration.ofSeconds(30));

		// created, created, failed (tombstoned), and the purge that accounts for it.
		verification(this.tenant).jsonPath("$.valid").isEqualTo(true).jsonPath("$.events").isEqualTo(4);
		this.admin.revoke(this.tenant, first.id());
		Queries.awaitSealed(this.db, this.tenant);
		verification(this.tenant).jsonPath("$.valid")
			.isEqualTo(true)
			.jsonPath("$.events")
			.isEqualTo(5)
			.jsonPath("$.unsealed")
			.isEqualTo(0);
	}

	@Test
	void verificationWhenTheNewestEventIsDeletedThenReportedAlthoughEveryLinkStillHolds() {
		for (int i = 0; i < 3; i++) {
			this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/" + i, "a@example.com"));
		}
		Queries.awaitSealed(this.db, this.tenant);
		List<Long> ids = ids(this.tenant);
		this.db.sql("delete from access_event where id = :id")
			.bind("id", ids.get(2))
			.then()
			.block(Duration.ofSeconds(10));

		verification(this.tenant).jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.events")
			.isEqualTo(2)
			.jsonPath("$.reason")
			.isEqualTo("the chain ends at event 2 but its head is at 3: its newest events were removed");
	}

	@Test
	void eventsWhenTheChainIsHeldByAnotherSealerThenListedUnsealedAndSealedOnceItLetsGo() throws Exception {
		// A sealer on "another instance" holds the tenant's chain head and dies without
		// sealing: its connection closes, its transaction rolls back.
		try (Connection other = TestDatabase.jdbcConnection()) {
			try (PreparedStatement head = other.prepareStatement(
					"insert into audit_chain_head (tenant_id, seq, hash, sealed_at) values (?, 0, ''::bytea, now())")) {
				head.setString(1, this.tenant);
				head.executeUpdate();
			}
			other.setAutoCommit(false);
			try (PreparedStatement hold = other
				.prepareStatement("select seq from audit_chain_head where tenant_id = ? for update")) {
				hold.setString(1, this.tenant);
				hold.executeQuery().close();
			}
			this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/held", "a@example.com"));
			this.admin.get(this.tenant, "/events")
				.exchange()
				.expectBody()
				.jsonPath("$[0].type")
				.isEqualTo("created")
				.jsonPath("$[0].sealed")
				.isEqualTo(false)
				.jsonPath("$[0].hash")
				.doesNotExist();
			verification(this.tenant).jsonPath("$.valid").isEqualTo(true).jsonPath("$.unsealed").isEqualTo(1);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(this.meters.get("securelink.audit.unsealed.age").gauge().value())
					.as("the sealing lag shows")
					.isGreaterThan(0));
		}
		Queries.awaitSealed(this.db, this.tenant);
		this.admin.get(this.tenant, "/events")
			.exchange()
			.expectBody()
			.jsonPath("$[0].sealed")
			.isEqualTo(true)
			.jsonPath("$[0].seq")
			.isEqualTo(1)
			.jsonPath("$[0].hash")
			.exists();
		verification(this.tenant).jsonPath("$.valid").isEqualTo(true).jsonPath("$.events").isEqualTo(1);
	}

	private WebTestClient.BodyContentSpec verification(String tenant) {
		return this.admin.get(tenant, "/events/verification").exchange().expectStatus().isOk().expectBody();
	}

	private List<Long> ids(String tenant) {
		return this.db.sql("select id from access_event where tenant_id = :t order by id")
			.bind("t", tenant)
			.map((row) -> row.get("id", Long.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
	}

	private WebTestClient.ResponseSpec support(String path, String token) {
		return this.client.get()
			.uri("/admin/v1/tenants/" + this.tenant + path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange();
	}

	private WebTestClient.ResponseSpec settings(Map<String, Object> body) {
		return this.admin.settings(this.tenant, body);
	}

}
