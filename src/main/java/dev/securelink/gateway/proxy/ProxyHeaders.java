package dev.securelink.gateway.proxy;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import io.netty.handler.codec.http.HttpHeaders;

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
	 * {@code X-SecureLink-*}, and {@code X-Forwarded-*}/{@code Forwarded} only from a trusted proxy.
	 */
	static void copyRequest(org.springframework.http.HttpHeaders source, HttpHeaders target, boolean trustedPeer) {
		Set<String> named = connectionNamed(source.getOrEmpty("Connection"));
		for (Map.Entry<String, List<String>> header : source.headerSet()) {
			String name = header.getKey().toLowerCase(Locale.ROOT);
			if (HOP_BY_HOP.contains(name) || named.contains(name) || name.startsWith("proxy-") || name.equals("host")
					|| name.equals("authorization") || name.equals("content-length") || name.startsWith("x-securelink-")
					|| (!trustedPeer && (name.startsWith("x-forwarded-") || name.equals("forwarded")))) {
				continue;
			}
			if (name.equals("cookie")) {
				String cookies = withoutGatewayCookies(header.getValue());
				if (!cookies.isEmpty()) {
					target.set("Cookie", cookies);
				}
				continue;
			}
			target.add(header.getKey(), header.getValue());
		}
	}

	/** Whether an upstream response header may reach the client as it is. */
	static boolean passesToClient(String name, Set<String> connectionNamed) {
		String lower = name.toLowerCase(Locale.ROOT);
		return !HOP_BY_HOP.contains(lower) && !connectionNamed.contains(lower) && !lower.startsWith("proxy-")
				&& !lower.startsWith("x-securelink-");
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
