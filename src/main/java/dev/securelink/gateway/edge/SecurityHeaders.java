package dev.securelink.gateway.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.GatewayProperties;

/**
 * The security headers of every response the public listener sends, errors included:
 * {@link EdgeHandler} sets them on each response head as Netty writes it, so no handler,
 * error path, upstream answer or refusal of Netty's own (400, 413, 414, 431) can leave
 * them out or weaken them.
 */
@Component
public class SecurityHeaders {

	/**
	 * The gateway's own pages load nothing but their stylesheet from {@code /_gw/}; their
	 * forms post to themselves, whose answer may redirect to a document's own origin
	 * (browsers apply {@code form-action} to the redirect too).
	 */
	static String pagePolicy(DocumentOrigins origins) {
		return "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'"
				+ (origins.separate() ? " " + origins.wildcard() : "") + "; frame-ancestors 'none'; base-uri 'none'";
	}

	/** Set on every response, over any value it has. */
	private final List<Map.Entry<AsciiString, String>> always;

	/**
	 * Set on a response that has no such header (a proxied document may bring its own).
	 */
	private final List<Map.Entry<AsciiString, String>> unlessPresent;

	SecurityHeaders(GatewayProperties properties, DocumentOrigins origins) {
		this.unlessPresent = List.of(Map.entry(AsciiString.cached("Content-Security-Policy"), pagePolicy(origins)),
				Map.entry(AsciiString.cached("Cache-Control"), "no-store"));
		List<Map.Entry<AsciiString, String>> always = new ArrayList<>(
				List.of(Map.entry(AsciiString.cached("Referrer-Policy"), "no-referrer"),
						Map.entry(AsciiString.cached("X-Content-Type-Options"), "nosniff")));
		if ("https".equalsIgnoreCase(properties.publicBaseUrl().getScheme())) {
			always
				.add(Map.entry(AsciiString.cached("Strict-Transport-Security"), "max-age=31536000; includeSubDomains"));
		}
		this.always = List.copyOf(always);
	}

	/**
	 * Sets the gateway's headers on a response about to be sent, over whatever weaker
	 * values it has.
	 */
	public void apply(HttpHeaders headers) {
		for (Map.Entry<AsciiString, String> header : this.always) {
			headers.set(header.getKey(), header.getValue());
		}
		for (Map.Entry<AsciiString, String> header : this.unlessPresent) {
			if (!headers.contains(header.getKey())) {
				headers.set(header.getKey(), header.getValue());
			}
		}
	}

}
