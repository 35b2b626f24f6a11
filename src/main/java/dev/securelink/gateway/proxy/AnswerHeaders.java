package dev.securelink.gateway.proxy;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * What of the upstream's answer head reaches the visitor: its headers filtered
 * ({@link #copy}), caching made private, a redirect only inside the document or to an
 * allowed host ({@link #rewriteLocation}, {@link #rewriteRefresh}), and never a frame.
 * The other security headers are the connection's, the same as on the gateway's pages.
 */
final class AnswerHeaders {

	/**
	 * Response headers the upstream may not send the visitor, beyond the hop-by-hop ones.
	 */
	private static final Set<String> REFUSED = Set.of("clear-site-data");

	private static final String[] REFUSED_PREFIXES = { "proxy-", "x-securelink-" };

	private static final AsciiString X_FRAME_OPTIONS = AsciiString.cached("X-Frame-Options");

	static final AsciiString REFRESH = AsciiString.cached("Refresh");

	/**
	 * A document's content on the gateway's shared origin runs in an opaque origin: its
	 * scripts cannot read the gateway's pages or other documents, and what it submits
	 * carries {@code Origin: null}, which the same-origin rule refuses. Inert types are
	 * left alone (Chromium's PDF viewer refuses to run sandboxed), and so is the HTML of
	 * the sign and pay pages, whose forms must post from the gateway's origin.
	 */
	static final String SANDBOX = "sandbox allow-scripts allow-forms allow-popups allow-downloads";

	/** Content types no browser runs script in (with {@code nosniff}, always sent). */
	private static final Set<String> INERT = Set.of("application/pdf", "image/png", "image/jpeg", "image/gif",
			"image/webp", "image/avif", "text/plain", "text/csv", "application/json", "application/octet-stream",
			"application/zip");

	private final List<String> allowedRedirectHosts;

	AnswerHeaders(List<String> allowedRedirectHosts) {
		this.allowedRedirectHosts = allowedRedirectHosts;
	}

	/**
	 * Writes the upstream's answer head on {@code target}, the visitor's response
	 * headers, for {@code proxied} sent as {@code requested} (an absolute upstream URL)
	 * to the document at {@code documentBase} (its upstream path). Answers false, writing
	 * nothing, when the answer redirects where it may not go.
	 */
	boolean write(HttpHeaders source, HttpHeaders target, String requested, String documentBase,
			ProxiedRequest proxied) {
		String location = source.get(HttpHeaderNames.LOCATION);
		String rewritten = (location != null) ? rewriteLocation(location, requested, documentBase, proxied.linkBase())
				: null;
		String refresh = source.get(REFRESH);
		String rewrittenRefresh = (refresh != null)
				? rewriteRefresh(refresh, requested, documentBase, proxied.linkBase()) : null;
		if ((location != null && rewritten == null) || (refresh != null && rewrittenRefresh == null)) {
			return false;
		}
		copy(source, target, proxied.host() != null);
		if (rewritten != null) {
			target.set(HttpHeaderNames.LOCATION, rewritten);
		}
		if (rewrittenRefresh != null) {
			target.set(REFRESH, rewrittenRefresh);
		}
		target.set(X_FRAME_OPTIONS, "DENY");
		target.set(HttpHeaderNames.CONTENT_SECURITY_POLICY,
				framedNowhere(source.get(HttpHeaderNames.CONTENT_SECURITY_POLICY)));
		if (proxied.shared() && sandboxed(source.getAll(HttpHeaderNames.CONTENT_TYPE), proxied.actionPage())) {
			// A second policy: browsers enforce both.
			target.add(HttpHeaderNames.CONTENT_SECURITY_POLICY, SANDBOX);
		}
		String setCookie = proxied.setCookie();
		if (setCookie != null) {
			target.add(HttpHeaderNames.SET_COOKIE, setCookie);
		}
		return true;
	}

	/**
	 * Whether an answer with {@code contentTypes} (its {@code Content-Type} lines) gets
	 * the sandbox: unless it has one type, and that one is inert, or HTML of an action
	 * page. Anything else (no type, several, an unknown one, a list) may run script.
	 */
	static boolean sandboxed(List<String> contentTypes, boolean actionPage) {
		if (contentTypes.size() != 1 || contentTypes.get(0).indexOf(',') >= 0) {
			return true;
		}
		String contentType = contentTypes.get(0);
		int semicolon = contentType.indexOf(';');
		String type = ((semicolon < 0) ? contentType : contentType.substring(0, semicolon)).trim()
			.toLowerCase(Locale.ROOT);
		return !(INERT.contains(type) || (actionPage && type.equals("text/html")));
	}

	/**
	 * Copies the upstream's response headers that may reach the client into
	 * {@code target}: no hop-by-hop header (nor any the upstream's Connection names), no
	 * {@code Proxy-*}, {@code X-SecureLink-*} or {@code Clear-Site-Data}; no
	 * {@code Set-Cookie} for one of the gateway's own cookie names or with a
	 * {@code Domain} (a session's content may set cookies for this origin only); and
	 * {@code Cache-Control} made private, since everything behind a session is one
	 * visitor's.
	 */
	static void copy(HttpHeaders source, HttpHeaders target, boolean ownHost) {
		Set<String> named = ProxyHeaders.connectionNamed(source.getAll(HttpHeaderNames.CONNECTION));
		List<String> cookies = source.contains(HttpHeaderNames.SET_COOKIE) ? source.getAll(HttpHeaderNames.SET_COOKIE)
				: List.of();
		// On a document's own host every cookie is renamed, so each is written again.
		boolean refusedCookie = (ownHost && !cookies.isEmpty())
				|| cookies.stream().anyMatch(AnswerHeaders::isRefusedSetCookie);
		String privateCache = source.contains(HttpHeaderNames.CACHE_CONTROL)
				? privateCacheControl(source.getAll(HttpHeaderNames.CACHE_CONTROL)) : null;
		boolean cacheRewritten = privateCache != null;
		ProxyHeaders.copyAll(source, target, (name) -> {
			String lower = ProxyHeaders.lower(name);
			return !ProxyHeaders.HOP_BY_HOP.contains(lower) && !REFUSED.contains(lower)
					&& !ProxyHeaders.startsWithAny(lower, REFUSED_PREFIXES) && !named.contains(lower)
					&& !(refusedCookie && lower.equals("set-cookie"))
					&& !(cacheRewritten && lower.equals("cache-control"));
		});
		if (refusedCookie) {
			for (String cookie : cookies) {
				if (!isRefusedSetCookie(cookie)) {
					target.add(HttpHeaderNames.SET_COOKIE, ownHost ? documentCookie(cookie) : cookie);
				}
			}
		}
		if (cacheRewritten) {
			target.set(HttpHeaderNames.CACHE_CONTROL, privateCache);
		}
	}

	/**
	 * An upstream's cookie for a document's own host as the browser gets it: named
	 * {@code __Host-doc-{name}}, {@code Secure} and {@code Path=/} (what the prefix
	 * requires; the request's copy takes the prefix off again), its other attributes
	 * kept. A document's script or another document can set no cookie of that name for a
	 * parent domain, so none reaches the document's service.
	 */
	static String documentCookie(String setCookie) {
		String[] parts = setCookie.split(";");
		StringBuilder cookie = new StringBuilder(ProxyHeaders.DOCUMENT_COOKIE).append(parts[0].trim());
		for (int i = 1; i < parts.length; i++) {
			String attribute = parts[i].trim();
			int equals = attribute.indexOf('=');
			String name = ((equals >= 0) ? attribute.substring(0, equals) : attribute).trim();
			if (!attribute.isEmpty() && !name.equalsIgnoreCase("path") && !name.equalsIgnoreCase("secure")) {
				cookie.append("; ").append(attribute);
			}
		}
		return cookie.append("; Path=/; Secure").toString();
	}

	/**
	 * The upstream's {@code Cache-Control} with {@code public} turned into
	 * {@code private} and {@code s-maxage} removed, as one value; null when it has
	 * neither (it passes unchanged).
	 */
	static @Nullable String privateCacheControl(List<String> values) {
		StringJoiner kept = new StringJoiner(", ");
		boolean changed = false;
		boolean isPrivate = false;
		for (String value : values) {
			for (String directive : value.split(",")) {
				String trimmed = directive.trim();
				String lower = trimmed.toLowerCase(Locale.ROOT);
				if (lower.equals("public") || lower.startsWith("s-maxage")) {
					changed = true;
				}
				else if (!trimmed.isEmpty()) {
					isPrivate |= lower.equals("private") || lower.startsWith("private=");
					kept.add(trimmed);
				}
			}
		}
		if (!changed) {
			return null;
		}
		return isPrivate ? kept.toString() : (kept.length() == 0) ? "private" : "private, " + kept;
	}

	/**
	 * A {@code Set-Cookie} the visitor must never get: one of the gateway's names, or any
	 * {@code Domain}.
	 */
	static boolean isRefusedSetCookie(String setCookie) {
		String[] parts = setCookie.split(";");
		String pair = parts[0].trim();
		int equals = pair.indexOf('=');
		if (ProxyHeaders.isGatewayCookie((equals >= 0) ? pair.substring(0, equals).trim() : pair)) {
			return true;
		}
		for (int i = 1; i < parts.length; i++) {
			String attribute = parts[i].trim();
			int attributeEquals = attribute.indexOf('=');
			String name = (attributeEquals >= 0) ? attribute.substring(0, attributeEquals).trim() : attribute;
			if (name.equalsIgnoreCase("domain")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The upstream's policy with its {@code frame-ancestors} replaced by {@code 'none'};
	 * the rest of it stays.
	 */
	static String framedNowhere(@Nullable String policy) {
		if (policy == null || policy.isBlank()) {
			return "frame-ancestors 'none'";
		}
		StringBuilder kept = new StringBuilder();
		for (String directive : policy.split(";")) {
			String trimmed = directive.trim();
			if (!trimmed.isEmpty() && !trimmed.toLowerCase(Locale.ROOT).startsWith("frame-ancestors")) {
				kept.append(trimmed).append("; ");
			}
		}
		return kept.append("frame-ancestors 'none'").toString();
	}

	/**
	 * Where a redirect may send the visitor: inside this document (rewritten to
	 * {@code /d/{linkId}/…}), to an allowed host (unchanged), or nowhere (null).
	 */
	@Nullable String rewriteLocation(String location, String requested, String documentBase, String linkBase) {
		URI request;
		URI target;
		try {
			request = URI.create(requested);
			target = request.resolve(location.trim());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		boolean sameOrigin = request.getScheme().equalsIgnoreCase(target.getScheme())
				&& request.getAuthority().equalsIgnoreCase(target.getAuthority());
		if (sameOrigin) {
			String path = target.getRawPath();
			if (path.equals(documentBase) || path.startsWith(documentBase + "/")) {
				String rest = path.substring(documentBase.length());
				String query = (target.getRawQuery() != null) ? "?" + target.getRawQuery() : "";
				return linkBase + (rest.startsWith("/") ? rest.substring(1) : rest) + query;
			}
			return null;
		}
		String host = target.getHost();
		boolean allowed = host != null && "https".equalsIgnoreCase(target.getScheme())
				&& this.allowedRedirectHosts.stream().anyMatch(host::equalsIgnoreCase);
		return allowed ? location : null;
	}

	/**
	 * {@code Refresh} ({@code <seconds>[; url=<target>]}, the header form of a meta
	 * refresh) under the rules of {@link #rewriteLocation}: a bare delay reloads the same
	 * page and passes; a target is rewritten or allowed as a redirect would be; anything
	 * else, or anything unreadable, is refused (null).
	 */
	@Nullable String rewriteRefresh(String refresh, String requested, String documentBase, String linkBase) {
		int separator = indexOfAny(refresh, ";,");
		String delay = ((separator < 0) ? refresh : refresh.substring(0, separator)).trim();
		if (delay.isEmpty() || !delay.chars().allMatch((c) -> (c >= '0' && c <= '9') || c == '.')) {
			return null;
		}
		if (separator < 0 || refresh.substring(separator + 1).isBlank()) {
			return delay;
		}
		String target = refresh.substring(separator + 1).trim();
		if (target.regionMatches(true, 0, "url", 0, 3)) {
			String afterName = target.substring(3).trim();
			if (!afterName.startsWith("=")) {
				return null;
			}
			target = afterName.substring(1).trim();
		}
		if (target.length() >= 2 && (target.charAt(0) == '\'' || target.charAt(0) == '"')
				&& target.charAt(target.length() - 1) == target.charAt(0)) {
			target = target.substring(1, target.length() - 1);
		}
		String rewritten = rewriteLocation(target, requested, documentBase, linkBase);
		return (rewritten != null) ? delay + "; url=" + rewritten : null;
	}

	private static int indexOfAny(String value, String characters) {
		for (int i = 0; i < value.length(); i++) {
			if (characters.indexOf(value.charAt(i)) >= 0) {
				return i;
			}
		}
		return -1;
	}

}
