package dev.securelink.gateway.edge;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.paths.RequestPaths;

/**
 * Answers what Spring Security's firewall refuses (encoded slashes and dots, {@code //},
 * {@code ;}, control characters, methods outside the standard ones) like any other
 * malformed address: under the link flow the same "this link does not work" page as an
 * unknown code, so that a mangled link says no more than a wrong one; on the admin API a
 * problem detail; elsewhere the "address not valid" page. Spring Security uses this bean
 * for its one {@code WebFilterChainProxy}, which every WebFlux request passes.
 */
@Component
class RejectedRequests implements ServerExchangeRejectedHandler {

	private static final String PROBLEM = """
			{"type":"about:blank","title":"Bad Request","status":400,"detail":"The request URL or method is not valid."}""";

	private final MessagePages pages;

	RejectedRequests(MessagePages pages) {
		this.pages = pages;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException ex) {
		String path = exchange.getRequest().getPath().value();
		if (RequestPaths.isLink(path)) {
			return this.pages.write(exchange, PageKind.NOT_FOUND);
		}
		if (RequestPaths.isAdmin(path)) {
			byte[] problem = PROBLEM.getBytes(StandardCharsets.UTF_8);
			exchange.getResponse().setStatusCode(HttpStatus.BAD_REQUEST);
			exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
			return exchange.getResponse()
				.writeWith(Mono.fromCallable(() -> exchange.getResponse().bufferFactory().wrap(problem)));
		}
		return this.pages.write(exchange, PageKind.BAD_PATH);
	}

}
