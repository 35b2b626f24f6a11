package dev.securelink.gateway.web;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;

/** Writes a gateway page from code that runs ahead of WebFlux's dispatcher, such as the document space's pages. */
@Component
public class PageWriter implements ServerResponse.Context {

	private final ServerCodecConfigurer codecs;

	private final List<ViewResolver> viewResolvers;

	PageWriter(ServerCodecConfigurer codecs, List<ViewResolver> viewResolvers) {
		this.codecs = codecs;
		this.viewResolvers = viewResolvers;
	}

	public Mono<Void> write(ServerWebExchange exchange, Mono<ServerResponse> page) {
		return page.flatMap((response) -> response.writeTo(exchange, this));
	}

	@Override
	public List<HttpMessageWriter<?>> messageWriters() {
		return this.codecs.getWriters();
	}

	@Override
	public List<ViewResolver> viewResolvers() {
		return this.viewResolvers;
	}

}
