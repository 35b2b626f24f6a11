package dev.securelink.gateway.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.RawHttp;
import dev.securelink.gateway.support.TestKeys;
import dev.securelink.gateway.support.TestUpstream;
import dev.securelink.gateway.support.TestUpstream.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyTests extends GatewayFixture {

	@LocalServerPort
	int port;

	String document;

	String linkId;

	Browser browser;

	@BeforeEach
	void openDocument() {
		this.document = "/docs/" + UUID.randomUUID();
		open(List.of("sign"));
	}

	void open(List<String> rights) {
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", this.document, "recipients", List.of("anna@example.com"), "rights", rights));
		this.linkId = link.id();
		this.browser = new Browser(this.client);
		this.browser.verify(link.path(), "anna@example.com");
	}

	@Test
	@Behaviour("46a")
	void getWhenDocumentsShareTheGatewaysOriginThenTheirActiveContentIsSandboxedButPdfsAndActionPagesAreNot() {
		assertThat(policies(Scenario.HTML.toString())).as("HTML")
			.containsExactly("frame-ancestors 'none'", AnswerHeaders.SANDBOX);
		assertThat(policies(Scenario.WEAK_HEADERS.toString())).as("no Content-Type: a browser would sniff")
			.contains(AnswerHeaders.SANDBOX);
		assertThat(policies(Scenario.BIG_PDF + "?size=10")).as("a PDF").containsExactly("frame-ancestors 'none'");
		assertThat(policies("/sign" + Scenario.HTML)).as("the sign page, whose form posts from this origin")
			.containsExactly("frame-ancestors 'none'");
	}

	private List<String> policies(String rest) {
		EntityExchangeResult<String> result = this.browser.get("/d/" + this.linkId + rest);
		assertThat(result.getStatus().value()).as(rest).isEqualTo(200);
		return result.getResponseHeaders().get("Content-Security-Policy");
	}

	@Test
	@Behaviour("28a")
	void payWhenTheInvoicingApplicationMarkedItDoneThenThePaidPageAndNothingForwarded() {
		open(List.of("pay"));
		this.admin.patch(this.tenant, "/links/" + this.linkId, Map.of("completed", List.of("pay")))
			.expectStatus()
			.isOk();

		EntityExchangeResult<String> page = this.browser.get("/d/" + this.linkId + "/pay/checkout");
		EntityExchangeResult<String> again = this.browser.post("/d/" + this.linkId + "/pay/now", Map.of("amount", "1"));

		assertThat(page.getStatus().value()).isEqualTo(200);
		assertThat(page.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("paid");
		assertThat(again.getStatus().value()).isEqualTo(409);
		assertThat(again.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("paidagain");
		assertThat(TestUpstream.received(this.document)).isEmpty();
		assertThat(count("select count(*) from access_event where link_id = $1 and type = 'paid'", this.linkId))
			.isZero();
		assertThat(this.browser.get("/d/" + this.linkId + "/").getStatus().value()).as("the invoice still opens")
			.isEqualTo(200);
	}

	@Test
	@Behaviour("19")
	void getWhenSessionValidThenTheDocumentPathWithQueryReachesTheUpstreamOnce() {
		EntityExchangeResult<String> result = this.browser.get("/d/" + this.linkId + "/page/1?lang=nl&x=y+z");
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseBody()).isEqualTo("GET " + this.document + "/page/1?lang=nl&x=y+z 0");
		assertThat(TestUpstream.received(this.document)).hasSize(1);
		assertThat(result.getResponseHeaders().getFirst("Content-Security-Policy")).isEqualTo("frame-ancestors 'none'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/..%2f..%2fetc", "/%2e%2e/x", "/a%2Fb", "/a%5cb", "/a;jsessionid=1", "/a%252e%252e",
			"/a%00b", "/a%0d%0ab", "/a//b", "/./a", "/a/..", "/a/../../b", "/%2E/x" })
	@Behaviour("25")
	void getWhenPathTriesToLeaveTheDocumentThen400AndNoUpstreamCall(String rest) {
		int status = this.client.get()
			.uri(URI.create("http://localhost:" + this.port + "/d/" + this.linkId + rest))
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getStatus()
			.value();
		assertThat(status).as(rest).isEqualTo(400);
		assertThat(TestUpstream.received(this.document)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/a%C0%AE%C0%AE/x", "/%C0%AF", "/%E0%80%AE", "/%EF%BC%8E%EF%BC%8E/etc", "/%EF%BC%8E",
			"/a%EF%BC%8Fb", "/a%EF%BC%BCb", "/%E2%80%A4/x", "/%E2%80%A5", "/a%ED%A0%80", "/a%E2%80%AEb", "/a%C2%85b",
			"/a%FF", "/a%E2%82", "/a%C3" })
	void getWhenEscapesDecodeToMalformedUtf8OrHideStructureThen400AndNoUpstreamCall(String rest) {
		assertThat(rawStatus("/d/" + this.linkId + rest)).as(rest).isEqualTo(400);
		assertThat(TestUpstream.received(this.document)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "?a=%C0%AE", "?a=%FF", "?a=%E2%82", "?a=%zz", "?a=b%" })
	@Behaviour("25a")
	void getWhenQueryEscapesAreMalformedThen400AndNoUpstreamCall(String query) {
		assertThat(rawStatus("/d/" + this.linkId + "/page" + query)).as(query).isEqualTo(400);
		assertThat(TestUpstream.received(this.document)).isEmpty();
	}

	@Test
	@Behaviour({ "25", "25a" })
	void getWhenQueryHasRawControlOrNonAsciiBytesThen400AndNoUpstreamCall() throws Exception {
		for (byte[] query : List.of(new byte[] { 'a', '=', (byte) 0xC3, (byte) 0xA9 }, new byte[] { 'a', '=', 1 },
				new byte[] { 'a', '=', 0x7f })) {
			try (java.net.Socket socket = new java.net.Socket("127.0.0.1", this.port)) {
				socket.setSoTimeout(5000);
				java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
				request.writeBytes(("GET /d/" + this.linkId + "/page?").getBytes(StandardCharsets.US_ASCII));
				request.writeBytes(query);
				request.writeBytes((" HTTP/1.1\r\nHost: localhost\r\nCookie: " + this.browser.cookieHeader()
						+ "\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				socket.getOutputStream().write(request.toByteArray());
				String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
				assertThat(head).isEqualTo("HTTP/1.1 400");
			}
		}
		assertThat(TestUpstream.received(this.document)).isEmpty();
	}

	@Test
	@Behaviour({ "19", "25a" })
	void getWhenPathAndQueryAreWellFormedBeyondAsciiThenTheUpstreamSeesExactlyTheseBytes() {
		String rest = "/caf%C3%A9/%E6%96%87%E6%9B%B8.pdf?name=%C3%A9t%C3%A9&x=%F0%9F%93%84";
		assertThat(rawStatus("/d/" + this.linkId + rest)).isEqualTo(200);
		assertThat(TestUpstream.received(this.document)).extracting(TestUpstream.Received::uri)
			.containsExactly(this.document + rest);
	}

	@ParameterizedTest
	@ValueSource(strings = { "TRACE", "OPTIONS", "PROPFIND", "BREW", "CONNECT", "MKCOL" })
	@Behaviour("24a")
	void requestWhenMethodIsNotProxiedThen405PageAndNoUpstreamCall(String method) throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange(method, "/d/" + this.linkId + "/sign/x", null,
					"Cookie: " + this.browser.cookieHeader(), "Origin: " + Browser.ORIGIN);
			assertThat(answer.status()).as(method).isEqualTo(405);
			assertThat(answer.headers()).containsEntry("allow", "GET, HEAD, POST, PUT, PATCH, DELETE")
				.containsEntry("x-securelink-page", "method");
		}
		assertThat(TestUpstream.received(this.document)).isEmpty();
	}

	@Test
	@Behaviour({ "27a", "28" })
	void getUnderAnActionPathWhenTheSessionLacksTheRightThen403ElseAuditedAndForwarded() {
		assertThat(this.browser.get("/d/" + this.linkId + "/pay/start").getStatus().value()).isEqualTo(403);
		assertThat(this.browser.get("/d/" + this.linkId + "/pay").getStatus().value()).isEqualTo(403);
		assertThat(TestUpstream.received(this.document)).isEmpty();

		assertThat(this.browser.get("/d/" + this.linkId + "/sign/review").getStatus().value()).isEqualTo(200);
		assertThat(TestUpstream.received(this.document)).hasSize(1);
		assertThat(count("select count(*) from access_event where link_id = $1 and type = 'sign_viewed'", this.linkId))
			.isEqualTo(1);
		assertThat(count("select count(*) from access_event where link_id = $1 and type = 'pay_viewed'", this.linkId))
			.isZero();
	}

	@Test
	@Behaviour("20")
	void pageWhenTheSessionNamesTheLinkThenInTheLinksLanguageUnlessTheVisitorSwitched() throws Exception {
		this.document = "/docs/" + UUID.randomUUID();
		CreatedLink link = this.admin.createLink(this.tenant,
				Map.of("document", this.document, "recipients", List.of("anna@example.com"), "locale", "nl"));
		Browser dutch = new Browser(this.client).language("de");
		dutch.verify(link.path(), "anna@example.com");
		String pay = link.documentSpace() + "pay/start";
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange("GET", pay, null, "Cookie: " + dutch.cookieHeader(),
					"Accept-Language: de");
			assertThat(answer.status()).isEqualTo(403);
			assertThat(org.jsoup.Jsoup.parse(answer.body()).select("html").attr("lang")).isEqualTo("nl");
			RawHttp.Answer switched = connection.exchange("GET", pay + "?lang=fr", null,
					"Cookie: " + dutch.cookieHeader(), "Accept-Language: de");
			assertThat(org.jsoup.Jsoup.parse(switched.body()).select("html").attr("lang")).isEqualTo("fr");
			RawHttp.Answer noSession = connection.exchange("GET", link.documentSpace(), null, "Accept-Language: de");
			assertThat(org.jsoup.Jsoup.parse(noSession.body()).select("html").attr("lang")).as("no link known")
				.isEqualTo("de");
			assertThat(noSession.headers()).containsEntry("x-securelink-page", "session")
				.containsEntry("content-type", "text/html;charset=UTF-8");
		}
	}

	@Test
	@Behaviour("20")
	void getWhenSessionIsForAnotherLinkThenNeverItsDocument() {
		String otherDocument = "/docs/" + UUID.randomUUID();
		CreatedLink other = this.admin.createLink(this.tenant,
				Map.of("document", otherDocument, "recipients", List.of("bob@example.com")));
		assertThat(this.browser.get(other.documentSpace()).getStatus().value()).isEqualTo(403);
		this.client.get()
			.uri("/d/" + this.linkId + "/x?doc=" + otherDocument)
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.header("X-SecureLink-Link", other.id())
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(TestUpstream.received(otherDocument)).isEmpty();
		assertThat(TestUpstream.received(this.document).get(0).header("X-SecureLink-Link")).isEqualTo(this.linkId);
	}

	@Test
	@Behaviour("19")
	void getWhenClientSendsHopByHopAndSpoofedHeadersThenNoneArriveAndTheGatewaysOwnStay() {
		this.client.get()
			.uri("/d/" + this.linkId + "/headers")
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader() + "; theme=dark")
			.header("Connection", "X-SecureLink-Tenant, X-Private")
			.header("X-Private", "secret")
			.header("Keep-Alive", "timeout=99")
			.header("TE", "trailers")
			.header("Upgrade", "websocket")
			.header("Proxy-Authorization", "Basic eA==")
			.header("Authorization", "Bearer stolen")
			.header("X-SecureLink-Tenant", "someone-else")
			.header("X-SecureLink-Rights", "view sign pay")
			.header("X-Document-Format", "pdf")
			.header("X-Forwarded-For", "203.0.113.7")
			.exchange()
			.expectStatus()
			.isOk();
		TestUpstream.Received received = TestUpstream.received(this.document).get(0);
		assertThat(received.headers()).doesNotContainKeys("x-private", "keep-alive", "te", "upgrade",
				"proxy-authorization", "authorization");
		assertThat(received.header("X-SecureLink-Tenant")).isEqualTo(this.tenant);
		assertThat(received.header("X-SecureLink-Rights")).isEqualTo("view sign");
		assertThat(received.header("Cookie")).isEqualTo("theme=dark");
		assertThat(received.header("X-Document-Format")).isEqualTo("pdf");
		assertThat(received.header("Host")).startsWith("127.0.0.1:");
		assertThat(received.header("X-Forwarded-Proto")).isEqualTo("http");
		assertThat(received.header("X-Forwarded-Host")).isEqualTo("localhost:8080");
		assertThat(received.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 127.0.0.1");
	}

	@Test
	@Behaviour("19")
	void getWhenClientSpellsIdentityRoutingOrAddressHeadersAnyWayThenNoneArriveEvenFromATrustedProxy() {
		// The tests' loopback peer is a trusted proxy: the gateway still owns every
		// forwarding header.
		this.client.get()
			.uri("/d/" + this.linkId + "/spellings")
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.header("X_SecureLink_Tenant", "someone-else")
			.header("x-securelink-rights", "view sign pay")
			.header("X-Original-URL", "/admin")
			.header("X-Rewrite-URL", "/admin")
			.header("X-HTTP-Method-Override", "DELETE")
			.header("X-Real-IP", "203.0.113.9")
			.header("True-Client-IP", "203.0.113.9")
			.header("CF-Connecting-IP", "203.0.113.9")
			.header("Forwarded", "for=203.0.113.9;host=evil.example")
			.header("X-Forwarded-Host", "evil.example")
			.header("X-Forwarded-Port", "1")
			.header("X-Forwarded-For", "203.0.113.7")
			.exchange()
			.expectStatus()
			.isOk();
		TestUpstream.Received received = TestUpstream.received(this.document).get(0);
		assertThat(received.headers()).doesNotContainKeys("x_securelink_tenant", "x-original-url", "x-rewrite-url",
				"x-http-method-override", "x-real-ip", "true-client-ip", "cf-connecting-ip", "forwarded",
				"x-forwarded-port");
		assertThat(received.header("X-SecureLink-Tenant")).isEqualTo(this.tenant);
		assertThat(received.header("X-SecureLink-Rights")).isEqualTo("view sign");
		assertThat(received.header("X-Forwarded-Host")).isEqualTo("localhost:8080");
		assertThat(received.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 127.0.0.1");
	}

	@Test
	@Behaviour("36a")
	void refreshWhenUpstreamSendsOneThenItObeysTheRedirectRules() {
		EntityExchangeResult<String> inside = this.browser.get("/d/" + this.linkId + Scenario.REFRESH_INSIDE);
		assertThat(inside.getStatus().value()).isEqualTo(200);
		assertThat(inside.getResponseHeaders().getFirst("Refresh")).isEqualTo("0; url=/d/" + this.linkId + "/next");
		assertThat(
				this.browser.get("/d/" + this.linkId + Scenario.REFRESH_SELF).getResponseHeaders().getFirst("Refresh"))
			.isEqualTo("30");
		EntityExchangeResult<String> evil = this.browser.get("/d/" + this.linkId + Scenario.REFRESH_TO_EVIL);
		assertThat(evil.getStatus().value()).isEqualTo(502);
		assertThat(evil.getResponseHeaders().containsHeader("Refresh")).isFalse();
	}

	@Test
	@Behaviour("19")
	void responseWhenUpstreamAllowsSharedCachingOrSetsWideCookiesThenPrivateAndDropped() {
		EntityExchangeResult<String> result = this.browser.get("/d/" + this.linkId + Scenario.SHARED_CACHING);
		HttpHeaders headers = result.getResponseHeaders();
		assertThat(headers.get(HttpHeaders.CACHE_CONTROL)).containsExactly("private, max-age=86400");
		assertThat(headers.containsHeader("Clear-Site-Data")).isFalse();
		assertThat(headers.containsHeader(HttpHeaders.SET_COOKIE)).isFalse();
	}

	@Test
	@Behaviour("19")
	void assertionWhenVerifiedWithThePublishedJwksThenNamesLinkTenantAndRights() throws Exception {
		this.browser.get("/d/" + this.linkId + "/one");
		this.browser.get("/d/" + this.linkId + "/two");
		List<TestUpstream.Received> received = TestUpstream.received(this.document);
		String assertion = received.get(0).header("X-SecureLink-Assertion");
		assertThat(received.get(1).header("X-SecureLink-Assertion")).as("signed once per session").isEqualTo(assertion);

		String jwks = TestKeys.jwks(this.client);
		SignedJWT jwt = SignedJWT.parse(assertion);
		ECKey key = (ECKey) JWKSet.parse(jwks).getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
		assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(this.linkId);
		assertThat(jwt.getJWTClaimsSet().getStringClaim("tenant")).isEqualTo(this.tenant);
		assertThat(jwt.getJWTClaimsSet().getStringListClaim("rights")).containsExactly("view", "sign");
		assertThat(jwt.getJWTClaimsSet().getStringClaim("doc")).isEqualTo(this.document);
		assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("securelink-upstream");
		assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isAfter(new java.util.Date());
	}

	@Test
	@Behaviour("27")
	void signPostWhenValidThenAuditedAndArrivesExactlyOnce() {
		EntityExchangeResult<String> result = this.browser.post("/d/" + this.linkId + "/sign/confirm",
				Map.of("signature", "Anna"));
		assertThat(result.getStatus().value()).isEqualTo(200);
		List<TestUpstream.Received> received = TestUpstream.received(this.document);
		assertThat(received).hasSize(1);
		assertThat(received.get(0).method()).isEqualTo("POST");
		assertThat(received.get(0).bodyBytes()).isEqualTo("signature=Anna".length());
		assertThat(count(
				"select count(*) from access_event where link_id = $1 and type = 'signed' and outcome = 'requested'",
				this.linkId))
			.isEqualTo(1);
		// Once the answer is out: its status, and the SHA-256 of exactly what was signed.
		String signed = java.util.HexFormat.of()
			.formatHex(sha256("signature=Anna".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
		org.awaitility.Awaitility.await()
			.until(() -> count(
					"select count(*) from access_event where link_id = $1 and type = 'sign_answered' "
							+ "and detail like $2",
					this.linkId,
					"%\"status\":200,\"answeredBy\":\"upstream\",\"bodySha256\":\"" + signed + "\"%") == 1);
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	@Behaviour("27b")
	void signWhenTheUpstreamAcceptedItThenASecondSubmissionGetsTheAlreadySignedPageAndIsNotForwarded() {
		String path = "/d/" + this.linkId + "/sign/confirm";
		assertThat(this.browser.post(path, Map.of("signature", "Anna")).getStatus().value()).isEqualTo(200);

		// At once, with another body (another key): the completion was stored before the
		// answer's end.
		EntityExchangeResult<String> again = this.browser.post(path, Map.of("signature", "Anna Smith"));

		assertThat(again.getStatus().value()).isEqualTo(409);
		assertThat(again.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("signedagain");
		assertThat(TestUpstream.received(this.document)).hasSize(1);
		this.admin.get(this.tenant, "/links/" + this.linkId)
			.exchange()
			.expectBody()
			.jsonPath("$.completed[0]")
			.isEqualTo("sign")
			.jsonPath("$.signOnce")
			.isEqualTo(true);
	}

	@Test
	@Behaviour("27b")
	void signWhenTheLinkMaySignAgainThenEachSubmissionIsForwarded() {
		CreatedLink link = this.admin.createLink(this.tenant, Map.of("document", this.document, "recipients",
				List.of("anna@example.com"), "rights", List.of("sign"), "signOnce", false));
		Browser anna = new Browser(this.client);
		anna.verify(link.path(), "anna@example.com");

		for (String signature : List.of("Anna", "Anna Smith")) {
			assertThat(
					anna.post("/d/" + link.id() + "/sign/confirm", Map.of("signature", signature)).getStatus().value())
				.isEqualTo(200);
		}

		assertThat(TestUpstream.received(this.document)).hasSize(2);
	}

	@Test
	@Behaviour("27c")
	void payWhenSubmittedThenAnIdempotencyKeyIsForwardedTheClientsOwnOrOneDerivedFromTheRequest() {
		open(List.of("pay"));
		String path = "/d/" + this.linkId + "/pay/now";

		assertThat(submit(path, "amount=1", "\"order-42\"").getStatus().value()).isEqualTo(200);
		submit(path, "amount=1", null);
		EntityExchangeResult<String> same = submit(path, "amount=1", null);
		submit(path, "amount=2", null);

		List<String> keys = TestUpstream.received(this.document)
			.stream()
			.map((received) -> received.header("Idempotency-Key"))
			.toList();
		assertThat(same.getResponseHeaders().getFirst("Idempotent-Replayed"))
			.as("the same submission, the same derived key: replayed")
			.isEqualTo("true");
		assertThat(keys).hasSize(3);
		assertThat(keys.get(0)).as("the client's key, bound to its submitter")
			.startsWith("\"slc-")
			.doesNotContain("order-42");
		assertThat(submit(path, "amount=1", "\"order-42\"").getResponseHeaders().getFirst("Idempotent-Replayed"))
			.as("the client's key again: the same submission")
			.isEqualTo("true");
		assertThat(keys.get(1)).startsWith("\"sl2-");
		assertThat(keys.get(2)).as("another body, another key").isNotEqualTo(keys.get(1)).startsWith("\"sl2-");
	}

	@Test
	@Behaviour("27c")
	void payWhenTheIdempotencyKeyIsNotAStructuredStringOrTheBodyIsOver1MbThenRefusedAndNothingForwarded() {
		open(List.of("pay"));
		String path = "/d/" + this.linkId + "/pay/now";
		for (String bad : List.of("order-42", "\"\"", "\"" + "k".repeat(256) + "\"", "\"a\"b\"", "\"a\\x\"",
				"\"sl2-mine\"", "\"SLC-x\"", "\"sl-x\"", "\"caf\u00e9\"")) {
			EntityExchangeResult<String> refused = submit(path, "amount=1", bad);
			assertThat(refused.getStatus().value()).as(bad).isEqualTo(400);
			assertThat(refused.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("badkey");
		}
		assertThat(submit(path, "amount=1", "\"" + "k".repeat(255) + "\"").getStatus().value()).isEqualTo(200);
		assertThat(submit(path, "a=" + "x".repeat(1024 * 1024), null).getStatus().value()).isEqualTo(413);
		assertThat(TestUpstream.received(this.document)).hasSize(1);
	}

	@Test
	@Behaviour("27d")
	void payWhenTheSameSubmissionComesAgainThenTheStoredAnswerIsReplayedAndNothingForwarded() {
		open(List.of("pay"));
		String path = "/d/" + this.linkId + "/pay/" + TestUpstream.Scenario.PAUSE.segment();

		EntityExchangeResult<String> first = submit(path, "amount=1", "\"order-7\"");
		EntityExchangeResult<String> again = submit(path, "amount=1", "\"order-7\"");
		EntityExchangeResult<String> derivedFirst = submit(path, "amount=3", null);
		EntityExchangeResult<String> derivedAgain = submit(path, "amount=3", null);

		assertThat(first.getStatus().value()).isEqualTo(201);
		assertThat(first.getResponseHeaders().getFirst(HttpHeaders.SET_COOKIE)).isNotNull();
		assertThat(first.getResponseHeaders().getFirst("Idempotent-Replayed")).isNull();
		assertThat(again.getStatus().value()).isEqualTo(201);
		assertThat(again.getResponseBody()).isEqualTo(first.getResponseBody());
		assertThat(again.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		assertThat(again.getResponseHeaders().getContentType().toString()).startsWith("text/plain");
		assertThat(again.getResponseHeaders().get(HttpHeaders.SET_COOKIE)).as("cookies are never stored").isNull();
		assertThat(derivedAgain.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		assertThat(derivedAgain.getResponseBody()).isEqualTo(derivedFirst.getResponseBody());
		assertThat(TestUpstream.received(this.document)).hasSize(2);
		assertThat(count("select count(*) from idempotency_record where link_id = $1 and state = 'done'", this.linkId))
			.isEqualTo(2);
	}

	@Test
	@Behaviour("27d")
	void payWhenAKeyComesWithAnotherBodyThen422AndWhenTheUpstreamFailedThenForwardedAgainWithTheSameKey() {
		open(List.of("pay"));
		String pause = "/d/" + this.linkId + "/pay/" + TestUpstream.Scenario.PAUSE.segment();
		submit(pause, "amount=1", "\"order-8\"");

		EntityExchangeResult<String> reused = submit(pause, "amount=2", "\"order-8\"");

		assertThat(reused.getStatus().value()).isEqualTo(422);
		assertThat(reused.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("keyreused");
		assertThat(reused.getResponseHeaders().getContentType().toString()).startsWith("text/html");
		// An API client (it asks for JSON) gets the same answer as problem details.
		this.client.post()
			.uri(pause)
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.header(HttpHeaders.ORIGIN, Browser.ORIGIN)
			.header(HttpHeaders.ACCEPT, "application/json")
			.header("Idempotency-Key", "\"order-8\"")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("amount=3")
			.exchange()
			.expectStatus()
			.isEqualTo(422)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(422)
			.jsonPath("$.page")
			.isEqualTo("keyreused")
			.jsonPath("$.title")
			.isNotEmpty();

		String failing = "/d/" + this.linkId + "/pay/" + TestUpstream.Scenario.UNAVAILABLE.segment();
		assertThat(submit(failing, "amount=1", null).getStatus().value()).isEqualTo(503);
		assertThat(submit(failing, "amount=1", null).getStatus().value()).isEqualTo(503);
		List<TestUpstream.Received> retried = TestUpstream.received(this.document + "/pay/unavailable");
		assertThat(retried).hasSize(2);
		assertThat(retried.get(1).header("Idempotency-Key")).isEqualTo(retried.get(0).header("Idempotency-Key"));
		assertThat(TestUpstream.received(this.document)).hasSize(3);
	}

	/**
	 * A same-origin form submission in the session, with an Idempotency-Key when given.
	 */
	private EntityExchangeResult<String> submit(String path, String form, String idempotencyKey) {
		WebTestClient.RequestBodySpec spec = this.client.post()
			.uri(path)
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.header(HttpHeaders.ORIGIN, Browser.ORIGIN)
			.contentType(MediaType.APPLICATION_FORM_URLENCODED);
		if (idempotencyKey != null) {
			spec.header("Idempotency-Key", idempotencyKey);
		}
		return spec.bodyValue(form).exchange().expectBody(String.class).returnResult();
	}

	@Test
	@Behaviour("28")
	void postWhenRightMissingOrForeignOriginOrPathNotAnActionThen403AndNoUpstreamCall() {
		assertThat(this.browser.post("/d/" + this.linkId + "/pay/now", Map.of("a", "b")).getStatus().value())
			.as("no pay right")
			.isEqualTo(403);
		assertThat(
				this.browser.postFrom("https://evil.example", "/d/" + this.linkId + "/sign/confirm", Map.of("a", "b"))
					.getStatus()
					.value())
			.as("foreign origin")
			.isEqualTo(403);
		assertThat(this.browser.postFrom(null, "/d/" + this.linkId + "/sign/confirm", Map.of("a", "b"))
			.getStatus()
			.value()).as("no origin, no fetch metadata").isEqualTo(403);
		assertThat(this.browser.post("/d/" + this.linkId + "/invoice", Map.of("a", "b")).getStatus().value())
			.as("not a sign or pay path")
			.isEqualTo(403);
		assertThat(this.client.delete()
			.uri("/d/" + this.linkId + "/sign/x")
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.header("Sec-Fetch-Site", "same-origin")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getStatus()
			.value()).as("DELETE is an action too").isEqualTo(200);
		assertThat(TestUpstream.received(this.document)).hasSize(1);
	}

	@Test
	@Behaviour({ "33", "34" })
	void getWhenUpstreamResetsOrIsSlowThenTheGatewaysOwn502Or504() {
		EntityExchangeResult<String> reset = this.browser.get("/d/" + this.linkId + Scenario.RESET);
		assertThat(reset.getStatus().value()).isEqualTo(502);
		assertThat(reset.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("badgateway");
		assertThat(reset.getResponseBody()).contains("not from the document");

		long start = System.nanoTime();
		EntityExchangeResult<String> slow = this.browser.get("/d/" + this.linkId + Scenario.SLOW);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(slow.getStatus().value()).isEqualTo(504);
		assertThat(slow.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("timeout");
		assertThat(took).isLessThan(Duration.ofSeconds(4));
	}

	@Test
	@Behaviour("33")
	void getWhenUpstreamSendsItsHeadThenDiesThenTheGatewaysOwn502WithNoneOfTheUpstreamsHeaders() {
		EntityExchangeResult<String> halfway = this.browser.get("/d/" + this.linkId + Scenario.HALFWAY);
		assertThat(halfway.getStatus().value()).isEqualTo(502);
		assertThat(halfway.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("badgateway");
		assertThat(halfway.getResponseHeaders().getContentType().toString()).startsWith("text/html");
		assertThat(halfway.getResponseHeaders().containsHeader("X-Upstream")).isFalse();
		assertThat(halfway.getResponseBody()).contains("not from the document");
	}

	@Test
	@Behaviour("19")
	void headWhenSessionValidThenTheUpstreamsHeadWithoutBody() {
		EntityExchangeResult<byte[]> head = this.client.head()
			.uri("/d/" + this.linkId + "/page")
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(head.getStatus().value()).isEqualTo(200);
		assertThat(head.getResponseBody()).isNullOrEmpty();
		assertThat(head.getResponseHeaders().getCacheControl()).isEqualTo("no-store");
		assertThat(TestUpstream.received(this.document)).extracting(TestUpstream.Received::method)
			.containsExactly("HEAD");
	}

	@Test
	@Behaviour("37")
	void getWhenRequestTargetIsInAbsoluteFormThenRefusedWithoutUpstreamCall() throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange("GET",
					"http://localhost:" + this.port + "/d/" + this.linkId + "/page", null,
					"Cookie: " + this.browser.cookieHeader());
			assertThat(answer.status()).isEqualTo(400);
			assertThat(answer.headers().get("x-securelink-page")).isEqualTo("badpath");
		}
		assertThat(TestUpstream.received(this.document)).isEmpty();
	}

	@Test
	@Behaviour({ "19", "33" })
	void keepAliveWhenEveryKindOfDocumentAnswerThenTheNextRequestOnTheConnectionIsServed() throws Exception {
		String cookie = "Cookie: " + this.browser.cookieHeader();
		String origin = "Origin: " + Browser.ORIGIN;
		String d = "/d/" + this.linkId;
		try (RawHttp connection = new RawHttp(this.port)) {
			assertThat(connection.exchange("GET", d + "/page", null, cookie).status()).as("proxied").isEqualTo(200);
			assertThat(connection.exchange("GET", d + "/page", null).status()).as("no session").isEqualTo(403);
			assertThat(connection.exchange("GET", d + "/a%2fb", null, cookie).status()).as("bad path").isEqualTo(400);
			assertThat(connection.exchange("HEAD", d + "/page", null, cookie).status()).as("head").isEqualTo(200);
			RawHttp.Answer halfway = connection.exchange("GET", d + Scenario.HALFWAY, null, cookie);
			assertThat(halfway.status()).as("upstream died after its head").isEqualTo(502);
			assertThat(halfway.body()).contains("not from the document");
			assertThat(connection.exchange("POST", d + "/sign/x", "a=b", cookie, origin).body()).as("action")
				.isEqualTo("POST " + this.document + "/sign/x 3");
			assertThat(connection.exchange("POST", d + "/invoice", "x".repeat(5000), cookie, origin).status())
				.as("refused action, body never read")
				.isEqualTo(403);
			assertThat(connection.exchange("GET", d + Scenario.RESET, null, cookie).status()).as("reset")
				.isEqualTo(502);
			assertThat(connection.exchange("GET", d + Scenario.REDIRECT_INSIDE, null, cookie).status()).as("redirect")
				.isEqualTo(302);
			assertThat(connection.exchange("GET", "/l/" + "A".repeat(32), null).status()).as("not a document")
				.isEqualTo(404);
			assertThat(connection.exchange("GET", d + "/last", null, cookie).body())
				.isEqualTo("GET " + this.document + "/last 0");
		}
	}

	@Test
	@Behaviour("34a")
	void getWhenUpstreamStallsInsideTheBodyThenTheConnectionIsCutAfterTheResponseTimeout() throws Exception {
		long start = System.nanoTime();
		try (RawHttp connection = new RawHttp(this.port)) {
			assertThatThrownBy(() -> connection.exchange("GET", "/d/" + this.linkId + Scenario.STALL, null,
					"Cookie: " + this.browser.cookieHeader()))
				.isInstanceOf(java.io.IOException.class)
				.hasMessageContaining("before the body's end");
		}
		// The tests' response timeout is 3 s; the upstream would have resumed after 6 s.
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(4500));
	}

	@Test
	@Behaviour({ "27", "34" })
	void postWhenSlowUpstreamThenNeverRetried() {
		this.browser.post("/d/" + this.linkId + "/sign" + Scenario.SLOW, Map.of("a", "b"));
		this.browser.post("/d/" + this.linkId + "/sign" + Scenario.RESET, Map.of("a", "b"));
		assertThat(TestUpstream.received(this.document)).hasSize(2);
	}

	@Test
	@Behaviour({ "35", "36" })
	void redirectWhenInsideTheDocumentThenRewrittenElseOnlyToAllowedHosts() {
		assertThat(location(Scenario.REDIRECT_INSIDE.toString())).isEqualTo("/d/" + this.linkId + "/other?x=1");
		assertThat(location("/sub" + Scenario.REDIRECT_RELATIVE)).isEqualTo("/d/" + this.linkId + "/sub/next/page");
		assertThat(location(Scenario.REDIRECT_TO_PAYMENT.toString()))
			.isEqualTo("https://pay.example.com/checkout?id=7");
		EntityExchangeResult<String> outside = this.browser.get("/d/" + this.linkId + Scenario.REDIRECT_OUTSIDE);
		assertThat(outside.getStatus().value()).isEqualTo(502);
		assertThat(outside.getResponseHeaders().getLocation()).isNull();
		assertThat(this.browser.get("/d/" + this.linkId + Scenario.REDIRECT_TO_EVIL).getStatus().value())
			.isEqualTo(502);
	}

	@Test
	@Behaviour("19")
	void responseWhenUpstreamHeadersWeakerThenTheGatewaysWinAndItsCookiesAreUntouchable() {
		EntityExchangeResult<String> result = this.browser.get("/d/" + this.linkId + Scenario.WEAK_HEADERS);
		HttpHeaders headers = result.getResponseHeaders();
		assertThat(headers.getFirst("Referrer-Policy")).isEqualTo("no-referrer");
		assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(headers.getFirst("Content-Security-Policy")).isEqualTo("default-src 'self'; frame-ancestors 'none'");
		assertThat(headers.get(HttpHeaders.SET_COOKIE)).containsExactly("upstream=fine; Path=/");
		assertThat(headers.containsHeader("X-SecureLink-Link")).isFalse();
		assertThat(headers.containsHeader("Keep-Alive")).isFalse();
	}

	@Test
	@Behaviour("26")
	void openedWhenFirstDocumentGetOfASessionThenAuditedOnce() {
		this.browser.get("/d/" + this.linkId + "/");
		this.browser.get("/d/" + this.linkId + "/again");
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(
					count("select count(*) from access_event where link_id = $1 and type = 'opened'", this.linkId))
				.isEqualTo(1));
		// A batch later, still once.
		this.browser.get("/d/" + this.linkId + "/third");
		org.awaitility.Awaitility.await()
			.pollDelay(java.time.Duration.ofMillis(200))
			.untilAsserted(() -> assertThat(
					count("select count(*) from access_event where link_id = $1 and type = 'opened'", this.linkId))
				.isEqualTo(1));
	}

	@Test
	@Behaviour({ "30", "31" })
	void requestWhenUrlHeadersOrBodyOversizedThen414And431And413WithoutUpstreamCall() {
		assertThat(this.browser.get("/d/" + this.linkId + "/" + "a".repeat(9000)).getStatus().value()).isEqualTo(414);
		int headers = this.client.get()
			.uri("/d/" + this.linkId + "/h")
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.header("X-Big", "b".repeat(17 * 1024))
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getStatus()
			.value();
		assertThat(headers).isEqualTo(431);
		int declared = this.client.post()
			.uri("/d/" + this.linkId + "/sign/upload")
			.header(HttpHeaders.COOKIE, this.browser.cookieHeader())
			.header(HttpHeaders.ORIGIN, Browser.ORIGIN)
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.bodyValue(new byte[11 * 1024 * 1024])
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getStatus()
			.value();
		assertThat(declared).isEqualTo(413);
		assertThat(TestUpstream.received(this.document)).isEmpty();
	}

	/**
	 * The status of a GET of {@code pathAndQuery} sent exactly as written, with this
	 * test's session.
	 */
	private int rawStatus(String pathAndQuery) {
		try (RawHttp connection = new RawHttp(this.port)) {
			return connection.exchange("GET", pathAndQuery, null, "Cookie: " + this.browser.cookieHeader()).status();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private String location(String rest) {
		EntityExchangeResult<String> result = this.browser.get("/d/" + this.linkId + rest);
		assertThat(result.getStatus().value()).as(rest).isEqualTo(302);
		return result.getResponseHeaders().getFirst(HttpHeaders.LOCATION);
	}

	private long count(String sql, Object... params) {
		return Queries.number(this.db, sql, params);
	}

}
