package dev.securelink.gateway.admin;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.RawHttp;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One authorization for every method and every token: what the route table does not allow
 * is denied.
 */
class AdminAuthorizationTests extends GatewayFixture {

	@LocalServerPort
	int port;

	String linkId;

	@BeforeEach
	void createLink() {
		this.linkId = this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/head", "a@example.com")).id();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/settings", "/access", "/links", "/links/{id}", "/links/{id}/evidence", "/events",
			"/events/verification" })
	void headWhenTokenMayNotReadThenRefusedLikeGet(String route) {
		String path = "/admin/v1/tenants/" + this.tenant + route.replace("{id}", this.linkId);
		String otherTenant = TestKeys.token(Admin.newTenant(), Admin.ALL_SCOPES);
		String noScopes = TestKeys.token(this.tenant, "");
		String support = TestKeys.supportToken("agent-head");
		for (String token : List.of(otherTenant, noScopes, support)) {
			for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
				EntityExchangeResult<byte[]> answer = call(method, path, token);
				assertThat(answer.getStatus().value()).as(method + " " + route).isEqualTo(403);
			}
		}
		assertThat(call(HttpMethod.HEAD, path, TestKeys.token(this.tenant, Admin.ALL_SCOPES)).getStatus().value())
			.isEqualTo(200);
	}

	@Test
	void headWhenSupportAccessOnThenGrantedAndAuditedLikeGet() {
		this.admin.supportAccessForAnHour(this.tenant);
		String support = TestKeys.supportToken("agent-head");
		String path = "/admin/v1/tenants/" + this.tenant + "/links/" + this.linkId;

		assertThat(call(HttpMethod.HEAD, path, support).getStatus().value()).isEqualTo(200);
		assertThat(call(HttpMethod.GET, path, support).getStatus().value()).isEqualTo(200);
		assertThat(call(HttpMethod.DELETE, path, support).getStatus().value()).isEqualTo(403);

		assertThat(Queries.number(this.db,
				"select count(*) from access_event where tenant_id = $1 and type = 'support_read' and detail like '%\"HEAD\"%'",
				this.tenant))
			.isEqualTo(1);
		assertThat(Queries.number(this.db,
				"select count(*) from access_event where tenant_id = $1 and type = 'support_read'", this.tenant))
			.isEqualTo(2);
	}

	@ParameterizedTest
	@ValueSource(strings = { "OPTIONS", "PATCH", "TRACE", "PUT", "POST", "BREW", "PROPFIND" })
	void otherMethodsWhenAnyCallerThenNo2xxAndNoExistenceSignal(String method) throws Exception {
		String existing = "/admin/v1/tenants/" + this.tenant + "/links/" + this.linkId;
		String missing = "/admin/v1/tenants/" + this.tenant + "/links/AAAAAAAAAAAAAAAA";
		for (String token : List.of(TestKeys.token(Admin.newTenant(), Admin.ALL_SCOPES),
				TestKeys.token(this.tenant, Admin.ALL_SCOPES), TestKeys.supportToken("agent-x"))) {
			int onExisting = raw(method, existing, token).status();
			int onMissing = raw(method, missing, token).status();
			assertThat(onExisting).as(method + " on an existing link").isBetween(400, 499).isEqualTo(onMissing);
		}
		// Without a token: 401, or 400 where the firewall refuses a method outside the
		// standard ones first.
		assertThat(raw(method, existing, null).status()).isIn(400, 401);
	}

	@Test
	void unlistedRouteWhenValidTokenThenDenied() throws Exception {
		String token = TestKeys.token(this.tenant, Admin.ALL_SCOPES);
		assertThat(raw("GET", "/admin/v1/tenants/" + this.tenant + "/secrets", token).status()).isEqualTo(403);
		assertThat(raw("GET", "/admin/v1/other", token).status()).isEqualTo(403);
		assertThat(raw("GET", "/admin/v1/tenants/" + this.tenant + "/links/" + this.linkId + "/", token).status())
			.isEqualTo(403);
	}

	@Test
	void tokenWhenExpiryAudienceOrIssuerMissingOrWrongThen401() {
		String path = "/admin/v1/tenants/" + this.tenant + "/links";
		JWTClaimsSet good = TestKeys.claims()
			.subject("invoicing-app")
			.claim("tenant", this.tenant)
			.claim("scope", Admin.ALL_SCOPES)
			.build();
		assertThat(call(HttpMethod.GET, path, TestKeys.sign(good)).getStatus().value()).isEqualTo(200);
		List<JWTClaimsSet> bad = List.of(new JWTClaimsSet.Builder(good).expirationTime(null).build(),
				new JWTClaimsSet.Builder(good).expirationTime(Date.from(Instant.now().minusSeconds(3600))).build(),
				new JWTClaimsSet.Builder(good).audience((String) null).build(),
				new JWTClaimsSet.Builder(good).audience("someone-else").build(),
				new JWTClaimsSet.Builder(good).issuer(null).build(),
				new JWTClaimsSet.Builder(good).issuer("https://evil.example").build());
		for (JWTClaimsSet claims : bad) {
			assertThat(call(HttpMethod.GET, path, TestKeys.sign(claims)).getStatus().value()).as(claims.toString())
				.isEqualTo(401);
		}
	}

	private EntityExchangeResult<byte[]> call(HttpMethod method, String path, String token) {
		return this.client.method(method)
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private RawHttp.Answer raw(String method, String path, String token) throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			return (token != null) ? connection.exchange(method, path, null, "Authorization: Bearer " + token)
					: connection.exchange(method, path, null);
		}
	}

}
