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

import dev.securelink.gateway.tracing.TraceHeaders;

/**
 * Which request headers cross the gateway, and the mechanics both directions share (the
 * answer's are {@link AnswerHeaders}): the one list, documented in docs/behaviour.md
 * ("The proxy hop"). Everything the client may not choose is stripped before the gateway
 * adds its own, so no request header (not even a {@code Connection} that names one) can
 * remove or forge what the gateway asserts.
 * <p>
 * Names are compared in lower case, and a client header whose name holds an underscore
 * never passes: CGI, WSGI, Rack, PHP and many frameworks read {@code X_SecureLink_Link}
 * and {@code X-SecureLink-Link} as the same header, so an underscore spelling could
 * otherwise slip an identity past every rule below (nginx drops them by default too).
 * <p>
 * Both directions copy the headers as one block and then take out what may not pass:
 * Netty copies headers it has already validated (the server's decoded request, the
 * client's decoded response, both validating) without validating and hashing every name
 * again, which per header was most of a proxied request's header work.
 */
final class ProxyHeaders {

	/**
	 * RFC 9110 7.6.1 hop-by-hop headers, plus the legacy ones proxies still meet; lower
	 * case.
	 */
	static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "te", "trailer", "transfer-encoding",
			"upgrade", "proxy-connection", "proxy-authenticate", "proxy-authorization");

	/**
	 * Request headers no client may send to the upstream, beyond the hop-by-hop ones: the
	 * gateway's own (it sets Host, the forwarding headers and the identity itself;
	 * cookies pass filtered), credentials for the gateway, and the headers common stacks
	 * believe about the request's path, method or client address.
	 */
	private static final Set<String> REFUSED_FROM_CLIENT = Set.of("host", "authorization", "cookie", "forwarded",
			// path and host overrides (IIS, Symfony, Laravel, Zend, nginx auth_request,
			// Apache rewrites)
			"x-original-url", "x-rewrite-url", "x-original-uri", "x-original-path", "x-override-url", "x-host",
			"x-original-host", "x-http-host-override",
			// method overrides (Rails, Express method-override, Spring's
			// HiddenHttpMethodFilter kin, Google APIs)
			"x-http-method-override", "x-http-method", "x-method-override", "x-original-method",
			// client address as told by CDNs and load balancers
			"x-real-ip", "true-client-ip", "x-client-ip", "client-ip", "cf-connecting-ip", "cf-connecting-ipv6",
			"fastly-client-ip", "x-cluster-client-ip", "x-originating-ip", "x-remote-ip", "x-remote-addr",
			"x-proxyuser-ip", "x-azure-clientip", "x-azure-socketip", "akamai-client-ip", "x-appengine-user-ip",
			"x-original-forwarded-for");

	/**
	 * Request header name prefixes no client may send: the gateway's, the forwarding
	 * family and Envoy's.
	 */
	private static final String[] REFUSED_PREFIXES_FROM_CLIENT = { "proxy-", "x-securelink-", "x-forwarded-",
			"x-envoy-" };

	// The names the gateway sets on every proxied request, as AsciiStrings: Netty hashes
	// a String name each time.

	static final AsciiString LINK = AsciiString.cached("X-SecureLink-Link");

	static final AsciiString TENANT = AsciiString.cached("X-SecureLink-Tenant");

	static final AsciiString RIGHTS = AsciiString.cached("X-SecureLink-Rights");

	static final AsciiString ASSERTION = AsciiString.cached("X-SecureLink-Assertion");

	static final AsciiString FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");

	static final AsciiString FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");

	static final AsciiString FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");

	private ProxyHeaders() {
	}

	/**
	 * Copies the client's headers that may reach the upstream into {@code target}: none
	 * of the refused names or prefixes above, no name with an underscore, none that the
	 * client's Connection names, no trace context of any format (the gateway sends its
	 * own, while it traces), and its cookies without the gateway's own. Even a trusted
	 * proxy's forwarding headers stay out: the gateway sends its own view
	 * ({@code X-Forwarded-For} with a trusted proxy's chain, {@code -Proto} and
	 * {@code -Host}, already on {@code target}, always stay). The client's
	 * {@code User-Agent} and {@code Accept} replace Reactor Netty's defaults instead of
	 * joining them.
	 */
	static void copyRequest(HttpHeaders source, HttpHeaders target) {
		copyRequest(source, target, false);
	}

	/**
	 * The same for a document on its own host ({@code ownHost}): of the cookies, only the
	 * document's own pass ({@link #DOCUMENT_COOKIE}, under the name the upstream gave
	 * them), so that a cookie another document set for the parent domain never reaches
	 * it.
	 */
	static void copyRequest(HttpHeaders source, HttpHeaders target, boolean ownHost) {
		target.remove(HttpHeaderNames.USER_AGENT).remove(HttpHeaderNames.ACCEPT);
		Set<String> named = connectionNamed(source.getAll(HttpHeaderNames.CONNECTION));
		copyAll(source, target, (name) -> {
			String lower = lower(name);
			return lower.indexOf('_') < 0 && !HOP_BY_HOP.contains(lower) && !REFUSED_FROM_CLIENT.contains(lower)
					&& !startsWithAny(lower, REFUSED_PREFIXES_FROM_CLIENT) && !named.contains(lower)
					&& !TraceHeaders.isTraceHeader(lower);
		});
		List<String> lines = source.getAll(HttpHeaderNames.COOKIE);
		String cookies = ownHost ? documentCookies(lines) : withoutGatewayCookies(lines);
		if (!cookies.isEmpty()) {
			target.add(HttpHeaderNames.COOKIE, cookies);
		}
	}

	/**
	 * Copies {@code source} into {@code target} as one block, then takes the names
	 * {@code passes} refuses out again, leaving what {@code target} had under them before
	 * (such as Reactor Netty's own {@code Transfer-Encoding}).
	 */
	static void copyAll(HttpHeaders source, HttpHeaders target, Predicate<CharSequence> passes) {
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

	/**
	 * Lower case ({@link String#toLowerCase} answers the same instance when nothing
	 * changes).
	 */
	static String lower(CharSequence name) {
		return name.toString().toLowerCase(Locale.ROOT);
	}

	static boolean startsWithAny(String lower, String[] prefixes) {
		for (String prefix : prefixes) {
			if (lower.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The header names a {@code Connection} header lists, lower case, without the
	 * hop-by-hop ones that are dropped anyway: for the common
	 * {@code Connection: keep-alive} that leaves nothing to look up per header.
	 */
	static Set<String> connectionNamed(List<String> connectionHeaders) {
		if (connectionHeaders.isEmpty()) {
			return Set.of();
		}
		Set<String> named = new HashSet<>();
		for (String value : connectionHeaders) {
			for (String token : value.split(",")) {
				String name = token.trim().toLowerCase(Locale.ROOT);
				if (!name.isEmpty() && !HOP_BY_HOP.contains(name)) {
					named.add(name);
				}
			}
		}
		return named;
	}

	/**
	 * Whether a cookie name is one of the gateway's own (sessions and the form nonce), in
	 * any case: browsers treat the {@code __Host-} prefix without regard to case.
	 */
	static boolean isGatewayCookie(String name) {
		return name.regionMatches(true, 0, "__Host-sl", 0, 9);
	}

	/**
	 * The prefix of the cookies an upstream sets on a document's own host, as the browser
	 * holds them: a {@code __Host-} cookie cannot be set for a parent domain, so no other
	 * document can plant one ({@link AnswerHeaders#documentCookie}).
	 */
	static final String DOCUMENT_COOKIE = "__Host-doc-";

	/** The document's own cookies, under the names the upstream gave them. */
	private static String documentCookies(List<String> headers) {
		StringJoiner kept = new StringJoiner("; ");
		for (String header : headers) {
			for (String pair : header.split(";")) {
				String trimmed = pair.trim();
				if (trimmed.startsWith(DOCUMENT_COOKIE) && trimmed.indexOf('=') > DOCUMENT_COOKIE.length()) {
					kept.add(trimmed.substring(DOCUMENT_COOKIE.length()));
				}
			}
		}
		return kept.toString();
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
