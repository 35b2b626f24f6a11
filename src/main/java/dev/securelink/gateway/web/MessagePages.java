package dev.securelink.gateway.web;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The one writer of the gateway's message pages. Every {@link PageKind} in every language
 * is rendered once, at start-up (which is also what keeps templates and message bundles
 * from ever being read on an event loop); a request only picks the bytes. The document
 * route writes them on Reactor Netty's response, the WebFlux handlers and filters as a
 * response of their own: the same bytes, status and page marker either way, and the
 * connection's security headers on both. Only the e-mail prompt, which carries a form
 * token, is rendered per request.
 */
@Component
public class MessagePages {

	private static final String HTML = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8";

	private final Map<PageKind, Map<String, byte[]>> bodies = new EnumMap<>(PageKind.class);

	MessagePages(ITemplateEngine templates) {
		List<String> languages = PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList();
		for (PageKind kind : PageKind.values()) {
			Map<String, byte[]> byLanguage = new HashMap<>();
			for (Locale locale : PageLocales.SUPPORTED) {
				String html = templates.process("message",
						new Context(locale, Map.of("kind", kind.id(), "languages", languages)));
				byLanguage.put(locale.getLanguage(), html.getBytes(StandardCharsets.UTF_8));
			}
			this.bodies.put(kind, Map.copyOf(byLanguage));
		}
	}

	/**
	 * The page's bytes in {@code locale} (one of {@link PageLocales#SUPPORTED}; anything
	 * else, or none, as on the management port, is English).
	 */
	public byte[] body(PageKind kind, @Nullable Locale locale) {
		Map<String, byte[]> byLanguage = Objects.requireNonNull(this.bodies.get(kind), "rendered at start-up");
		byte[] english = Objects.requireNonNull(byLanguage.get(Locale.ENGLISH.getLanguage()), "rendered at start-up");
		return (locale != null) ? byLanguage.getOrDefault(locale.getLanguage(), english) : english;
	}

	/**
	 * The page as a handler function's answer, in the request's language, with
	 * {@code extra} headers.
	 */
	public Mono<ServerResponse> response(ServerRequest request, PageKind kind, Map<String, String> extra) {
		byte[] body = body(kind, request.exchange().getLocaleContext().getLocale());
		return ServerResponse.status(kind.status())
			.header(HttpHeaders.CONTENT_TYPE, HTML)
			.header(Pages.MARK, kind.id())
			.headers((headers) -> extra.forEach(headers::set))
			.bodyValue(body);
	}

	public Mono<ServerResponse> response(ServerRequest request, PageKind kind) {
		return response(request, kind, Map.of());
	}

	/**
	 * Writes the page on a WebFlux exchange, for code that runs ahead of the dispatcher.
	 */
	public Mono<Void> write(ServerWebExchange exchange, PageKind kind) {
		byte[] body = body(kind, exchange.getLocaleContext().getLocale());
		exchange.getResponse().setStatusCode(kind.status());
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.set(HttpHeaders.CONTENT_TYPE, HTML);
		headers.set(Pages.MARK, kind.id());
		headers.setContentLength(body.length);
		return exchange.getResponse()
			.writeWith(Mono.fromSupplier(() -> exchange.getResponse().bufferFactory().wrap(body)));
	}

	/** Writes the page on Reactor Netty's response directly, for the document route. */
	public Mono<Void> write(HttpServerResponse response, PageKind kind, Locale locale, Map<String, String> extra) {
		byte[] body = body(kind, locale);
		response.status(kind.status().value())
			.header(HttpHeaders.CONTENT_TYPE, HTML)
			.header(Pages.MARK, kind.id())
			.header(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length));
		extra.forEach(response::header);
		return response.sendObject(Unpooled.wrappedBuffer(body)).then();
	}

}
