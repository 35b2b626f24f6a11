package dev.securelink.gateway.proxy;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageKind;

/**
 * A {@code /d/} request that reaches WebFlux at all (a request target in absolute form,
 * which the document route does not take, or the management port) is refused as an
 * address that is not valid: nothing under {@code /d/} is ever answered any other way
 * than by {@link DocumentRoute}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class DocumentPages implements WebFilter {

	private final MessagePages pages;

	DocumentPages(MessagePages pages) {
		this.pages = pages;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().startsWith(DocumentRequest.PREFIX)) {
			return chain.filter(exchange);
		}
		return this.pages.write(exchange, PageKind.BAD_PATH);
	}

}
