package dev.securelink.gateway.ops;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.securelink.gateway.GatewayApplication;
import dev.securelink.gateway.support.Ports;
import dev.securelink.gateway.support.RawHttp;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway in a JVM of its own, sent SIGTERM as Kubernetes sends it: readiness turns 503
 * at once, a request in flight is answered, a kept-alive connection's next request is
 * answered with {@code Connection: close} and the connection ends, and the process exits
 * by itself within its grace.
 */
class DrainTests {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Test
	void sigtermWhenRequestsInFlightAndConnectionsIdleThenReadinessDownConnectionCloseAndInFlightAnswered()
			throws Exception {
		int port = Ports.free();
		int management = Ports.free();
		Path log = Files.createTempFile("securelink-drain", ".log");
		Process process = start(port, management, log);
		try {
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> readiness(management) == 200);
			try (RawHttp idle = new RawHttp(port); RawHttp inFlight = new RawHttp(port)) {
				RawHttp.Answer first = idle.exchange("GET", "/l/" + "C".repeat(32), null);
				assertThat(first.status()).isEqualTo(404);
				assertThat(first.headers()).doesNotContainEntry("connection", "close");

				// A request that takes 3 s (the renewal form's answer time), sent before
				// SIGTERM.
				RawHttp.Answer form = inFlight.exchange("GET", "/l/" + "D".repeat(32) + "/renew", null);
				String cookie = form.headers().get("set-cookie").split(";")[0];
				Matcher token = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(form.body());
				assertThat(token.find()).isTrue();
				String body = "csrf=" + token.group(1) + "&email=anna%40example.com";
				CompletableFuture<RawHttp.Answer> answer = CompletableFuture.supplyAsync(() -> {
					try {
						return inFlight.exchange("POST", "/l/" + "D".repeat(32) + "/renew", body,
								"Origin: http://localhost:" + port, "Cookie: " + cookie,
								"Content-Type: application/x-www-form-urlencoded");
					}
					catch (java.io.IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
				});
				Thread.sleep(300);

				process.destroy();
				await().atMost(Duration.ofSeconds(2))
					.pollInterval(Duration.ofMillis(50))
					.until(() -> readiness(management) == 503);

				RawHttp.Answer next = idle.exchange("GET", "/l/" + "C".repeat(32), null);
				assertThat(next.status()).isEqualTo(404);
				assertThat(next.headers()).containsEntry("connection", "close");
				assertThat(idle.socket().getInputStream().read()).as("the connection ends after it").isEqualTo(-1);

				RawHttp.Answer done = answer.get(10, TimeUnit.SECONDS);
				assertThat(done.status()).as("the request in flight is answered").isEqualTo(200);
				assertThat(done.headers()).containsEntry("x-securelink-page", "renewalsent");
			}
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exits by itself").isTrue();
			assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("Shutting down: readiness is down")
				.contains("Graceful shutdown complete");
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(log);
		}
	}

	private static int readiness(int management) {
		try {
			return HTTP
				.send(HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + management + "/actuator/health/readiness"))
					.timeout(Duration.ofSeconds(2))
					.build(), HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (java.io.IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/** The application's classpath only, on the test database and keys. */
	private static Process start(int port, int management, Path log) throws Exception {
		String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
		TestDatabase.Server database = TestDatabase.server();
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
				GatewayApplication.class.getName(), "--server.port=" + port, "--management.server.port=" + management,
				"--spring.r2dbc.url=" + database.r2dbcUrl(), "--spring.r2dbc.username=" + database.user(),
				"--spring.r2dbc.password=" + database.password(),
				"--securelink.public-base-url=http://localhost:" + port, "--securelink.trusted-proxies=127.0.0.1/32",
				"--securelink.upstream.url=http://127.0.0.1:9", "--securelink.limits.renewal-answer-time=3s",
				"--securelink.drain-time=1s", "--securelink.documents.origin=http://{link}.localhost:" + port));
		for (Map.Entry<String, Object> key : TestKeys.springProperties().entrySet()) {
			command.add("--" + key.getKey() + "=" + key.getValue());
		}
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().keySet().removeIf((name) -> name.startsWith("SPRING_") || name.startsWith("SECURELINK_"));
		return builder.start();
	}

}
