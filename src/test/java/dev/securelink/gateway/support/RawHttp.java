package dev.securelink.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 keep-alive connection driven by hand, for what a client library hides:
 * request targets it would normalize, and whether each answer is framed (length or
 * chunks) so that the next request on the connection is served. An answer that does not
 * come within the timeout fails the test.
 */
public final class RawHttp implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	public RawHttp(int port) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout(5000);
		this.in = this.socket.getInputStream();
	}

	/** The connection itself, for what {@link #exchange} cannot send. */
	public Socket socket() {
		return this.socket;
	}

	/**
	 * An answer: status, headers by lower-case name (the last of repeated ones), body as
	 * text.
	 */
	public record Answer(int status, Map<String, String> headers, String body) {
	}

	/**
	 * Sends {@code method target} with {@code headers} (lines without CRLF) and an
	 * optional body, and reads the whole answer.
	 */
	public Answer exchange(String method, String target, String body, String... headers) throws IOException {
		StringBuilder request = new StringBuilder(method).append(' ')
			.append(target)
			.append(" HTTP/1.1\r\n")
			.append("Host: localhost:")
			.append(this.socket.getPort())
			.append("\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		byte[] content = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		if (body != null) {
			request.append("Content-Length: ").append(content.length).append("\r\n");
		}
		request.append("\r\n");
		this.socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
		this.socket.getOutputStream().write(content);
		this.socket.getOutputStream().flush();
		return read(method.equals("HEAD"));
	}

	private Answer read(boolean head) throws IOException {
		String[] lines = readHead().split("\r\n");
		int status = Integer.parseInt(lines[0].split(" ")[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
			headers.put(name, lines[i].substring(colon + 1).trim());
		}
		if (head || status == 204 || status == 304) {
			return new Answer(status, headers, "");
		}
		if (headers.containsKey("content-length")) {
			return new Answer(status, headers, text(readExactly(Integer.parseInt(headers.get("content-length")))));
		}
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			for (int size = chunkSize(); size > 0; size = chunkSize()) {
				body.write(readExactly(size));
				readLine();
			}
			readLine();
			return new Answer(status, headers, text(body.toByteArray()));
		}
		throw new IllegalStateException(
				"An answer without length or chunks cannot be followed on its connection: " + headers);
	}

	private String readHead() throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = this.in.read();
			if (b < 0) {
				throw new IOException("Connection closed before an answer");
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		return head.toString(StandardCharsets.US_ASCII).trim();
	}

	private int chunkSize() throws IOException {
		return Integer.parseInt(readLine().split(";")[0].trim(), 16);
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
			if (b < 0) {
				throw new IOException("Connection closed inside a chunked body");
			}
			line.write(b);
		}
		return line.toString(StandardCharsets.US_ASCII).trim();
	}

	private byte[] readExactly(int length) throws IOException {
		byte[] bytes = this.in.readNBytes(length);
		if (bytes.length < length) {
			throw new IOException("Connection closed " + (length - bytes.length) + " bytes before the body's end");
		}
		return bytes;
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
