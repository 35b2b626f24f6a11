package dev.securelink.gateway.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;

/**
 * A real webhook receiver on a free loopback port: keeps every request it is sent and
 * answers as the test scripts it (200 by default).
 */
public final class WebhookReceiver implements AutoCloseable {

	/** A request as it arrived; header names in lower case. */
	public record Received(Map<String, String> headers, String body, Instant at) {

		public String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

		String messageId() {
			return header("webhook-id");
		}

	}

	/** What the receiver answers. */
	record Answer(int status, Map<String, String> headers, String body) {

		static Answer of(int status) {
			return new Answer(status, Map.of(), "");
		}

	}

	private final HttpServer server;

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private volatile Function<Received, Answer> answers = (request) -> Answer.of(200);

	public WebhookReceiver() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.setExecutor(Executors.newFixedThreadPool(4));
		this.server.createContext("/", (exchange) -> {
			try (InputStream in = exchange.getRequestBody()) {
				Map<String, String> headers = exchange.getRequestHeaders()
					.entrySet()
					.stream()
					.collect(Collectors.toMap((entry) -> entry.getKey().toLowerCase(Locale.ROOT),
							(entry) -> String.join(",", entry.getValue()), (a, b) -> a));
				Received request = new Received(headers, new String(in.readAllBytes(), StandardCharsets.UTF_8),
						Instant.now());
				this.received.add(request);
				Answer answer = this.answers.apply(request);
				answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
				byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(answer.status(), (body.length == 0) ? -1 : body.length);
				if (body.length > 0) {
					try (OutputStream out = exchange.getResponseBody()) {
						out.write(body);
					}
				}
			}
			finally {
				exchange.close();
			}
		});
		this.server.start();
	}

	public String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	void answer(Function<Received, Answer> answers) {
		this.answers = answers;
	}

	List<Received> received() {
		return List.copyOf(this.received);
	}

	/** The requests whose body has {@code "type":"<type>"}. */
	List<Received> ofType(String type) {
		return this.received.stream()
			.filter((request) -> request.body().contains("\"type\":\"" + type + "\""))
			.toList();
	}

	/** Waits until {@code count} requests of {@code type} arrived; answers them. */
	public List<Received> await(String type, int count) {
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ofType(type).size() >= count);
		return ofType(type);
	}

	@Override
	public void close() {
		this.server.stop(0);
		((java.util.concurrent.ExecutorService) this.server.getExecutor()).shutdownNow();
	}

}
