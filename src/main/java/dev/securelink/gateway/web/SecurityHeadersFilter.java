package dev.securelink.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.netty.util.AsciiString;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.securelink.gateway.GatewayProperties;

/**
 * Security headers on every response of the gateway, errors included: set just before the response commits, so
 * no handler, error path or upstream answer can leave them out or weaken them. The document route, which answers
 * ahead of WebFlux, applies the same {@link #apply headers}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class SecurityHeadersFilter implements WebFilter {

	/** The gateway's own pages load nothing but their stylesheet from {@code /_gw/}. */
	static final String PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
			+ "frame-ancestors 'none'; base-uri 'none'";

	/** Set on every response, over any value it has. */
	private final List<Map.Entry<AsciiString, String>> always;

	/** Set on a response that has no such header (a proxied document may bring its own). */
	private static final List<Map.Entry<AsciiString, String>> UNLESS_PRESENT = List.of(
			Map.entry(AsciiString.cached("Content-Security-Policy"), PAGE_POLICY),
			Map.entry(AsciiString.cached("Cache-Control"), "no-store"));

	SecurityHeadersFilter(GatewayProperties properties) {
		List<Map.Entry<AsciiString, String>> always = new ArrayList<>(List.of(
				Map.entry(AsciiString.cached("Referrer-Policy"), "no-referrer"),
				Map.entry(AsciiString.cached("X-Content-Type-Options"), "nosniff")));
		if ("https".equalsIgnoreCase(properties.publicBaseUrl().getScheme())) {
			always.add(Map.entry(AsciiString.cached("Strict-Transport-Security"),
					"max-age=31536000; includeSubDomains"));
		}
		this.always = List.copyOf(always);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		exchange.getResponse().beforeCommit(() -> {
			apply(exchange.getResponse().getHeaders());
			return Mono.empty();
		});
		return chain.filter(exchange);
	}

	/** Sets the gateway's headers on a response about to be sent, over whatever weaker values it has. */
	public void apply(HttpHeaders headers) {
		apply((name, value) -> headers.set(name.toString(), value), (name) -> headers.containsHeader(name.toString()));
	}

	/** The same on Netty's headers, for the document route: it answers ahead of WebFlux, on every request. */
	public void apply(io.netty.handler.codec.http.HttpHeaders headers) {
		apply(headers::set, headers::contains);
	}

	private void apply(BiConsumer<AsciiString, String> set, Predicate<AsciiString> present) {
		for (Map.Entry<AsciiString, String> header : this.always) {
			set.accept(header.getKey(), header.getValue());
		}
		for (Map.Entry<AsciiString, String> header : UNLESS_PRESENT) {
			if (!present.test(header.getKey())) {
				set.accept(header.getKey(), header.getValue());
			}
		}
	}

}
