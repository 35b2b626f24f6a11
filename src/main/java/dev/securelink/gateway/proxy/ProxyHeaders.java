package dev.securelink.gateway.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Predicate;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Which headers cross the gateway, in each direction. Everything the client may not choose is stripped before
 * the gateway adds its own, so no request header (not even a {@code Connection} that names one) can remove or
 * forge what the gateway asserts.
 * <p>
 * Both directions copy the headers as one block and then take out what may not pass: Netty copies headers it has
 * already validated (the server's decoded request, the client's decoded response, both validating) without
 * validating and hashing every name again, which per header was most of a proxied request's header work.
 */
final class ProxyHeaders {

	/** RFC 9110 7.6.1 hop-by-hop headers, plus the legacy ones proxies still meet. */
	private static final AsciiString[] HOP_BY_HOP = { HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
			HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
			AsciiString.cached("proxy-connection"), HttpHeaderNames.PROXY_AUTHENTICATE,
			HttpHeaderNames.PROXY_AUTHORIZATION };

	// The names the gateway sets on every proxied request, as AsciiStrings: Netty hashes a String name each time.

	static final AsciiString LINK = AsciiString.cached("X-SecureLink-Link");

	static final AsciiString TENANT = AsciiString.cached("X-SecureLink-Tenant");

	static final AsciiString RIGHTS = AsciiString.cached("X-SecureLink-Rights");

	static final AsciiString ASSERTION = AsciiString.cached("X-SecureLink-Assertion");

	static final AsciiString FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");

	static final AsciiString FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");

	static final AsciiString FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");

	private static final AsciiString FORWARDED = AsciiString.cached("Forwarded");

	private ProxyHeaders() {
	}

	/**
	 * Copies the client's headers that may reach the upstream into {@code target}: no hop-by-hop header (nor any
	 * the client's Connection names), no Host, no Authorization, none of the gateway's cookies, no
	 * {@code X-SecureLink-*}, and {@code X-Forwarded-For}/{@code Forwarded} only from a trusted proxy (the
	 * gateway's own {@code X-Forwarded-Proto} and {@code -Host}, already on {@code target}, always stay). The
	 * client's {@code User-Agent} and {@code Accept} replace Reactor Netty's defaults instead of joining them.
	 */
	static void copyRequest(HttpHeaders source, HttpHeaders target, boolean trustedPeer) {
		target.remove(HttpHeaderNames.USER_AGENT).remove(HttpHeaderNames.ACCEPT);
		Set<String> named = connectionNamed(source.getAll(HttpHeaderNames.CONNECTION));
		copyAll(source, target, (name) -> !isHopByHop(name) && !startsWith(name, "proxy-")
				&& !startsWith(name, "x-securelink-") && !HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)
				&& !HttpHeaderNames.AUTHORIZATION.contentEqualsIgnoreCase(name)
				&& !FORWARDED_PROTO.contentEqualsIgnoreCase(name) && !FORWARDED_HOST.contentEqualsIgnoreCase(name)
				&& (trustedPeer || (!startsWith(name, "x-forwarded-")
						&& !FORWARDED.contentEqualsIgnoreCase(name)))
				&& !HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(name) && !isNamed(name, named));
		String cookies = withoutGatewayCookies(source.getAll(HttpHeaderNames.COOKIE));
		if (!cookies.isEmpty()) {
			target.add(HttpHeaderNames.COOKIE, cookies);
		}
	}

	/**
	 * Copies the upstream's response headers that may reach the client into {@code target}: no hop-by-hop header
	 * (nor any the upstream's Connection names), no {@code Proxy-*} or {@code X-SecureLink-*}, and no
	 * {@code Set-Cookie} for one of the gateway's own cookie names.
	 */
	static void copyResponse(HttpHeaders source, HttpHeaders target) {
		Set<String> named = connectionNamed(source.getAll(HttpHeaderNames.CONNECTION));
		List<String> cookies = source.contains(HttpHeaderNames.SET_COOKIE) ? source.getAll(HttpHeaderNames.SET_COOKIE)
				: List.of();
		boolean gatewayCookie = cookies.stream().anyMatch((cookie) -> isGatewayCookie(cookie.split("=", 2)[0].trim()));
		copyAll(source, target, (name) -> !isHopByHop(name) && !startsWith(name, "proxy-")
				&& !startsWith(name, "x-securelink-") && !isNamed(name, named)
				&& !(gatewayCookie && HttpHeaderNames.SET_COOKIE.contentEqualsIgnoreCase(name)));
		if (gatewayCookie) {
			for (String cookie : cookies) {
				if (!isGatewayCookie(cookie.split("=", 2)[0].trim())) {
					target.add(HttpHeaderNames.SET_COOKIE, cookie);
				}
			}
		}
	}

	/**
	 * Copies {@code source} into {@code target} as one block, then takes the names {@code passes} refuses out
	 * again, leaving what {@code target} had under them before (such as Reactor Netty's own
	 * {@code Transfer-Encoding}).
	 */
	private static void copyAll(HttpHeaders source, HttpHeaders target, Predicate<CharSequence> passes) {
		List<CharSequence> refused = new ArrayList<>(4);
		Iterator<Map.Entry<CharSequence, CharSequence>> headers = source.iteratorCharSequence();
		while (headers.hasNext()) {
			CharSequence name = headers.next().getKey();
			if (!passes.test(name)) {
				refused.add(name);
			}
		}
		List<List<String>> before = new ArrayList<>(refused.size());
		for (CharSequence name : refused) {
			before.add(target.getAll(name));
		}
		target.add(source);
		for (int i = 0; i < refused.size(); i++) {
			target.remove(refused.get(i));
			if (!before.get(i).isEmpty()) {
				target.add(refused.get(i), before.get(i));
			}
		}
	}

	private static boolean isHopByHop(CharSequence name) {
		for (AsciiString hop : HOP_BY_HOP) {
			if (hop.length() == name.length() && hop.contentEqualsIgnoreCase(name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean startsWith(CharSequence name, String lowerPrefix) {
		return name.length() >= lowerPrefix.length()
				&& AsciiString.regionMatches(name, true, 0, lowerPrefix, 0, lowerPrefix.length());
	}

	private static boolean isNamed(CharSequence name, Set<String> connectionNamed) {
		return !connectionNamed.isEmpty() && connectionNamed.contains(name.toString().toLowerCase(Locale.ROOT));
	}

	/**
	 * The header names a {@code Connection} header lists, lower case, without the hop-by-hop ones that are
	 * dropped anyway: for the common {@code Connection: keep-alive} that leaves nothing to look up per header.
	 */
	static Set<String> connectionNamed(List<String> connectionHeaders) {
		if (connectionHeaders.isEmpty()) {
			return Set.of();
		}
		Set<String> named = new HashSet<>();
		for (String value : connectionHeaders) {
			for (String token : value.split(",")) {
				String name = token.trim().toLowerCase(Locale.ROOT);
				if (!name.isEmpty() && !isHopByHop(name)) {
					named.add(name);
				}
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
