package dev.securelink.gateway.proxy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.securelink.gateway.GatewayApplication;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.TestUpstream.Scenario;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams a 200 MB document through a gateway running in its own JVM with a 128 MB heap:
 * it can only pass if no body is ever held whole.
 */
@GatewayTest
class LargeDownloadTests {

	static final long SIZE = 200L * 1024 * 1024;

	@Autowired
	WebTestClient client;

	@Autowired
	Environment environment;

	@Test
	@Behaviour("19")
	void getWhen200MbDocumentThenStreamedThroughA128MbHeap() throws Exception {
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(Admin.newTenant(),
				Map.of("document", "/docs/" + UUID.randomUUID(), "recipients", List.of("anna@example.com")));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), "anna@example.com");

		Process gateway = startSmallGateway();
		try {
			int port = awaitPort(gateway);
			long received = WebClient.create("http://127.0.0.1:" + port)
				.get()
				.uri(link.documentSpace() + Scenario.BIG_PDF.segment() + "?size=" + SIZE)
				.header(HttpHeaders.COOKIE, browser.cookieHeader())
				.exchangeToMono((response) -> {
					assertThat(response.statusCode().value()).isEqualTo(200);
					return response.bodyToFlux(DataBuffer.class).map((buffer) -> {
						long length = buffer.readableByteCount();
						DataBufferUtils.release(buffer);
						return length;
					}).reduce(0L, Long::sum);
				})
				.block(Duration.ofMinutes(2));
			assertThat(received).isEqualTo(SIZE);
			assertThat(gateway.isAlive()).isTrue();
		}
		finally {
			gateway.destroy();
			if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
				gateway.destroyForcibly();
			}
		}
	}

	private Process startSmallGateway() throws Exception {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
						"-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
		for (String name : List.of("spring.r2dbc.url", "spring.r2dbc.username", "spring.r2dbc.password",
				"spring.flyway.url", "spring.flyway.user", "spring.flyway.password", "securelink.keys.email-pepper",
				"securelink.keys.session", "securelink.keys.assertion", "securelink.keys.checkpoint",
				"securelink.upstream.url", "securelink.trusted-proxies", "securelink.documents.shared-origin",
				"spring.security.oauth2.resourceserver.jwt.public-key-location",
				"spring.security.oauth2.resourceserver.jwt.audiences", "securelink.admin.issuer")) {
			command.add("-D" + name + "=" + this.environment.getProperty(name, ""));
		}
		command.addAll(List.of(GatewayApplication.class.getName(), "--server.port=0", "--management.server.port=0",
				"--securelink.access-log=false"));
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	/**
	 * Reads the child's log until Netty says which port it bound, and keeps draining it
	 * afterwards.
	 */
	private static int awaitPort(Process process) throws Exception {
		Pattern started = Pattern.compile("Netty started on port (\\d+)");
		BufferedReader log = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		CompletableFuture<Integer> port = new CompletableFuture<>();
		Thread drain = new Thread(() -> {
			try {
				for (String line = log.readLine(); line != null; line = log.readLine()) {
					Matcher matcher = started.matcher(line);
					if (matcher.find() && !port.isDone()) {
						port.complete(Integer.parseInt(matcher.group(1)));
					}
				}
				port.completeExceptionally(new IllegalStateException("the gateway exited before it started"));
			}
			catch (java.io.IOException ex) {
				port.completeExceptionally(ex);
			}
		});
		drain.setDaemon(true);
		drain.start();
		return port.get(90, TimeUnit.SECONDS);
	}

}
