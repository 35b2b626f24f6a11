package dev.securelink.gateway.support;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Calls the admin API as the invoicing application would, with a token from
 * {@link TestKeys}.
 */
public final class Admin {

	public static final String ALL_SCOPES = "links:read links:write settings:write";

	private final WebTestClient client;

	public Admin(WebTestClient client) {
		this.client = client;
	}

	/**
	 * A tenant id no other test uses, so tests sharing one database never see each
	 * other's data.
	 */
	public static String newTenant() {
		return "t-" + UUID.randomUUID().toString().substring(0, 12);
	}

	public static Map<String, Object> linkRequest(String document, String... recipients) {
		return Map.of("document", document, "recipients", List.of(recipients), "rights", List.of("sign", "pay"));
	}

	public WebTestClient.RequestBodySpec post(String tenant, String path) {
		return this.client.post()
			.uri("/admin/v1/tenants/" + tenant + path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, ALL_SCOPES))
			.contentType(MediaType.APPLICATION_JSON);
	}

	/** A PATCH with {@code body}, with every scope; answers what the gateway said. */
	public WebTestClient.ResponseSpec patch(String tenant, String path, Object body) {
		return this.client.patch()
			.uri("/admin/v1/tenants/" + tenant + path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, ALL_SCOPES))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	/** A PUT without a body, with every scope. */
	public WebTestClient.RequestBodySpec put(String tenant, String path) {
		return this.client.put()
			.uri("/admin/v1/tenants/" + tenant + path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, ALL_SCOPES));
	}

	/** A DELETE, with every scope. */
	public WebTestClient.RequestHeadersSpec<?> delete(String tenant, String path) {
		return this.client.delete()
			.uri("/admin/v1/tenants/" + tenant + path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, ALL_SCOPES));
	}

	public WebTestClient.RequestHeadersSpec<?> get(String tenant, String path) {
		return this.client.get()
			.uri("/admin/v1/tenants/" + tenant + path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, ALL_SCOPES));
	}

	/** Creates a link and answers its creation response. */
	@SuppressWarnings("unchecked")
	public CreatedLink createLink(String tenant, Map<String, Object> request) {
		((List<String>) request.get("recipients")).forEach(Secrets::remember);
		CreatedLink created = post(tenant, "/links").bodyValue(request)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(CreatedLink.class)
			.returnResult()
			.getResponseBody();
		Secrets.remember(created.code());
		return created;
	}

	/** Sets a tenant's settings. */
	public void settings(String tenant, boolean emailVerification) {
		settings(tenant, Map.of("emailVerification", emailVerification, "supportAccess", false)).expectStatus().isOk();
	}

	/** Puts {@code body} as a tenant's settings and answers what the gateway said. */
	public WebTestClient.ResponseSpec settings(String tenant, Map<String, Object> body) {
		return this.client.put()
			.uri("/admin/v1/tenants/" + tenant + "/settings")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, ALL_SCOPES))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

	/** Turns a tenant's support access on for an hour, verification on. */
	public void supportAccessForAnHour(String tenant) {
		settings(tenant, Map.of("emailVerification", true, "supportAccess", true, "supportAccessUntil",
				java.time.Instant.now().plus(java.time.Duration.ofHours(1)).toString()))
			.expectStatus()
			.isOk();
	}

	public void revoke(String tenant, String linkId) {
		this.client.delete()
			.uri("/admin/v1/tenants/" + tenant + "/links/" + linkId)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, ALL_SCOPES))
			.exchange()
			.expectStatus()
			.isNoContent();
	}

}
