package dev.securelink.gateway.proxy;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Which headers cross the gateway, in each direction. Everything the client may not choose is stripped before
 * the gateway adds its own, so no request header (not even a {@code Connection} that names one) can remove or
 * forge what the gateway asserts.
 */
final class ProxyHeaders {

	/** RFC 9110 7.6.1 hop-by-hop headers, plus the legacy ones proxies still meet. */
	private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "te", "trailer",
			"transfer-encoding", "upgrade", "proxy-connection", "proxy-authenticate", "proxy-authorization");

	static final String LINK = "X-SecureLink-Link";

	static final String TENANT = "X-SecureLink-Tenant";

	static final String RIGHTS = "X-SecureLink-Rights";

	static final String ASSERTION = "X-SecureLink-Assertion";

	private ProxyHeaders() {
	}

	/**
	 * Copies the client's headers that may reach the upstream into {@code target}: no hop-by-hop header (nor any
	 * the client's Connection names), no Host, no Authorization, none of the gateway's cookies, no
	 * {@code X-SecureLink-*}, and {@code X-Forwarded-*}/{@code Forwarded} only from a trusted proxy. Works on
	 * Netty's headers directly: this runs for every proxied request.
	 */
	static void copyRequest(HttpHeaders source, HttpHeaders target, boolean trustedPeer) {
		List<String> connection = source.getAll("Connection");
		Set<String> named = connection.isEmpty() ? Set.of() : connectionNamed(connection);
		Iterator<Map.Entry<CharSequence, CharSequence>> headers = source.iteratorCharSequence();
		while (headers.hasNext()) {
			Map.Entry<CharSequence, CharSequence> header = headers.next();
			CharSequence name = header.getKey();
			if (isHopByHop(name) || startsWith(name, "proxy-") || startsWith(name, "x-securelink-")
					|| AsciiString.contentEqualsIgnoreCase(name, "host")
					|| AsciiString.contentEqualsIgnoreCase(name, "authorization")
					|| (!trustedPeer && (startsWith(name, "x-forwarded-")
							|| AsciiString.contentEqualsIgnoreCase(name, "forwarded")))
					|| (!named.isEmpty() && named.contains(name.toString().toLowerCase(Locale.ROOT)))) {
				continue;
			}
			if (AsciiString.contentEqualsIgnoreCase(name, "cookie")) {
				String cookies = withoutGatewayCookies(List.of(header.getValue().toString()));
				if (!cookies.isEmpty()) {
					target.add("Cookie", cookies);
				}
				continue;
			}
			target.add(name, header.getValue());
		}
	}

	private static boolean isHopByHop(CharSequence name) {
		for (String hop : HOP_BY_HOP) {
			if (AsciiString.contentEqualsIgnoreCase(name, hop)) {
				return true;
			}
		}
		return false;
	}

	private static boolean startsWith(CharSequence name, String lowerPrefix) {
		return name.length() >= lowerPrefix.length()
				&& AsciiString.regionMatches(name, true, 0, lowerPrefix, 0, lowerPrefix.length());
	}

	/** Whether an upstream response header may reach the client as it is. */
	static boolean passesToClient(CharSequence name, Set<String> connectionNamed) {
		return !isHopByHop(name) && !startsWith(name, "proxy-") && !startsWith(name, "x-securelink-")
				&& (connectionNamed.isEmpty() || !connectionNamed.contains(name.toString().toLowerCase(Locale.ROOT)));
	}

	static Set<String> connectionNamed(List<String> connectionHeaders) {
		Set<String> named = new HashSet<>();
		for (String value : connectionHeaders) {
			for (String token : value.split(",")) {
				named.add(token.trim().toLowerCase(Locale.ROOT));
			}
		}
		return named;
	}

	/** Whether a cookie name is one of the gateway's own (sessions and the form nonce). */
	static boolean isGatewayCookie(String name) {
		return name.startsWith("__Host-sl");
	}

	private static String withoutGatewayCookies(List<String> headers) {
		StringJoiner kept = new StringJoiner("; ");
		for (String header : headers) {
			for (String pair : header.split(";")) {
				String trimmed = pair.trim();
				int equals = trimmed.indexOf('=');
				String name = (equals > 0) ? trimmed.substring(0, equals) : trimmed;
				if (!trimmed.isEmpty() && !isGatewayCookie(name)) {
					kept.add(trimmed);
				}
			}
		}
		return kept.toString();
	}

}
