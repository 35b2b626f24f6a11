package dev.securelink.gateway.edge;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.RawHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the connection itself refuses, and how: strict framing, and the security headers
 * on every refusal.
 */
@GatewayTest
class EdgeTests {

	@LocalServerPort
	int port;

	@ParameterizedTest
	@CsvSource({ "'gzip, chunked', 501", "'x-custom, chunked', 501", "'chunked, chunked', 400", "gzip, 400",
			"identity, 400", "x-custom, 400", "'chunked, gzip', 400" })
	@Behaviour("0a")
	void requestWhenTransferCodingIsNotPlainChunkedThenRefusedAndTheBodyIsNeverReadAsARequest(String coding, int status)
			throws Exception {
		// Netty's decoder itself refuses a coding list that does not end in chunked (400,
		// RFC 9112 6.3); the edge
		// answers 501 to the rest that is not a single chunked.
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange("POST", "/l/" + "C".repeat(32), null,
					"Transfer-Encoding: " + coding, "Content-Type: application/x-www-form-urlencoded");
			assertThat(answer.status()).isEqualTo(status);
			assertSecurityHeaders(answer.headers());
			assertThat(answer.headers()).containsEntry("connection", "close");
		}
	}

	@Test
	void keptAliveConnectionWhenPagesAndTheirStylesheetFollowEachOtherThenEveryRequestIsServed() throws Exception {
		// Reactor Netty 1.3.6 stopped reading such a connection now and then
		// (reactor-netty#4361): a visitor's
		// browser waited for the stylesheet of the prompt until it gave up.
		for (int i = 0; i < 40; i++) {
			try (RawHttp connection = new RawHttp(this.port)) {
				assertThat(connection.exchange("GET", "/d/AAAAAAAAAAAAAAAA/", null).status()).isEqualTo(403);
				assertThat(connection.exchange("GET", "/l/" + "C".repeat(32), null, "X-Forwarded-For: 198.51.100." + i)
					.status()).isEqualTo(404);
				assertThat(connection.exchange("GET", "/nothing-here", null).status()).isEqualTo(404);
				RawHttp.Answer css = connection.exchange("GET", "/_gw/gateway.css", null);
				assertThat(css.status()).isEqualTo(200);
				assertThat(css.headers()).containsEntry("cache-control", "max-age=3600")
					.containsEntry("content-type", "text/css");
			}
		}
	}

	@Test
	void headWhenAnsweredWithAPageThenNoBodyAndTheConnectionGoesOn() throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer head = connection.exchange("HEAD", "/d/AAAAAAAAAAAAAAAA/", null);
			assertThat(head.status()).isEqualTo(403);
			assertThat(head.headers()).containsEntry("x-securelink-page", "session");
			assertThat(connection.exchange("HEAD", "/l/" + "C".repeat(32), null, "X-Forwarded-For: 198.51.100.77")
				.status()).isEqualTo(404);
			assertThat(connection.exchange("GET", "/_gw/gateway.css", null).status()).as("framing kept").isEqualTo(200);
		}
	}

	@Test
	@Behaviour("0b")
	void requestWhenTwoHostHeadersOrNoneThen400() throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange("GET", "/_gw/gateway.css", null, "Host: evil.example");
			assertThat(answer.status()).isEqualTo(400);
			assertSecurityHeaders(answer.headers());
		}
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write("GET /_gw/gateway.css HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
			assertThat(head).isEqualTo("HTTP/1.1 400");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "HEAD" })
	@Behaviour("0c")
	void safeMethodWhenItCarriesABodyThen400(String method) throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange(method, "/l/" + "C".repeat(32), "email=a%40b.c");
			assertThat(answer.status()).isEqualTo(400);
			assertSecurityHeaders(answer.headers());
		}
		try (RawHttp connection = new RawHttp(this.port)) {
			assertThat(
					connection.exchange(method, "/d/AAAAAAAAAAAAAAAA/x", null, "Transfer-Encoding: chunked").status())
				.isEqualTo(400);
		}
	}

	@Test
	@Behaviour("31")
	void nettyRefusalsWhenUrlOrHeadersOversizedOrMalformedThenTheGatewaysPageWithTheSecurityHeaders() throws Exception {
		Map<String, List<String>> requests = Map.of("414 urltoolong", List.of("GET", "/l/" + "a".repeat(9000)),
				"431 headerstoolarge", List.of("GET", "/l/x", "Accept-Language: fr", "X-Big: " + "b".repeat(17 * 1024)),
				"400 malformed", List.of("GET", "/_gw/gateway.css", "Bad header without colon"));
		for (Map.Entry<String, List<String>> request : requests.entrySet()) {
			List<String> parts = request.getValue();
			String[] expected = request.getKey().split(" ");
			try (RawHttp connection = new RawHttp(this.port)) {
				RawHttp.Answer answer = connection.exchange(parts.get(0), parts.get(1), null,
						parts.subList(2, parts.size()).toArray(String[]::new));
				assertThat(answer.status()).as(request.getKey()).isEqualTo(Integer.parseInt(expected[0]));
				assertThat(answer.headers()).as(request.getKey()).containsEntry("x-securelink-page", expected[1]);
				assertThat(answer.headers().get("content-type")).startsWith("text/html");
				assertThat(Jsoup.parse(answer.body()).select("h1").text()).as(request.getKey()).isNotBlank();
				assertSecurityHeaders(answer.headers());
			}
		}
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange("GET", "/l/" + "a".repeat(9000), null,
					"Accept: application/json");
			assertThat(answer.status()).isEqualTo(414);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/l/%2e%2e/x", "/l/%2E%2E/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
			"//l/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "/l;x=1/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC",
			"/l/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC%2Fsign", "/l/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC/sign/extra",
			"/L/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC", "/l/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC%00",
			"/l/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC/%252e", "/l/" })
	void linkPathWhenMalformedThenTheSamePageAsAnUnknownCode(String target) throws Exception {
		RawHttp.Answer unknown;
		try (RawHttp connection = new RawHttp(this.port)) {
			unknown = connection.exchange("GET", "/l/" + "C".repeat(32), null);
		}
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange("GET", target, null);
			assertThat(answer.status()).as(target).isEqualTo(404);
			assertThat(answer.headers()).containsEntry("x-securelink-page", "notfound");
			// Without the form to ask for a new link: no code to ask about.
			assertThat(answer.body().replaceAll("\\s+", " ")).isEqualTo(unknown.body()
				.replaceAll("(?s)<section class=\"renewal\".*?</section>", "")
				.replaceAll("\\s+", " "));
			assertThat(answer.body()).doesNotContain("<form");
			assertSecurityHeaders(answer.headers());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW" })
	@Behaviour("1a")
	void linkPathWhenAnyOtherMethodThenTheSamePageAsAnUnknownCode(String method) throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange(method, "/l/" + "C".repeat(32), null);
			assertThat(answer.status()).as(method).isEqualTo(404);
			assertThat(answer.headers()).containsEntry("x-securelink-page", "notfound");
			assertSecurityHeaders(answer.headers());
		}
	}

	@Test
	@Behaviour("0e")
	void otherPathWhenTheFirewallRefusesItThenTheGatewaysPageOrAProblem() throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange("GET", "/_gw/%2e%2e/gateway.css", null);
			assertThat(answer.status()).isEqualTo(400);
			assertThat(answer.headers()).containsEntry("x-securelink-page", "badpath");
			assertSecurityHeaders(answer.headers());
		}
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer answer = connection.exchange("GET", "/admin/v1/tenants/a%2Fb/links", null);
			assertThat(answer.status()).isEqualTo(400);
			assertThat(answer.headers().get("content-type")).isEqualTo("application/problem+json");
			assertSecurityHeaders(answer.headers());
		}
	}

	private static void assertSecurityHeaders(Map<String, String> headers) {
		assertThat(headers).containsEntry("referrer-policy", "no-referrer")
			.containsEntry("x-content-type-options", "nosniff");
		assertThat(headers.get("content-security-policy")).contains("frame-ancestors 'none'");
	}

}
