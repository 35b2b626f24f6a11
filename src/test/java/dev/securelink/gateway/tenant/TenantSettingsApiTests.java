package dev.securelink.gateway.tenant;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

@GatewayTest
class TenantSettingsApiTests {

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	String tenant;

	@BeforeEach
	void setUp() {
		this.tenant = Admin.newTenant();
	}

	@Test
	void getWhenNeverSavedThenVerificationOnAndSupportAccessOff() {
		get("links:read").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.tenantId")
			.isEqualTo(this.tenant)
			.jsonPath("$.emailVerification")
			.isEqualTo(true)
			.jsonPath("$.supportAccess")
			.isEqualTo(false);
	}

	@Test
	void putWhenChangedThenStoredAndVersionMovesOnlyOnRealChange() {
		put(Map.of("emailVerification", false, "supportAccess", true)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.emailVerification")
			.isEqualTo(false)
			.jsonPath("$.supportAccess")
			.isEqualTo(true)
			.jsonPath("$.version")
			.isEqualTo(1);
		put(Map.of("emailVerification", false, "supportAccess", true)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.version")
			.isEqualTo(1);
		put(Map.of("emailVerification", true, "supportAccess", true)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.version")
			.isEqualTo(2);
		get("settings:write").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.emailVerification")
			.isEqualTo(true)
			.jsonPath("$.supportAccess")
			.isEqualTo(true);
	}

	@Test
	void putWhenFieldMissingOrNotBooleanThen400AndNothingChanged() {
		put(Map.of("emailVerification", false)).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("supportAccess");
		put(Map.of("emailVerification", "perhaps", "supportAccess", false)).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("emailVerification");
		get("links:read").expectBody().jsonPath("$.emailVerification").isEqualTo(true);
	}

	@Test
	void putWhenRenewalSwitchesGivenThenStoredAndAuditedAndWhenLeftOutThenKept() {
		get("links:read").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.selfServiceRenewal")
			.isEqualTo(true)
			.jsonPath("$.renewalForRevoked")
			.isEqualTo(false);
		put(Map.of("emailVerification", true, "supportAccess", false, "selfServiceRenewal", false, "renewalForRevoked",
				true))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.selfServiceRenewal")
			.isEqualTo(false)
			.jsonPath("$.renewalForRevoked")
			.isEqualTo(true)
			.jsonPath("$.version")
			.isEqualTo(1);
		put(Map.of("emailVerification", false, "supportAccess", false)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.selfServiceRenewal")
			.isEqualTo(false)
			.jsonPath("$.renewalForRevoked")
			.isEqualTo(true);
		put(Map.of("emailVerification", false, "supportAccess", false, "selfServiceRenewal", "sometimes"))
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("selfServiceRenewal");
		get("links:read").expectBody().jsonPath("$.selfServiceRenewal").isEqualTo(false);
		String detail = firstSettingsChange();
		assertThat(detail)
			.contains("\"before\":{\"emailVerification\":true,\"supportAccess\":false,"
					+ "\"supportAccessUntil\":null,\"selfServiceRenewal\":true,\"renewalForRevoked\":false,")
			.contains("\"selfServiceRenewal\":false,\"renewalForRevoked\":true,");
	}

	@Test
	void putWhenDisplayNameIsNotOneLineOfPlainTextOfAtMost80CharactersThen400NamingItAndNothingChanged() {
		for (String bad : List.of("", "   ", "x".repeat(81), "Acme\nEvil", "Acme\u202Egnp.exe", "Acme\u0000")) {
			put(Map.of("emailVerification", true, "supportAccess", false, "displayName", bad)).expectStatus()
				.isBadRequest()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("displayName");
		}
		get("links:read").expectBody().jsonPath("$.version").isEqualTo(0).jsonPath("$.displayName").doesNotExist();
		put(Map.of("emailVerification", true, "supportAccess", false, "displayName", " Ünïcode & Søns <GmbH> "))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.displayName")
			.isEqualTo("Ünïcode & Søns <GmbH>")
			.jsonPath("$.showSenderOnPrompt")
			.isEqualTo(true);
		put(Map.of("emailVerification", true, "supportAccess", false, "displayName", "é".repeat(80))).expectStatus()
			.isOk();
		String detail = firstSettingsChange();
		assertThat(detail).contains("\"after\":").contains("\"displayName\":\"Ünïcode & Søns <GmbH>\"");
	}

	@Test
	void putWhenOnlyLinkScopesThen403() {
		this.client.put()
			.uri("/admin/v1/tenants/" + this.tenant + "/settings")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, "links:read links:write"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("emailVerification", false, "supportAccess", false))
			.exchange()
			.expectStatus()
			.isForbidden();
		get("links:read").expectBody().jsonPath("$.emailVerification").isEqualTo(true);
	}

	/** The detail of the tenant's first audited settings change. */
	private String firstSettingsChange() {
		return this.db
			.sql("select detail from access_event where tenant_id = :tenant and type = 'settings_changed' "
					+ "order by id limit 1")
			.bind("tenant", this.tenant)
			.map((row) -> row.get("detail", String.class))
			.one()
			.block(java.time.Duration.ofSeconds(10));
	}

	private WebTestClient.ResponseSpec get(String scopes) {
		return this.client.get()
			.uri("/admin/v1/tenants/" + this.tenant + "/settings")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, scopes))
			.exchange();
	}

	private WebTestClient.ResponseSpec put(Map<String, Object> body) {
		return this.client.put()
			.uri("/admin/v1/tenants/" + this.tenant + "/settings")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, "settings:write"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

}
