package dev.securelink.gateway.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.database.MissingConfigurationException;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.Secrets;
import dev.securelink.gateway.support.TestKeys;
import dev.securelink.gateway.support.TestMail;
import dev.securelink.gateway.support.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every document on an origin of its own ({@code securelink.documents.origin}): the
 * one-time handoff from the prompt's host, on two instances, and what a document's host
 * answers and refuses. The requests name the document's host in {@code Host}, as a
 * browser resolving {@code *.localhost} to loopback would.
 */
@TestPropertySource(properties = { "securelink.documents.origin=http://{link}.localhost",
		"securelink.keys.assertion-algorithm=EdDSA" })
class DocumentOriginTests extends GatewayFixture {

	private static final String HANDOFF = "http://([a-z2-7]{20})\\.localhost/_gw/handoff\\?t=([A-Za-z0-9._-]+)";

	static ConfigurableApplicationContext second;

	@BeforeAll
	static void startSecondInstance() {
		second = Instances.start(new String[0], "--server.port=0", "--management.server.port=0",
				"--securelink.documents.origin=http://{link}.localhost", "--securelink.keys.assertion-algorithm=EdDSA",
				"--securelink.keys.assertion=" + TestKeys.ed25519Pem());
	}

	/** This context's assertions are EdDSA: the key of that kind. */
	@DynamicPropertySource
	static void edDsaAssertionKey(DynamicPropertyRegistry registry) {
		registry.add("securelink.keys.assertion", TestKeys::ed25519Pem);
	}

	@AfterAll
	static void stopSecondInstance() {
		second.close();
	}

	/** A verified visitor of a new link with the sign right: the handoff it got. */
	private Handoff verified(String document) {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", document, "recipients", List.of("anna@example.com"), "rights", List.of("sign")));
		Browser browser = new Browser(this.client);
		EntityExchangeResult<String> answer = browser.verify(link.path(), "anna@example.com");
		assertThat(answer.getStatus().value()).isEqualTo(303);
		String location = answer.getResponseHeaders().getLocation().toString();
		assertThat(location).matches(HANDOFF);
		String token = location.substring(location.indexOf("?t=") + 3);
		Secrets.remember(token);
		return new Handoff(link, location.substring("http://".length(), location.indexOf('/', "http://".length())),
				token);
	}

	record Handoff(CreatedLink link, String host, String token) {
	}

	private static EntityExchangeResult<String> redeem(WebTestClient client, String host, String token) {
		return client.get()
			.uri("/_gw/handoff?t=" + token)
			.header(HttpHeaders.HOST, host)
			.exchange()
			.expectBody(String.class)
			.returnResult();
	}

	private EntityExchangeResult<String> onHost(String host, String path, String cookie) {
		WebTestClient.RequestHeadersSpec<?> spec = this.client.get().uri(path).header(HttpHeaders.HOST, host);
		if (cookie != null) {
			spec.header(HttpHeaders.COOKIE, cookie);
		}
		return spec.exchange().expectBody(String.class).returnResult();
	}

