package dev.securelink.gateway.admin;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Serves the OpenAPI document off the event loops: springdoc builds it under a lock (at
 * start-up, in the background), and a request that arrives meanwhile waits for that lock.
 * On a bounded-elastic thread that wait blocks nothing else.
 */
@Component
class OpenApiOffEventLoop implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (exchange.getRequest().getPath().value().startsWith("/v3/api-docs")) {
			return chain.filter(exchange).subscribeOn(Schedulers.boundedElastic());
		}
		return chain.filter(exchange);
	}

}
