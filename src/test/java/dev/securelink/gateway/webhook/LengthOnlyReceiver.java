package dev.securelink.gateway.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver as minimal as many real ones (Python's {@code http.server} with
 * {@code rfile.read(int(headers['Content-Length']))}, a PHP script behind a plain CGI):
 * it reads the head, then exactly the declared {@code Content-Length} (none declared:
 * nothing), and knows no chunked encoding. It answers 200 when the body it read verifies
 * against the endpoint's secret, 401 otherwise, and keeps what it saw.
 */
final class LengthOnlyReceiver implements AutoCloseable {

	/** One request as this receiver read it. */
	record Seen(Map<String, String> headers, String body, boolean verified) {
	}

	private final ServerSocket server;

	private final List<Seen> seen = new CopyOnWriteArrayList<>();

	private volatile String secret = "";

	LengthOnlyReceiver() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "length-only-receiver");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.server.getLocalPort() + path;
	}

	/** The endpoint's secret, once the gateway made it. */
	void secret(String secret) {
		this.secret = secret;
	}

	List<Seen> seen() {
		return this.seen;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try (Socket socket = this.server.accept()) {
				handle(socket.getInputStream(), socket.getOutputStream());
			}
			catch (IOException ex) {
				// Closed, or a client that went away: the next connection, if any.
			}
		}
	}

	private void handle(InputStream in, OutputStream out) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int next = in.read();
			if (next < 0) {
				return;
			}
			head.write(next);
			matched = (next == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((next == '\r') ? 1 : 0);
		}
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
		String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
		boolean verified = !this.secret.isEmpty() && new StandardWebhooksVerifier(this.secret).verify(
				headers.getOrDefault("webhook-id", ""), headers.getOrDefault("webhook-timestamp", ""),
				headers.getOrDefault("webhook-signature", ""), body, Instant.now());
		this.seen.add(new Seen(Map.copyOf(headers), body, verified));
		out.write(((verified ? "HTTP/1.1 200 OK" : "HTTP/1.1 401 Unauthorized")
				+ "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
	}

}
