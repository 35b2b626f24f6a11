package dev.securelink.gateway.webhook;

import java.util.Base64;
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
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.Secrets;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

@GatewayTest
class WebhookAdminTests {

	private static final String WRITE = "webhooks:write";

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	@Autowired
	WebhookSecrets secrets;

	String tenant;

	@BeforeEach
	void newTenant() {
		this.tenant = Admin.newTenant();
	}

	@Test
	void createWhenValidThen201WithTheSecretShownOnceAndStoredOnlyEncrypted() {
		Map<?, ?> created = create(
				Map.of("url", "http://127.0.0.1:9/hook", "eventTypes", List.of("link.*"), "description", "billing"));
		String id = (String) created.get("id");
		String secret = (String) created.get("secret");
		byte[] raw = raw(secret);
		assertThat(raw).hasSize(32);
		assertThat(created.get("eventTypes")).isEqualTo(List.of("link.*"));
		assertThat(created.get("enabled")).isEqualTo(true);

		String shown = call("GET", "/webhooks/" + id, WRITE, null).expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		String listed = call("GET", "/webhooks", "links:read", null).expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		for (String answer : List.of(shown, listed)) {
			assertThat(answer).contains(id).doesNotContain("secret").doesNotContain(secret.substring(6));
		}

		byte[] stored = this.db.sql("select secret from webhook_endpoint where id = :id")
			.bind("id", id)
			.map((row) -> row.get("secret", byte[].class))
			.one()
			.block();
		assertThat(indexOf(stored, raw)).isNegative();
		assertThat(this.secrets.decrypt(id, stored)).isEqualTo(raw);
	}

	@Test
	void createWhenBadInputThen400NamingTheFieldAndNothingStored() {
		expectBadField(Map.of("url", "ftp://127.0.0.1/hook", "eventTypes", List.of("link.opened")), "url");
		expectBadField(Map.of("url", "http://127.0.0.1/hook", "eventTypes", List.of("link.clicked")), "eventTypes");
		expectBadField(Map.of("url", "http://127.0.0.1/hook", "eventTypes", List.of()), "eventTypes");
		expectBadField(Map.of("eventTypes", List.of("link.opened")), "url");
		expectBadField(
				Map.of("url", "http://127.0.0.1/hook", "eventTypes", List.of("*"), "description", "x".repeat(501)),
				"description");
		assertThat(Queries.number(this.db, "select count(*) from webhook_endpoint where tenant_id = $1", this.tenant))
			.isZero();
	}

	@Test
	void createWhenTheTenantHasTheMostEndpointsThen400() {
		for (int i = 0; i < 10; i++) {
			create(Map.of("url", "http://127.0.0.1/hook" + i, "eventTypes", List.of("*")));
		}
		expectBadField(Map.of("url", "http://127.0.0.1/hook", "eventTypes", List.of("*")), "webhooks");
	}

	@Test
	void patchWhenSomeMembersThenOnlyThoseChangeAndAnEmptyDescriptionClears() {
		String id = (String) create(
				Map.of("url", "http://127.0.0.1/a", "eventTypes", List.of("*"), "description", "old"))
			.get("id");
		call("PATCH", "/webhooks/" + id, WRITE, Map.of("enabled", false, "description", "")).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.enabled")
			.isEqualTo(false)
			.jsonPath("$.url")
			.isEqualTo("http://127.0.0.1/a")
			.jsonPath("$.description")
			.doesNotExist();
		call("PATCH", "/webhooks/" + id, WRITE, Map.of("eventTypes", List.of("nothing.known"))).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("eventTypes");
		call("GET", "/webhooks/" + id, "links:read", null).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.eventTypes[0]")
			.isEqualTo("*")
			.jsonPath("$.enabled")
			.isEqualTo(false);
	}

	@Test
	void rotateSecretWhenAGracePeriodThenANewSecretShownOnceAndTheOldOneKeptUntilItEnds() {
		Map<?, ?> created = create(Map.of("url", "http://127.0.0.1/a", "eventTypes", List.of("*")));
		String id = (String) created.get("id");
		byte[] old = raw((String) created.get("secret"));
		Map<?, ?> rotated = call("POST", "/webhooks/" + id + "/rotate-secret", WRITE, Map.of("graceSeconds", 3600))
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		byte[] fresh = raw((String) rotated.get("secret"));
		assertThat(fresh).isNotEqualTo(old);
		assertThat(java.time.Instant.parse((String) rotated.get("previousSecretUntil")))
			.isBetween(java.time.Instant.now().plusSeconds(3500), java.time.Instant.now().plusSeconds(3700));
		Map<String, byte[]> stored = this.db.sql("select secret, previous_secret from webhook_endpoint where id = :id")
			.bind("id", id)
			.map((row) -> Map.of("secret", row.get("secret", byte[].class), "previous",
					row.get("previous_secret", byte[].class)))
			.one()
			.block();
		assertThat(this.secrets.decrypt(id, stored.get("secret"))).isEqualTo(fresh);
		assertThat(this.secrets.decrypt(id, stored.get("previous"))).isEqualTo(old);
		call("GET", "/webhooks/" + id, WRITE, null).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.secret")
			.doesNotExist()
			.jsonPath("$.previousSecretUntil")
			.exists();

		call("POST", "/webhooks/" + id + "/rotate-secret", WRITE, Map.of("graceSeconds", 86_401)).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("graceSeconds");
		call("POST", "/webhooks/wh_nosuchendpoint/rotate-secret", WRITE, null).expectStatus().isNotFound();
		call("POST", "/webhooks/" + id + "/rotate-secret", "links:read", null).expectStatus().isForbidden();
	}

