package dev.securelink.gateway;

import java.net.URI;
import java.util.Base64;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Where documents are served. With {@code securelink.documents.origin}
 * ({@code https://{link}.docs.example.net}) each document has an origin of its own: its
 * link id, written as a DNS label (the id's 12 bytes in lower-case base32, since browsers
 * fold a host's case), takes the place of {@code {link}}, so that no document's script
 * can reach another document, its cookies or the gateway's origin. Without it
 * ({@code shared-origin}), every document lives under {@code /d/{linkId}/} on the
 * gateway's own origin.
 */
public final class DocumentOrigins {

	private static final String PLACEHOLDER = "{link}";

	private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

	/**
	 * The scheme, e.g. {@code https://}; null when documents share the gateway's origin.
	 */
	private final @Nullable String scheme;

	/** What follows the link's label in the host, e.g. {@code .docs.example.net}. */
	private final String suffix;

	/** The port part of the origin, e.g. {@code :8443}, or empty. */
	private final String port;

	private DocumentOrigins(@Nullable String scheme, String suffix, String port) {
		this.scheme = scheme;
		this.suffix = suffix;
		this.port = port;
	}

	/** Documents on the gateway's own origin. */
	public static DocumentOrigins shared() {
		return new DocumentOrigins(null, "", "");
	}

	/**
	 * The origins {@code template} names: {@code http} or {@code https}, a host that
	 * begins with the label {@code {link}} and has a domain after it, an optional port,
	 * nothing else; a domain that is not the gateway's own host ({@code gateway}) nor a
	 * parent of it, since a document may set cookies for its parent domain.
	 * @throws IllegalArgumentException naming what is wrong with it
	 */
	public static DocumentOrigins of(String template, URI gateway) {
		if (!template.contains("://" + PLACEHOLDER + ".")) {
			throw new IllegalArgumentException("securelink.documents.origin must be a URL whose host begins with "
					+ PLACEHOLDER + ". (such as https://{link}.docs.example.net), not " + template);
		}
		URI uri = URI.create(template.replace(PLACEHOLDER, "x"));
		if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
				|| uri.getRawUserInfo() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
				|| uri.getRawQuery() != null || uri.getRawFragment() != null) {
			throw new IllegalArgumentException(
					"securelink.documents.origin must be an http(s) origin without path, query or user, not "
							+ template);
		}
		String suffix = uri.getHost().substring(1).toLowerCase(Locale.ROOT);
		String gatewayHost = String.valueOf(gateway.getHost()).toLowerCase(Locale.ROOT);
		if (!gatewayHost.equals("localhost")
				&& (("." + gatewayHost).endsWith(suffix) || suffix.endsWith("." + gatewayHost))) {
			throw new IllegalArgumentException("securelink.documents.origin must be on a domain of its own, not "
					+ suffix.substring(1) + ", which the gateway's host " + gatewayHost
					+ " is in or above: a document could set cookies the gateway's host receives");
		}
		return new DocumentOrigins(uri.getScheme() + "://", suffix, (uri.getPort() != -1) ? ":" + uri.getPort() : "");
	}

	/** Whether each document has an origin of its own. */
	public boolean separate() {
		return this.scheme != null;
	}

	/**
	 * The origin of {@code linkId}'s document, e.g.
	 * {@code https://abc….docs.example.net}.
	 */
	public String origin(String linkId) {
		return this.scheme + label(linkId) + this.suffix + this.port;
	}

	/**
	 * The domain every document's host is in, with its leading dot, e.g.
	 * {@code .docs.example.net}; empty when documents share the gateway's origin.
	 */
	public String domain() {
		return this.suffix;
	}

	/**
	 * The origin a browser names for a request to {@code host}, a document's {@code Host}
	 * header as sent.
	 */
	public String originAt(String host) {
		return this.scheme + host;
	}

	/**
	 * Every document's origin as a CSP source expression, e.g.
	 * {@code https://*.docs.example.net}.
	 */
	public String wildcard() {
		return this.scheme + "*" + this.suffix + this.port;
	}

	/**
	 * The link whose document host {@code host} (a Host header: any case, with or without
	 * a port or a trailing dot) is, or null when it is none. Allocates nothing but the
	 * id: it runs on every document request.
	 */
	public @Nullable String linkIdOf(@Nullable String host) {
		int end = nameEnd(host);
		if (host == null || end != 20 + this.suffix.length()
				|| !host.regionMatches(true, 20, this.suffix, 0, this.suffix.length())) {
			return null;
		}
		return linkId(host, 20);
	}

	/**
	 * Whether {@code host} (a {@code Host} header) is below the documents' domain: a
	 * document's host, or any other name the wildcard brings, which the document route
	 * answers (with 404 when it is no document's), never the gateway's pages.
	 */
	public boolean inDomain(@Nullable String host) {
		int end = nameEnd(host);
		return host != null && end > this.suffix.length()
				&& host.regionMatches(true, end - this.suffix.length(), this.suffix, 0, this.suffix.length());
	}

	/**
	 * Where the name in {@code host} ends (before a port and a trailing dot), or -1 when
	 * documents share the gateway's origin or it names none.
	 */
	private int nameEnd(@Nullable String host) {
		if (this.scheme == null || host == null || host.isEmpty() || host.charAt(0) == '[') {
			return -1;
		}
		int colon = host.indexOf(':');
		int end = (colon < 0) ? host.length() : colon;
		return (end > 0 && host.charAt(end - 1) == '.') ? end - 1 : end;
	}

	/**
	 * The host name of a {@code Host} header: lower-case, without its port and without
	 * the trailing dot of a fully qualified spelling; null for none or an IP literal.
	 */
	public static @Nullable String hostName(@Nullable String host) {
		if (host == null || host.isEmpty() || host.startsWith("[")) {
			return null;
		}
		int colon = host.indexOf(':');
		String name = ((colon < 0) ? host : host.substring(0, colon)).toLowerCase(Locale.ROOT);
		return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
	}

	/** The link id's 12 bytes as 20 characters of lower-case base32, a DNS label. */
	static String label(String linkId) {
		byte[] bytes = Base64.getUrlDecoder().decode(linkId);
		StringBuilder label = new StringBuilder(20);
		int buffer = 0;
		int bits = 0;
		for (byte b : bytes) {
			buffer = (buffer << 8) | (b & 0xff);
			bits += 8;
			while (bits >= 5) {
				label.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
				bits -= 5;
			}
		}
		if (bits > 0) {
			label.append(BASE32.charAt((buffer << (5 - bits)) & 31));
		}
		return label.toString();
	}

	/**
	 * The link id the first {@code length} characters of {@code label} (any case) stand
	 * for, or null when they are not a label {@link #label} makes.
	 */
	static @Nullable String linkId(String label, int length) {
		byte[] bytes = new byte[12];
		int buffer = 0;
		int bits = 0;
		int at = 0;
		for (int i = 0; i < length; i++) {
			char c = label.charAt(i);
			int value = (c >= 'a' && c <= 'z') ? c - 'a'
					: (c >= 'A' && c <= 'Z') ? c - 'A' : (c >= '2' && c <= '7') ? c - '2' + 26 : -1;
			if (value < 0) {
				return null;
			}
			buffer = (buffer << 5) | value;
			bits += 5;
			if (bits >= 8) {
				if (at == bytes.length) {
					return null;
				}
				bytes[at++] = (byte) (buffer >> (bits - 8));
				bits -= 8;
			}
		}
		if (at != bytes.length || (buffer & ((1 << bits) - 1)) != 0) {
			return null;
		}
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
