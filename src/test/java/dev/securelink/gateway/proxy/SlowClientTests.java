package dev.securelink.gateway.proxy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.RawHttp;
import dev.securelink.gateway.support.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that send too slowly or too much, against a gateway with a short header
 * deadline.
 */
@GatewayTest
@TestPropertySource(properties = { "securelink.header-read-timeout=1s", "securelink.body-read-timeout=4s" })
class SlowClientTests {

	@LocalServerPort
	int port;

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	@Test
	@Behaviour("32")
	void connectionWhenHeadersDribbleThenClosedAfterTheDeadline() throws Exception {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			assertDribblerClosed(socket);
		}
	}

	@Test
	@Behaviour("32")
	void keptAliveConnectionWhenNextHeadDribblesThenClosedAfterTheDeadline() throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			assertThat(connection.exchange("GET", "/l/" + "A".repeat(32), null).status()).isEqualTo(404);
			Thread.sleep(2500);
			assertDribblerClosed(connection.socket());
		}
	}

	@Test
	@Behaviour("32")
	void keptAliveConnectionWhenIdleLongerThanTheHeaderDeadlineThenTheNextRequestIsServed() throws Exception {
		try (RawHttp connection = new RawHttp(this.port)) {
			assertThat(connection.exchange("GET", "/l/" + "A".repeat(32), null).status()).isEqualTo(404);
			// Idle for 2.5 times the deadline: an ingress's pooled connection, between
			// two visitors.
			Thread.sleep(2500);
			assertThat(connection.exchange("GET", "/l/" + "B".repeat(32), null).status()).isEqualTo(404);
		}
	}

	/**
	 * Starts a request head and sends one more byte every 250 ms: the gateway must close
	 * within 3 s.
	 */
	private static void assertDribblerClosed(Socket socket) throws Exception {
		socket.setSoTimeout(5000);
		OutputStream out = socket.getOutputStream();
		InputStream in = socket.getInputStream();
		out.write("GET /d/AAAAAAAAAAAAAAAA/ HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
		long start = System.nanoTime();
		boolean closed = false;
		for (int i = 0; i < 20 && !closed; i++) {
			try {
				out.write('X');
				out.flush();
				Thread.sleep(250);
				socket.setSoTimeout(1);
				closed = in.read() == -1;
			}
			catch (SocketTimeoutException ex) {
				// nothing to read yet: still open
			}
			catch (java.io.IOException ex) {
				closed = true;
			}
		}
		assertThat(closed).as("closed while still dribbling").isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
	}

	@Test
	@Behaviour({ "0d", "25b" })
	void bodiesWhenHundredsStallThenEachIsCutByTheDeadlineAndAnotherTenantsDocumentStillAnswers() throws Exception {
		Admin admin = new Admin(this.client);
		CreatedLink signing = admin.createLink(Admin.newTenant(), Map.of("document", "/docs/" + UUID.randomUUID(),
				"recipients", List.of("anna@example.com"), "rights", List.of("sign")));
		Browser signer = new Browser(this.client);
		signer.verify(signing.path(), "anna@example.com");
		String otherDocument = "/docs/" + UUID.randomUUID();
		CreatedLink other = admin.createLink(Admin.newTenant(),
				Map.of("document", otherDocument, "recipients", List.of("bob@example.com")));
		Browser reader = new Browser(this.client);
		reader.verify(other.path(), "bob@example.com");

		List<Socket> stalled = new java.util.ArrayList<>();
		try {
			String upload = "POST /d/" + signing.id() + "/sign/upload HTTP/1.1\r\nCookie: " + signer.cookieHeader()
					+ "\r\nContent-Type: application/octet-stream\r\n";
			for (int i = 0; i < 8; i++) {
				stalled.add(stall(upload));
			}
			// Each upload holds its place in the session while its body is read (a
			// sign submission is read whole before it is audited and forwarded): with
			// all eight in, the ninth request is refused before anything is audited.
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				try (RawHttp connection = new RawHttp(this.port)) {
					RawHttp.Answer ninth = connection.exchange("GET", signing.documentSpace() + "page", null,
							"Cookie: " + signer.cookieHeader());
					assertThat(ninth.status()).isEqualTo(429);
					assertThat(ninth.headers()).containsEntry("retry-after", "1");
				}
			});
			assertThat(Queries.events(this.db, signing.id(), "signed")).as("no body, no signature").isZero();
			String code = signing.path();
			for (int i = 0; i < 200; i++) {
				stalled.add(stall("POST " + code + " HTTP/1.1\r\nX-Forwarded-For: 198.51.100." + (i % 250)
						+ "\r\nContent-Type: application/x-www-form-urlencoded\r\n"));
			}

			try (RawHttp connection = new RawHttp(this.port)) {
				assertThat(connection.exchange("GET", other.documentSpace(), null, "Cookie: " + reader.cookieHeader())
					.status()).as("another tenant, within 5 s").isEqualTo(200);
			}
			for (Socket socket : stalled) {
				socket.setSoTimeout(5000);
				String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
				assertThat(answer).as("408 and closed, by the deadline").startsWith("HTTP/1.1 408");
			}
		}
		finally {
			for (Socket socket : stalled) {
				socket.close();
			}
		}
		assertThat(TestUpstream.received(otherDocument)).hasSize(1);
	}

	/**
	 * Sends {@code head} (request line and headers) with a body of 1000 declared bytes,
	 * of which 10 are sent.
	 */
	private Socket stall(String head) throws Exception {
		Socket socket = new Socket("127.0.0.1", this.port);
		socket.getOutputStream()
			.write((head + "Host: localhost:" + this.port + "\r\nOrigin: " + Browser.ORIGIN
					+ "\r\nContent-Length: 1000\r\n\r\nemail=anna")
				.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
		return socket;
	}

	@Test
	@Behaviour("30")
	void postWhenChunkedBodyGrowsPastTheLimitThen413() {
		String document = "/docs/" + UUID.randomUUID();
		CreatedLink link = new Admin(this.client).createLink(Admin.newTenant(),
				Map.of("document", document, "recipients", List.of("anna@example.com"), "rights", List.of("sign")));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), "anna@example.com");
		byte[] megabyte = new byte[1024 * 1024];
		Flux<DataBuffer> elevenMegabytes = Flux.range(0, 11)
			.map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(megabyte));

		int status = WebClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri(link.documentSpace() + "sign/upload")
			.header(HttpHeaders.COOKIE, browser.cookieHeader())
			.header(HttpHeaders.ORIGIN, Browser.ORIGIN)
			.contentType(MediaType.APPLICATION_OCTET_STREAM)
			.body(elevenMegabytes, DataBuffer.class)
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(Duration.ofSeconds(30));

		assertThat(status).isEqualTo(413);
		assertThat(TestUpstream.received(document)).isEmpty();
	}

}