	@Test
	void deleteWhenTheEndpointExistsThen204AndThen404() {
		String id = (String) create(Map.of("url", "http://127.0.0.1/a", "eventTypes", List.of("*"))).get("id");
		call("DELETE", "/webhooks/" + id, WRITE, null).expectStatus().isNoContent();
		call("GET", "/webhooks/" + id, WRITE, null).expectStatus().isNotFound();
		call("DELETE", "/webhooks/" + id, WRITE, null).expectStatus().isNotFound();
	}

	@Test
	void writeWhenTheTokenLacksWebhooksWriteOrNamesAnotherTenantThen403() {
		String id = (String) create(Map.of("url", "http://127.0.0.1/a", "eventTypes", List.of("*"))).get("id");
		call("POST", "/webhooks", "links:read links:write settings:write",
				Map.of("url", "http://127.0.0.1/b", "eventTypes", List.of("*")))
			.expectStatus()
			.isForbidden();
		call("DELETE", "/webhooks/" + id, "links:write", null).expectStatus().isForbidden();
		this.client.get()
			.uri("/admin/v1/tenants/" + this.tenant + "/webhooks/" + id)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(Admin.newTenant(), WRITE))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void openApiWhenRequestedThenOneSchemaPerEventTypeWithoutPersonalData() {
		WebTestClient.BodyContentSpec document = this.client.get().uri("/v3/api-docs").exchange().expectBody();
		for (String type : WebhookEventTypes.ALL) {
			document.jsonPath("$.components.schemas['webhook." + type + "'].properties.type.enum[0]")
				.isEqualTo(type)
				.jsonPath("$.components.schemas['webhook." + type + "'].properties.data.properties.tenantId")
				.exists();
		}
		document.jsonPath("$.components.schemas['webhook.link.locked'].properties.data.properties.lockedUntil")
			.exists()
			.jsonPath("$.components.schemas['webhook.sign.submitted'].properties.data.properties.status")
			.exists();
		tools.jackson.databind.JsonNode schemas = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readTree(this.client.get()
				.uri("/v3/api-docs")
				.exchange()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody())
			.get("components")
			.get("schemas");
		for (String type : WebhookEventTypes.ALL) {
			tools.jackson.databind.JsonNode schema = schemas.get("webhook." + type);
			assertThat(schema.get("properties").get("data").get("properties").propertyNames()).as(type)
				.doesNotContain("email", "emails", "recipients", "client", "ip", "actor", "sessionId", "code",
						"cookie");
			assertThat(schema.toString()).contains("\"string\"");
		}
	}

	private Map<?, ?> create(Map<String, Object> body) {
		Map<?, ?> created = call("POST", "/webhooks", WRITE, body).expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		raw((String) created.get("secret"));
		return created;
	}

	private void expectBadField(Map<String, Object> body, String field) {
		call("POST", "/webhooks", WRITE, body).expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo(field);
	}

	private WebTestClient.ResponseSpec call(String method, String path, String scopes, Object body) {
		WebTestClient.RequestBodySpec request = this.client.method(org.springframework.http.HttpMethod.valueOf(method))
			.uri("/admin/v1/tenants/" + this.tenant + path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, scopes))
			.contentType(MediaType.APPLICATION_JSON);
		return ((body != null) ? request.bodyValue(body) : request).exchange();
	}

	/** The secret's bytes; the secret is remembered, so that no log line may show it. */
	private static byte[] raw(String shown) {
		Secrets.remember(shown);
		assertThat(shown).startsWith("whsec_");
		return Base64.getDecoder().decode(shown.substring("whsec_".length()));
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		for (int i = 0; i + needle.length <= haystack.length; i++) {
			boolean found = true;
			for (int j = 0; j < needle.length && found; j++) {
				found = haystack[i + j] == needle[j];
			}
			if (found) {
				return i;
			}
		}
		return -1;
	}

}
