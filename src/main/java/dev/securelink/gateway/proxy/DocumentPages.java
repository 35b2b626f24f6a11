package dev.securelink.gateway.proxy;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.securelink.gateway.web.PageWriter;
import dev.securelink.gateway.web.Pages;

/**
 * The gateway's pages for the document space. {@link DocumentRoute} serves {@code /d/**} ahead of WebFlux and
 * hands a request over only to answer it with a page it names on the connection; this filter writes that page, in
 * the visitor's language and with the headers and access log line of every other page. A {@code /d/} request that
 * reaches WebFlux without one (a request target in absolute form, which the route does not take) is refused as an
 * address that is not valid, so nothing under {@code /d/} is ever answered any other way.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class DocumentPages implements WebFilter {

	private final PageWriter pages;

	DocumentPages(PageWriter pages) {
		this.pages = pages;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().startsWith(DocumentRoute.PREFIX)) {
			return chain.filter(exchange);
		}
		Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
		DocumentRoute.Page page = (request instanceof Connection connection)
				? connection.channel().attr(DocumentRoute.PAGE).getAndSet(null) : null;
		if (page == null) {
			page = new DocumentRoute.Page(HttpStatus.BAD_REQUEST, "badpath");
		}
		HttpStatus status = page.status();
		return this.pages.write(exchange, Pages.message(status, page.kind(), (headers) -> {
			if (status == HttpStatus.METHOD_NOT_ALLOWED) {
				headers.set(HttpHeaders.ALLOW, DocumentRoute.ALLOW);
			}
			else if (status == HttpStatus.TOO_MANY_REQUESTS) {
				headers.set(HttpHeaders.RETRY_AFTER, "1");
			}
		}));
	}

}
