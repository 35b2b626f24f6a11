import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's first-open journeys, run by {@code bench/run.sh} with the JDK alone ({@code java
 * bench/FirstOpens.java ...}, no build, no dependencies):
 *
 * <ul>
 * <li>{@code links}: creates tenants with the e-mail check off and distinct links spread over them, through the
 * admin API with tokens signed by the demo issuer's key, and writes the codes, one per line, the tenants
 * interleaved.</li>
 * <li>{@code journeys}: each visitor opens a link once, as a mailed recipient does: {@code GET /l/{code}} (303 and a
 * session cookie), then the first document request with that cookie, on one new connection: on the document's own
 * origin ({@code {link}.localhost}, the demo's), the handoff's {@code GET /_gw/handoff?t=…} (303 and the session
 * cookie for that host) and {@code GET /}, both counted as the document request; on a shared origin
 * {@code GET /d/{linkId}/}. Either as many
 * journeys as fast as a number of visitors can go ({@code --visitors}), or at a fixed rate ({@code --rate}, an open
 * model: a slow answer does not slow the arrivals). Prints the journeys, journeys/s, the first document request's
 * p50/p99, the link request's p99, errors, and the oldest unsealed audit event seen on the management port.
 * {@code --cycles N} opens each link N times over (each time a new session), for warming up.</li>
 * <li>{@code delay-proxy}: a TCP proxy that holds every byte for a fixed time in each direction, put between the
 * gateway and its database.</li>
 * </ul>
 */
public final class FirstOpens {

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			throw new IllegalArgumentException("usage: FirstOpens links|journeys|delay-proxy --option value ...");
		}
		Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
		switch (args[0]) {
			case "links" -> Links.run(options);
			case "journeys" -> Journeys.run(options);
			case "delay-proxy" -> DelayProxy.run(options);
			default -> throw new IllegalArgumentException("unknown command " + args[0]);
		}
	}

	static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i += 2) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("expected --name value, got " + args[i]);
			}
			options.put(args[i].substring(2), args[i + 1]);
		}
		return options;
	}

	static String required(Map<String, String> options, String name) {
		String value = options.get(name);
		if (value == null) {
			throw new IllegalArgumentException("--" + name + " is required");
		}
		return value;
	}

	/** Tenants and links through the admin API. */
	static final class Links {

		private static final Pattern CODE = Pattern.compile("\"url\"\\s*:\\s*\"[^\"]*/l/([A-Za-z0-9_-]+)\"");

		static void run(Map<String, String> options) throws Exception {
			String base = required(options, "base");
			PrivateKey key = privateKey(Path.of(required(options, "issuer-key")));
			int tenants = Integer.parseInt(required(options, "tenants"));
			int count = Integer.parseInt(required(options, "count"));
			String prefix = required(options, "prefix");
			Path out = Path.of(required(options, "out"));
			HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			String[] tokens = new String[tenants];
			for (int t = 0; t < tenants; t++) {
				String tenant = String.format(Locale.ROOT, "%s-%03d", prefix, t);
				tokens[t] = token(key, tenant);
				send(client, tokens[t], "PUT", base + "/admin/v1/tenants/" + tenant + "/settings",
						"{\"emailVerification\": false, \"supportAccess\": false}").join();
			}
			String[] codes = new String[count];
			Semaphore inFlight = new Semaphore(8);
			List<CompletableFuture<Void>> created = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				int index = i;
				int t = i % tenants;
				String tenant = String.format(Locale.ROOT, "%s-%03d", prefix, t);
				inFlight.acquire();
				created.add(send(client, tokens[t], "POST", base + "/admin/v1/tenants/" + tenant + "/links",
						"{\"document\": \"/bench\", \"recipients\": [\"visitor" + i + "@example.com\"]}")
					.thenAccept((body) -> {
						Matcher matcher = CODE.matcher(body);
						if (!matcher.find()) {
							throw new IllegalStateException("no link in the answer: " + body);
						}
						codes[index] = matcher.group(1);
					})
					.whenComplete((result, failure) -> inFlight.release()));
			}
			CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).join();
			Files.write(out, Arrays.asList(codes));
		}

		private static CompletableFuture<String> send(HttpClient client, String token, String method, String url,
				String body) {
			HttpRequest request = HttpRequest.newBuilder(URI.create(url))
				.header("Authorization", "Bearer " + token)
				.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body))
				.build();
			return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply((response) -> {
				if (response.statusCode() / 100 != 2) {
					throw new IllegalStateException(method + " " + url + ": " + response.statusCode() + " "
							+ response.body());
				}
				return response.body();
			});
		}

		/** An admin token for the tenant, as the demo issuer signs them (RS256). */
		private static String token(PrivateKey key, String tenant) throws Exception {
			long now = Instant.now().getEpochSecond();
			String header = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
			String claims = base64Url(String.format(Locale.ROOT,
					"{\"iss\":\"urn:securelink:demo-issuer\",\"aud\":\"securelink-admin\",\"sub\":\"bench\","
							+ "\"iat\":%d,\"exp\":%d,\"jti\":\"%s\",\"tenant\":\"%s\","
							+ "\"scope\":\"links:read links:write settings:write\"}",
					now, now + 86_400, UUID.randomUUID(), tenant));
			Signature signature = Signature.getInstance("SHA256withRSA");
			signature.initSign(key);
			signature.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
			return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
		}

		private static String base64Url(String json) {
			return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
		}

		private static PrivateKey privateKey(Path pem) throws Exception {
			String base64 = Files.readString(pem).replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
			return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
		}

	}

	/** The visitors. */
	static final class Journeys {

		static void run(Map<String, String> options) throws Exception {
			String host = options.getOrDefault("host", "127.0.0.1");
			int port = Integer.parseInt(required(options, "port"));
			List<String> once = Files.readAllLines(Path.of(required(options, "codes")));
			// --cycles N opens every link N times, one pass after the other (a warm-up).
			List<String> codes = new ArrayList<>();
			for (int cycle = Integer.parseInt(options.getOrDefault("cycles", "1")); cycle > 0; cycle--) {
				codes.addAll(once);
			}
			Duration limit = Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "60")));
			String metrics = options.get("metrics");
			Results results = new Results(codes.size());
			Sealing sealing = (metrics != null) ? Sealing.watch(URI.create(metrics)) : null;
			long started = System.nanoTime();
			if (options.containsKey("rate")) {
				atRate(host, port, codes, Double.parseDouble(options.get("rate")), limit, results);
			}
			else {
				asFastAs(host, port, codes, Integer.parseInt(options.getOrDefault("visitors", "16")), limit, results);
			}
			double seconds = (System.nanoTime() - started) / 1e9;
			String sealed = "";
			if (sealing != null) {
				sealed = String.format(Locale.ROOT, " unsealed_max=%.2fs sealed_after=%.2fs", sealing.maxAge(),
						sealing.stopWhenSealed(Duration.ofSeconds(30)));
			}
			System.out.println(results.summary(seconds) + sealed);
		}

		private static void asFastAs(String host, int port, List<String> codes, int visitors, Duration limit,
				Results results) throws InterruptedException {
			AtomicInteger next = new AtomicInteger();
			long deadline = System.nanoTime() + limit.toNanos();
			ExecutorService pool = Executors.newFixedThreadPool(visitors);
			for (int v = 0; v < visitors; v++) {
				pool.execute(() -> {
					int i;
					while ((i = next.getAndIncrement()) < codes.size() && System.nanoTime() < deadline) {
						results.record(i, journey(host, port, codes.get(i)));
					}
				});
			}
			pool.shutdown();
			pool.awaitTermination(limit.toSeconds() + 60, TimeUnit.SECONDS);
		}

		private static void atRate(String host, int port, List<String> codes, double rate, Duration limit,
				Results results) throws InterruptedException {
			ExecutorService pool = Executors.newCachedThreadPool();
			long start = System.nanoTime();
			long interval = (long) (1e9 / rate);
			for (int i = 0; i < codes.size(); i++) {
				long at = start + i * interval;
				if (at - start > limit.toNanos()) {
					break;
				}
				long wait;
				while ((wait = at - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				int index = i;
				pool.execute(() -> results.record(index, journey(host, port, codes.get(index))));
			}
			pool.shutdown();
			pool.awaitTermination(60, TimeUnit.SECONDS);
		}

		/** One visitor: the link, then the first document request with the session it set. */
		static Journey journey(String host, int port, String code) {
			try (Socket socket = new Socket()) {
				socket.setTcpNoDelay(true);
				socket.setSoTimeout(30_000);
				socket.connect(new InetSocketAddress(host, port), 10_000);
				InputStream in = socket.getInputStream();
				OutputStream out = socket.getOutputStream();
				String authority = host + ":" + port;
				long linkStart = System.nanoTime();
				out.write(("GET /l/" + code + " HTTP/1.1\r\nHost: " + authority + "\r\nUser-Agent: bench\r\n"
						+ "Accept: text/html\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
				out.flush();
				Response link = read(in, "link");
				long linkNanos = System.nanoTime() - linkStart;
				String location = link.header("location");
				String cookie = link.header("set-cookie");
				if (link.status != 303 || location == null || cookie == null) {
					return Journey.failed("link answered " + link.status);
				}
				URI target = URI.create(location);
				String path = target.getRawPath();
				String documentAuthority = authority;
				long documentStart = System.nanoTime();
				if (target.getRawAuthority() != null) {
					// The document's own origin: its host redeems the handoff for the session (on this
					// connection, to the same server), then serves the document.
					documentAuthority = target.getRawAuthority();
					out.write(("GET " + path + "?" + target.getRawQuery() + " HTTP/1.1\r\nHost: " + documentAuthority
							+ "\r\nUser-Agent: bench\r\nAccept: text/html\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
					out.flush();
					Response handoff = read(in, "handoff");
					cookie = handoff.header("set-cookie");
					if (handoff.status != 303 || cookie == null) {
						return Journey.failed("handoff answered " + handoff.status);
					}
					path = handoff.header("location");
				}
				out.write(("GET " + path + " HTTP/1.1\r\nHost: " + documentAuthority + "\r\nUser-Agent: bench\r\n"
						+ "Accept: text/html\r\nCookie: " + cookie.split(";", 2)[0] + "\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				Response document = read(in, "document");
				long documentNanos = System.nanoTime() - documentStart;
				if (document.status != 200) {
					return Journey.failed("document answered " + document.status);
				}
				return new Journey(linkNanos, documentNanos, null);
			}
			catch (IOException | RuntimeException ex) {
				return Journey.failed(ex.toString());
			}
		}

		private static Response read(InputStream in, String step) throws IOException {
			try {
				return Response.read(in);
			}
			catch (IOException ex) {
				throw new IOException(step + ": " + ex, ex);
			}
		}

	}

	record Journey(long linkNanos, long documentNanos, String failure) {

		static Journey failed(String why) {
			return new Journey(0, 0, why);
		}

	}

	static final class Results {

		private final Journey[] journeys;

		Results(int size) {
			this.journeys = new Journey[size];
		}

		void record(int index, Journey journey) {
			this.journeys[index] = journey;
		}

		String summary(double seconds) {
			List<Long> links = new ArrayList<>();
			List<Long> documents = new ArrayList<>();
			Map<String, Integer> failures = new HashMap<>();
			for (Journey journey : this.journeys) {
				if (journey == null) {
					continue;
				}
				if (journey.failure() != null) {
					failures.merge(journey.failure(), 1, Integer::sum);
				}
				else {
					links.add(journey.linkNanos());
					documents.add(journey.documentNanos());
				}
			}
			if (!failures.isEmpty()) {
				System.err.println("bench: failed journeys: " + failures);
			}
			int errors = failures.values().stream().mapToInt(Integer::intValue).sum();
			return String.format(Locale.ROOT,
					"journeys=%d errors=%d seconds=%.2f rate=%.1f document_p50=%s document_p99=%s link_p99=%s",
					documents.size(), errors, seconds, documents.size() / seconds, millis(documents, 0.50),
					millis(documents, 0.99), millis(links, 0.99));
		}

		private static String millis(List<Long> nanos, double quantile) {
			if (nanos.isEmpty()) {
				return "-";
			}
			long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
			int index = Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1);
			return String.format(Locale.ROOT, "%.2fms", sorted[Math.max(0, index)] / 1e6);
		}

	}

	/** An HTTP/1.1 response read from a socket: status, headers, and a body by length or chunks, or to the end. */
	static final class Response {

		final int status;

		private final Map<String, String> headers;

		private Response(int status, Map<String, String> headers) {
			this.status = status;
			this.headers = headers;
		}

		String header(String name) {
			return this.headers.get(name);
		}

		static Response read(InputStream in) throws IOException {
			String statusLine = line(in);
			String[] parts = statusLine.split(" ", 3);
			if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
				throw new IOException("not an HTTP response: " + statusLine);
			}
			Map<String, String> headers = new HashMap<>();
			String line;
			while (!(line = line(in)).isEmpty()) {
				int colon = line.indexOf(':');
				// The first of a repeated header is enough here (one Set-Cookie is sent).
				headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
						line.substring(colon + 1).trim());
			}
			Response response = new Response(Integer.parseInt(parts[1]), headers);
			String length = headers.get("content-length");
			if (length != null) {
				skip(in, Long.parseLong(length));
			}
			else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
				long size;
				while ((size = Long.parseLong(line(in).split(";", 2)[0].trim(), 16)) > 0) {
					skip(in, size);
					line(in);
				}
				while (!line(in).isEmpty()) {
					// trailers
				}
			}
			else if (response.status != 204 && response.status != 304) {
				in.transferTo(OutputStream.nullOutputStream());
			}
			return response;
		}

		private static void skip(InputStream in, long bytes) throws IOException {
			long left = bytes;
			while (left > 0) {
				long skipped = in.skip(left);
				if (skipped <= 0) {
					if (in.read() < 0) {
						throw new IOException("the body ended early");
					}
					skipped = 1;
				}
				left -= skipped;
			}
		}

		private static String line(InputStream in) throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			int b;
			while ((b = in.read()) != '\n') {
				if (b < 0) {
					throw new IOException("the connection closed mid-response");
				}
				if (b != '\r') {
					line.write(b);
				}
			}
			return line.toString(StandardCharsets.ISO_8859_1);
		}

	}

	/**
	 * Watches {@code securelink_audit_unsealed_age_seconds} on the management port: the oldest audit event still
	 * unsealed after each sealing round.
	 */
	static final class Sealing {

		private static final Pattern AGE = Pattern.compile("(?m)^securelink_audit_unsealed_age_seconds(?:\\{[^}]*\\})? (\\S+)$");

		private final HttpClient client = HttpClient.newHttpClient();

		private final URI metrics;

		private final AtomicLong maxMillis = new AtomicLong();

		private volatile boolean stopped;

		private Sealing(URI metrics) {
			this.metrics = metrics;
		}

		static Sealing watch(URI metrics) {
			Sealing sealing = new Sealing(metrics);
			Thread watcher = new Thread(() -> {
				while (!sealing.stopped) {
					sealing.maxMillis.accumulateAndGet((long) (sealing.age() * 1000), Math::max);
					LockSupport.parkNanos(200_000_000L);
				}
			}, "sealing-watch");
			watcher.setDaemon(true);
			watcher.start();
			return sealing;
		}

		double maxAge() {
			return this.maxMillis.get() / 1000.0;
		}

		/** Seconds from now until nothing is left unsealed (every event written so far is in its chain). */
		double stopWhenSealed(Duration limit) {
			long start = System.nanoTime();
			while (age() > 0 && System.nanoTime() - start < limit.toNanos()) {
				LockSupport.parkNanos(100_000_000L);
			}
			this.stopped = true;
			return (System.nanoTime() - start) / 1e9;
		}

		private double age() {
			try {
				String body = this.client.send(HttpRequest.newBuilder(this.metrics).build(),
						HttpResponse.BodyHandlers.ofString()).body();
				Matcher matcher = AGE.matcher(body);
				if (!matcher.find()) {
					throw new IllegalStateException("no securelink_audit_unsealed_age_seconds at " + this.metrics);
				}
				return Double.parseDouble(matcher.group(1));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * A TCP proxy that delays every byte by a fixed time in each direction, like a database in another zone: each
	 * direction of a connection has a reader, which stamps what it read, and a writer, which sends it when due.
	 */
	static final class DelayProxy {

		private record Chunk(long due, byte[] bytes) {
		}

		static void run(Map<String, String> options) throws IOException {
			int listen = Integer.parseInt(required(options, "listen"));
			String[] target = required(options, "to").split(":");
			long delay = (long) (Double.parseDouble(required(options, "delay-ms")) * 1_000_000);
			try (ServerSocket server = new ServerSocket()) {
				server.bind(new InetSocketAddress("127.0.0.1", listen));
				while (true) {
					Socket client = server.accept();
					Socket upstream = new Socket(target[0], Integer.parseInt(target[1]));
					client.setTcpNoDelay(true);
					upstream.setTcpNoDelay(true);
					pipe(client, upstream, delay);
					pipe(upstream, client, delay);
				}
			}
		}

		private static void pipe(Socket from, Socket to, long delay) throws IOException {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
			Thread reader = new Thread(() -> {
				byte[] buffer = new byte[65536];
				try {
					int read;
					while ((read = in.read(buffer)) >= 0) {
						queue.put(new Chunk(System.nanoTime() + delay, Arrays.copyOf(buffer, read)));
					}
				}
				catch (IOException | InterruptedException ex) {
					// the connection ended
				}
				queue.add(new Chunk(System.nanoTime() + delay, new byte[0]));
			}, "delay-read");
			Thread writer = new Thread(() -> {
				try {
					while (true) {
						Chunk chunk = queue.take();
						long wait;
						while ((wait = chunk.due() - System.nanoTime()) > 0) {
							LockSupport.parkNanos(wait);
						}
						if (chunk.bytes().length == 0) {
							break;
						}
						out.write(chunk.bytes());
						out.flush();
					}
				}
				catch (IOException | InterruptedException ex) {
					// the connection ended
				}
				try {
					from.close();
					to.close();
				}
				catch (IOException ex) {
					// closed already
				}
			}, "delay-write");
			reader.setDaemon(true);
			writer.setDaemon(true);
			reader.start();
			writer.start();
		}

	}

}