	private static String cookie(EntityExchangeResult<String> redeemed) {
		ResponseCookie cookie = redeemed.getResponseCookies().toSingleValueMap().values().iterator().next();
		assertThat(cookie.getName()).startsWith("__Host-");
		assertThat(cookie.isSecure()).isTrue();
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getDomain()).isNull();
		assertThat(cookie.getPath()).isEqualTo("/");
		return cookie.getName() + "=" + Secrets.remember(cookie.getValue());
	}

	@Test
	@Behaviour("46")
	void verifyWhenDocumentsHaveOriginsOfTheirOwnThenAHandoffSetsTheSessionOnTheDocumentsHostWhosePathsAreTheDocuments() {
		String document = "/docs/" + UUID.randomUUID();
		Handoff handoff = verified(document);

		EntityExchangeResult<String> redeemed = redeem(this.client, handoff.host(), handoff.token());
		assertThat(redeemed.getStatus().value()).isEqualTo(303);
		assertThat(redeemed.getResponseHeaders().getLocation()).isEqualTo(URI.create("/"));
		assertThat(redeemed.getResponseHeaders().getFirst("Referrer-Policy")).isEqualTo("no-referrer");
		assertThat(redeemed.getResponseHeaders().getCacheControl()).isEqualTo("no-store");
		String cookie = cookie(redeemed);

		EntityExchangeResult<String> page = onHost(handoff.host(), "/page?x=1", cookie);
		assertThat(page.getStatus().value()).isEqualTo(200);
		TestUpstream.Received received = TestUpstream.received(document).get(0);
		assertThat(received.uri()).isEqualTo(document + "/page?x=1");
		assertThat(received.header("X-Forwarded-Host")).as("the document's own host").isEqualTo(handoff.host());
		assertThat(received.header("Cookie")).as("the gateway's cookie stays with the gateway").isNull();
		assertThat(page.getResponseHeaders().get("Content-Security-Policy"))
			.as("no sandbox: the origin is the document's alone")
			.noneMatch((policy) -> policy.contains("sandbox"));

		assertThat(redeem(this.client, handoff.host(), handoff.token()).getStatus().value())
			.as("a token is redeemed once")
			.isEqualTo(403);
		assertThat(onHost("localhost", "/d/" + handoff.link().id() + "/", cookie).getStatus().value())
			.as("no document on the gateway's host")
			.isEqualTo(404);
	}

	@Test
	@Behaviour("19")
	void assertionWhenEdDsaIsConfiguredThenEd25519SignedAndVerifiedWithThePublishedKey() throws Exception {
		String document = "/docs/" + UUID.randomUUID();
		Handoff handoff = verified(document);
		String cookie = cookie(redeem(this.client, handoff.host(), handoff.token()));
		assertThat(onHost(handoff.host(), "/", cookie).getStatus().value()).isEqualTo(200);

		SignedJWT jwt = SignedJWT.parse(TestUpstream.received(document).get(0).header("X-SecureLink-Assertion"));
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
		String jwks = TestKeys.jwks(this.client);
		OctetKeyPair key = (OctetKeyPair) JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(TestKeys.verifiesEd25519(jwt, key)).isTrue();
		assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(handoff.link().id());
		assertThat(jwt.getJWTClaimsSet().getStringClaim("doc")).isEqualTo(document);
		assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("securelink-upstream");
	}

	@Test
	@Behaviour("56a")
	void signWhenACodeIsAskedFirstThenTheStepUpHandsAProvenSessionToTheDocumentsOwnSignPage() {
		this.admin
			.settings(this.tenant, Map.of("verification", "address", "supportAccess", false, "codeBeforeActions", true))
			.expectStatus()
			.isOk();
		String anna = Secrets.remember("anna." + this.tenant + "@example.com");
		String document = "/docs/" + UUID.randomUUID();
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", document, "recipients", List.of(anna), "rights", List.of("sign")));
		Browser browser = new Browser(this.client);
		String location = browser.verify(link.path(), anna).getResponseHeaders().getLocation().toString();
		String host = location.substring("http://".length(), location.indexOf('/', "http://".length()));
		String cookie = cookie(
				redeem(this.client, host, Secrets.remember(location.substring(location.indexOf("?t=") + 3))));

		EntityExchangeResult<String> sign = onHost(host, "/sign", cookie);
		assertThat(sign.getStatus().value()).isEqualTo(303);
		String stepUp = sign.getResponseHeaders().getLocation().getPath();
		assertThat(stepUp).startsWith("/_gw/step-up/");
		assertThat(TestUpstream.received(document)).isEmpty();
		EntityExchangeResult<String> codePage = browser.post(stepUp,
				Map.of("email", anna, "csrf", Browser.csrfToken(browser.get(stepUp))));
		String code = Secrets.remember(TestMail.code(TestMail.await(anna, 1)));
		String back = browser.post(stepUp, Map.of("otp", code, "csrf", Browser.csrfToken(codePage)))
			.getResponseHeaders()
			.getLocation()
			.toString();
		assertThat(back).matches(HANDOFF);
		EntityExchangeResult<String> redeemed = redeem(this.client, host,
				Secrets.remember(back.substring(back.indexOf("?t=") + 3)));
		assertThat(redeemed.getResponseHeaders().getLocation()).isEqualTo(URI.create("/sign"));
		assertThat(onHost(host, "/sign", cookie(redeemed)).getStatus().value()).isEqualTo(200);
		assertThat(TestUpstream.received(document)).hasSize(1);
	}

	@Test
	@Behaviour("46")
	void redeemWhenTheSameTokenComesToTwoInstancesAtOnceThenExactlyOneSession() {
		WebTestClient other = Instances.client(second, "local.server.port");
		for (int round = 0; round < 5; round++) {
			Handoff handoff = verified("/docs/" + UUID.randomUUID());
			CompletableFuture<Integer> first = CompletableFuture
				.supplyAsync(() -> redeem(this.client, handoff.host(), handoff.token()).getStatus().value());
			CompletableFuture<Integer> secondInstance = CompletableFuture
				.supplyAsync(() -> redeem(other, handoff.host(), handoff.token()).getStatus().value());
			assertThat(List.of(first.join(), secondInstance.join())).containsExactlyInAnyOrder(303, 403);
			assertThat(redeem(other, handoff.host(), handoff.token()).getStatus().value()).isEqualTo(403);
		}
	}

	@Test
	@Behaviour("46")
	void redeemWhenTheTokenExpiredOrComesToAnotherDocumentsHostOrIsForgedThenRefused() {
		Handoff late = verified("/docs/" + UUID.randomUUID());
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(redeem(this.client, late.host(), late.token()).getStatus().value()).as("expired").isEqualTo(403);
		this.clock.reset();

		Handoff mine = verified("/docs/" + UUID.randomUUID());
		Handoff theirs = verified("/docs/" + UUID.randomUUID());
		assertThat(redeem(this.client, theirs.host(), mine.token()).getStatus().value())
			.as("on another document's host")
			.isEqualTo(403);
		String[] parts = mine.token().split("\\.");
		String forged = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA";
		assertThat(redeem(this.client, mine.host(), forged).getStatus().value()).as("forged").isEqualTo(403);
		assertThat(redeem(this.client, mine.host(), "").getStatus().value()).isEqualTo(403);
		assertThat(this.client.post()
			.uri("/_gw/handoff?t=" + mine.token())
			.header(HttpHeaders.HOST, mine.host())
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value()).as("only a GET redeems").isEqualTo(403);
		assertThat(redeem(this.client, mine.host(), mine.token()).getStatus().value())
			.as("none of the refusals spent it")
			.isEqualTo(303);
		assertThat(redeem(this.client, "localhost", mine.token()).getStatus().value())
			.as("the gateway's own host has no handoff")
			.isEqualTo(404);
	}

	@Test
	@Behaviour("46a")
	void startWhenProductionNamesNoDocumentOriginAndNoSharedOriginThenRefusedNamingIt() {
		assertThatThrownBy(() -> Instances.start(new String[0], "--server.port=0", "--management.server.port=0",
				"--securelink.documents.shared-origin=false"))
			.hasRootCauseInstanceOf(MissingConfigurationException.class)
			.rootCause()
			.hasMessageContaining("securelink.documents.origin");
		assertThatThrownBy(() -> Instances.start(new String[0], "--server.port=0", "--management.server.port=0",
				"--securelink.documents.shared-origin=true",
				"--securelink.documents.origin=https://{link}.docs.example"))
			.rootCause()
			.hasMessageContaining("contradict");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/l/abc", "/d/AAAAAAAAAAAAAAAA/", "/admin/v1/tenants/t/links", "/.well-known/jwks.json",
			"/v3/api-docs", "/actuator/health", "/_gw/other" })
	@Behaviour("46")
	void requestWhenADocumentsHostIsAskedForTheGatewaysPathsThenNotFound(String path) {
		Handoff handoff = verified("/docs/" + UUID.randomUUID());
		String cookie = cookie(redeem(this.client, handoff.host(), handoff.token()));
		int before = TestUpstream.received("").size();
		assertThat(onHost(handoff.host(), path, cookie).getStatus().value()).isEqualTo(404);
		assertThat(TestUpstream.received("")).hasSize(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "www.localhost", "aaaaaaaaaaaaaaaaaaab.localhost", "x.aaaaaaaaaaaaaaaaaaaa.localhost",
			"WWW.LOCALHOST.", "www.localhost:8443" })
	@Behaviour("46")
	void requestWhenANameOfTheDocumentsDomainIsNoDocumentsThenNothingThereNotEvenTheGatewaysPaths(String host) {
		CreatedLink link = this.admin.createLink(this.tenant, Admin.linkRequest("/docs/wildcard", "anna@example.com"));
		for (String path : List.of("/", link.path(), "/admin/v1/tenants/" + this.tenant + "/links", "/v3/api-docs",
				"/d/" + link.id() + "/", "/_gw/handoff?t=x")) {
			assertThat(onHost(host, path, null).getStatus().value()).as(host + path).isEqualTo(404);
		}
	}

	@Test
	@Behaviour("46")
	void requestWhenTheHostIsSpelledFullyQualifiedThenTheSameDocument() {
		Handoff handoff = verified("/docs/" + UUID.randomUUID());
		String cookie = cookie(redeem(this.client, handoff.host(), handoff.token()));
		assertThat(onHost(handoff.host().toUpperCase(java.util.Locale.ROOT) + ".", "/page", cookie).getStatus().value())
			.isEqualTo(200);
		assertThat(onHost(handoff.host() + ".", "/l/x", cookie).getStatus().value()).isEqualTo(404);
	}

	@Test
	@Behaviour("47")
	void linkHostWhenInTheDocumentsDomainThenRefusedNamingHost() {
		for (String host : List.of("acme.localhost", "aaaaaaaaaaaaaaaaaaaa.localhost", "x.y.localhost")) {
			this.admin.put(this.tenant, "/link-hosts/" + host)
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("host");
		}
	}

	@Test
	@Behaviour("46")
	void signWhenPostedFromTheDocumentsOwnOriginThenForwardedFromAnyOtherOriginThen403() {
		String document = "/docs/" + UUID.randomUUID();
		Handoff handoff = verified(document);
		Handoff other = verified("/docs/" + UUID.randomUUID());
		String cookie = cookie(redeem(this.client, handoff.host(), handoff.token()));
		List<Integer> statuses = new ArrayList<>();
		for (String origin : List.of("http://localhost:8080", "http://" + other.host(), "null",
				"http://" + handoff.host())) {
			statuses.add(this.client.post()
				.uri("/sign")
				.header(HttpHeaders.HOST, handoff.host())
				.header(HttpHeaders.COOKIE, cookie)
				.header(HttpHeaders.ORIGIN, origin)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.bodyValue("accept=yes")
				.exchange()
				.returnResult(String.class)
				.getStatus()
				.value());
		}
		assertThat(statuses).containsExactly(403, 403, 403, 200);
		assertThat(TestUpstream.received(document)).extracting(TestUpstream.Received::method).containsExactly("POST");
	}

	@Test
	@Behaviour("57")
	void shareWhenOnTheDocumentsOwnHostThenThePageIsThereAndPostsOnlyFromThatOrigin() throws Exception {
		String document = "/docs/" + UUID.randomUUID();
		Handoff handoff = verified(document);
		String cookie = cookie(redeem(this.client, handoff.host(), handoff.token()));
		onHost(handoff.host(), "/", cookie);
		String assertion = TestUpstream.received(document).get(0).header("X-SecureLink-Assertion");
		assertThat(SignedJWT.parse(assertion).getJWTClaimsSet().getJSONObjectClaim("share")).containsEntry("path",
				"/_gw/share");

		EntityExchangeResult<String> page = onHost(handoff.host(), "/_gw/share", cookie);
		assertThat(page.getStatus().value()).isEqualTo(200);
		assertThat(page.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("share");
		String token = Browser.csrfToken(page);
		String colleague = Secrets.remember("dora@example.org");
		List<Integer> statuses = new ArrayList<>();
		for (String origin : List.of("http://localhost:8080", "null", "http://" + handoff.host())) {
			statuses.add(this.client.post()
				.uri("/_gw/share")
				.header(HttpHeaders.HOST, handoff.host())
				.header(HttpHeaders.COOKIE, cookie)
				.header(HttpHeaders.ORIGIN, origin)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.bodyValue("op=share&csrf=" + token + "&email=" + colleague)
				.exchange()
				.returnResult(String.class)
				.getStatus()
				.value());
		}
		assertThat(statuses).containsExactly(403, 403, 200);
		assertThat(onHost("localhost:8080", "/_gw/share", cookie).getStatus().value())
			.as("no share page on the gateway's host")
			.isEqualTo(404);
		EntityExchangeResult<String> dora = new Browser(this.client).verify(handoff.link().path(), colleague);
		assertThat(dora.getResponseHeaders().getLocation().toString()).matches(HANDOFF);
	}

	@Test
	@Behaviour("46")
	void getWhenTheCookieOfOneDocumentComesToAnothersHostThenTheSessionPage() {
		Handoff mine = verified("/docs/" + UUID.randomUUID());
		Handoff theirs = verified("/docs/" + UUID.randomUUID());
		String cookie = cookie(redeem(this.client, mine.host(), mine.token()));
		assertThat(onHost(theirs.host(), "/", cookie).getStatus().value()).isEqualTo(403);
		assertThat(
				onHost(theirs.host().replace(".localhost", ".localhost.evil.example"), "/", cookie).getStatus().value())
			.as("no document's host")
			.isEqualTo(404);
	}

}
