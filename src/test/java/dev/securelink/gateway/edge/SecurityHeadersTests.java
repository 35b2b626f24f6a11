package dev.securelink.gateway.edge;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;

import static org.assertj.core.api.Assertions.assertThat;

@GatewayTest
class SecurityHeadersTests {

	@Autowired
	WebTestClient client;

	@Test
	void everyStatusWhenAnsweredByTheGatewayThenCarriesTheSecurityHeaders() {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		CreatedLink link = admin.createLink(tenant,
				Map.of("document", "/a", "recipients", List.of("anna@example.com")));
		String path = link.path();
		Browser browser = new Browser(this.client);

		Map<String, EntityExchangeResult<String>> answers = new LinkedHashMap<>();
		answers.put("prompt", browser.get(path));
		answers.put("wrong address", browser.verify(path, "x@example.com"));
		answers.put("cross-site", browser.postFrom("https://evil.example", path, Map.of("email", "a@b.c")));
		answers.put("granted", browser.verify(path, "anna@example.com"));
		answers.put("document", browser.get(link.documentSpace()));
		answers.put("no session", new Browser(this.client).get(link.documentSpace()));
		answers.put("unknown code", browser.get("/l/" + "C".repeat(32)));
		answers.put("unknown path", browser.get("/nothing-here"));
		answers.put("stylesheet", browser.get("/_gw/gateway.css"));
		answers.put("admin 401", browser.get("/admin/v1/tenants/" + tenant + "/links"));
		Browser guesser = new Browser(this.client);
		for (int i = 0; i < 5; i++) {
			guesser.verify(path, "guess" + i + "@example.com");
		}
		answers.put("locked", guesser.verify(path, "anna@example.com"));

		assertThat(answers.values()).extracting((result) -> result.getStatus().value())
			.containsExactly(200, 422, 403, 303, 200, 403, 404, 404, 200, 401, 429);
		answers.forEach((name, result) -> {
			HttpHeaders headers = result.getResponseHeaders();
			assertThat(headers.getFirst("Referrer-Policy")).as(name).isEqualTo("no-referrer");
			assertThat(headers.getFirst("X-Content-Type-Options")).as(name).isEqualTo("nosniff");
			assertThat(headers.getFirst("Content-Security-Policy")).as(name).contains("frame-ancestors 'none'");
			assertThat(headers.containsHeader("Strict-Transport-Security")).as(name + ": plain http").isFalse();
		});
		answers.entrySet()
			.stream()
			.filter((entry) -> !entry.getKey().equals("stylesheet"))
			.forEach((entry) -> assertThat(entry.getValue().getResponseHeaders().getCacheControl()).as(entry.getKey())
				.contains("no-store"));
		assertThat(answers.get("stylesheet")
			.getResponseHeaders()
			.getContentType()
			.isCompatibleWith(MediaType.valueOf("text/css"))).isTrue();
	}

	@Test
	void applyWhenPublicBaseUrlIsHttpsThenHsts() {
		SecurityHeaders headers = new SecurityHeaders(new GatewayProperties(URI.create("https://docs.example.com"),
				Duration.ofDays(30), Duration.ofDays(365), new GatewayProperties.Documents(null, true)),
				DocumentOrigins.shared());
		DefaultHttpHeaders response = new DefaultHttpHeaders();
		response.set("Referrer-Policy", "unsafe-url");
		response.set("Cache-Control", "max-age=60");
		headers.apply(response);
		assertThat(response.get("Strict-Transport-Security")).isEqualTo("max-age=31536000; includeSubDomains");
		assertThat(response.get("Referrer-Policy")).isEqualTo("no-referrer");
		assertThat(response.get("Cache-Control")).as("a response's own caching stays").isEqualTo("max-age=60");
		assertThat(response.get("Content-Security-Policy")).contains("form-action 'self';");
	}

	@Test
	void applyWhenDocumentsHaveOriginsOfTheirOwnThenThePagesFormsMayLandOnThem() {
		URI gateway = URI.create("https://links.example.com");
		SecurityHeaders headers = new SecurityHeaders(
				new GatewayProperties(gateway, Duration.ofDays(30), Duration.ofDays(365),
						new GatewayProperties.Documents("https://{link}.docs.example.net", false)),
				DocumentOrigins.of("https://{link}.docs.example.net", gateway));
		DefaultHttpHeaders response = new DefaultHttpHeaders();
		headers.apply(response);
		assertThat(response.get("Content-Security-Policy")).contains("form-action 'self' https://*.docs.example.net;",
				"frame-ancestors 'none'");
	}

}
