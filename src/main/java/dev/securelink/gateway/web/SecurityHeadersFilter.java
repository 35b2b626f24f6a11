package dev.securelink.gateway.web;

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

	private final boolean https;

	SecurityHeadersFilter(GatewayProperties properties) {
		this.https = "https".equalsIgnoreCase(properties.publicBaseUrl().getScheme());
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
		headers.set("Referrer-Policy", "no-referrer");
		headers.set("X-Content-Type-Options", "nosniff");
		if (!headers.containsHeader("Content-Security-Policy")) {
			headers.set("Content-Security-Policy", PAGE_POLICY);
		}
		if (!headers.containsHeader(HttpHeaders.CACHE_CONTROL)) {
			headers.setCacheControl("no-store");
		}
		if (this.https) {
			headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
		}
	}

}
