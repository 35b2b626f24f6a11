package dev.securelink.gateway.access;

import java.util.Iterator;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.paths.GatewayPaths;

/**
 * A link GET that {@link LinkRoute} may serve ahead of WebFlux: {@code GET /l/{code}} or
 * {@code /l/{code}/sign|pay}, the code of base64url characters, at most a {@code lang}
 * query, and no control character in any header value. Anything else is left to WebFlux,
 * whose firewall, router and pages apply as on every other path.
 *
 * @param code the path's code, as typed (its shape is the decision's to check)
 * @param action the right the path asks for
 * @param language the {@code lang} the query chose, or null
 */
record PlainLinkGet(String code, Right action, @Nullable String language) {

	private static final int MAX_CODE = 128;

	private static final String LANG = "lang=";

	/** {@code request} read as a plain link GET, or null when it is none. */
	static @Nullable PlainLinkGet of(HttpServerRequest request) {
		if (!HttpMethod.GET.equals(request.method()) || !plainValues(request.requestHeaders())) {
			return null;
		}
		return of(request.uri());
	}

	/**
	 * The code, action and {@code lang} of a plain link GET's {@code uri}; null for any
	 * other spelling (an escape, a dot, another segment or query).
	 */
	static @Nullable PlainLinkGet of(String uri) {
		if (!uri.startsWith(GatewayPaths.LINK)) {
			return null;
		}
		int query = uri.indexOf('?');
		String path = (query < 0) ? uri : uri.substring(0, query);
		int start = GatewayPaths.LINK.length();
		int end = start;
		while (end < path.length() && end - start <= MAX_CODE && codeCharacter(path.charAt(end))) {
			end++;
		}
		if (end == start || end - start > MAX_CODE) {
			return null;
		}
		Right action = switch (path.substring(end)) {
			case "" -> Right.VIEW;
			case "/sign" -> Right.SIGN;
			case "/pay" -> Right.PAY;
			default -> null;
		};
		if (action == null) {
			return null;
		}
		String language = null;
		if (query >= 0) {
			String parameters = uri.substring(query + 1);
			if (!parameters.startsWith(LANG) || parameters.length() > LANG.length() + 16
					|| !parameters.substring(LANG.length()).chars().allMatch(PlainLinkGet::languageCharacter)) {
				return null;
			}
			language = parameters.substring(LANG.length());
		}
		return new PlainLinkGet(path.substring(start, end), action, language);
	}

	/**
	 * Whether no header value holds a control character (a tab, a byte of 0x7F to 0x9F
	 * read as ISO-8859-1): Spring Security's firewall refuses those, so such a request is
	 * left to it.
	 */
	static boolean plainValues(HttpHeaders headers) {
		Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
		while (entries.hasNext()) {
			CharSequence value = entries.next().getValue();
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
					return false;
				}
			}
		}
		return true;
	}

	private static boolean codeCharacter(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
	}

	private static boolean languageCharacter(int c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
	}

}
