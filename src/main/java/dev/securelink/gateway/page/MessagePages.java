package dev.securelink.gateway.page;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;
import org.springframework.context.MessageSource;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * The one writer of the gateway's message pages. Every {@link PageKind} in every language
 * is rendered once, at start-up (which is also what keeps templates and message bundles
 * from ever being read on an event loop); a request only picks the bytes. The document
 * route writes them on Reactor Netty's response, the WebFlux handlers and filters as a
 * response of their own: the same bytes, status and page marker either way, and the
 * connection's security headers on both. The pages that carry a form are
 * {@link FormPages}.
 */
@Component
public class MessagePages {

	private static final String HTML = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8";

	private final Map<PageKind, Map<String, byte[]>> bodies = new EnumMap<>(PageKind.class);

	/** The same, as RFC 9457 problem details, for API clients. */
	private final Map<PageKind, Map<String, byte[]>> problems = new EnumMap<>(PageKind.class);

	/** Pages answered, by page and status: the gateway's own outcomes. */
	private final Map<PageKind, Counter> answered = new EnumMap<>(PageKind.class);

	MessagePages(ITemplateEngine templates, MessageSource messages, JsonMapper json, MeterRegistry meters) {
		for (PageKind kind : PageKind.values()) {
			this.answered.put(kind,
					Counter.builder("securelink.pages")
						.description("Answers that were one of the gateway's own pages (refusals, errors, link pages)")
						.tag("page", kind.id())
						.tag("status", String.valueOf(kind.status().value()))
						.register(meters));
		}
		List<String> languages = PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList();
		for (PageKind kind : PageKind.values()) {
			Map<String, byte[]> byLanguage = new HashMap<>();
			Map<String, byte[]> problemByLanguage = new HashMap<>();
			for (Locale locale : PageLocales.SUPPORTED) {
				String html = templates.process("message",
						new Context(locale, Map.of("kind", kind.id(), "languages", languages)));
				byLanguage.put(locale.getLanguage(), html.getBytes(StandardCharsets.UTF_8));
				Map<String, Object> problem = new LinkedHashMap<>();
				problem.put("type", "about:blank");
				problem.put("title", messages.getMessage("page." + kind.id() + ".title", null, locale));
				problem.put("status", kind.status().value());
				problem.put("detail", messages.getMessage("page." + kind.id() + ".text", null, locale));
				problem.put("page", kind.id());
				problemByLanguage.put(locale.getLanguage(), json.writeValueAsBytes(problem));
			}
			this.bodies.put(kind, Map.copyOf(byLanguage));
			this.problems.put(kind, Map.copyOf(problemByLanguage));
		}
	}

	/**
	 * The page's bytes in {@code locale} (one of {@link PageLocales#SUPPORTED}; anything
	 * else, or none, as on the management port, is English).
	 */
	public byte[] body(PageKind kind, @Nullable Locale locale) {
		return pick(this.bodies, kind, locale);
	}

	void count(PageKind kind) {
		Objects.requireNonNull(this.answered.get(kind), "registered for every kind").increment();
	}

	/**
	 * Whether {@code accept} (the request's Accept headers) names JSON or problem+json
	 * and not HTML: an API client, never a browser.
	 */
	static boolean wantsJson(List<String> accept) {
		String all = String.join(",", accept).toLowerCase(Locale.ROOT);
		return (all.contains("application/json") || all.contains("application/problem+json"))
				&& !all.contains("text/html");
	}

	private static <T> T pick(Map<PageKind, Map<String, T>> rendered, PageKind kind, @Nullable Locale locale) {
		Map<String, T> byLanguage = Objects.requireNonNull(rendered.get(kind), "rendered at start-up");
		T english = Objects.requireNonNull(byLanguage.get(Locale.ENGLISH.getLanguage()), "rendered at start-up");
		return (locale != null) ? byLanguage.getOrDefault(locale.getLanguage(), english) : english;
	}

	/**
	 * The page as a handler function's answer, in the request's language, with
	 * {@code extra} headers.
	 */
	public Mono<ServerResponse> response(ServerRequest request, PageKind kind, Map<String, String> extra) {
		count(kind);
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
		count(kind);
		byte[] body = body(kind, exchange.getLocaleContext().getLocale());
		exchange.getResponse().setStatusCode(kind.status());
		HttpHeaders headers = exchange.getResponse().getHeaders();
		headers.set(HttpHeaders.CONTENT_TYPE, HTML);
		headers.set(Pages.MARK, kind.id());
		headers.setContentLength(body.length);
		return exchange.getResponse()
			.writeWith(Mono.fromSupplier(() -> exchange.getResponse().bufferFactory().wrap(body)));
	}

	/**
	 * The page as the answer to a request head Netty could not read (414, 431, 400),
	 * written by the connection's edge before any route, closing the connection: in
	 * {@code locale}, as problem+json when the client asks for JSON rather than HTML.
	 */
	public FullHttpResponse refusal(PageKind kind, Locale locale, List<String> accept) {
		count(kind);
		boolean problem = wantsJson(accept);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
				HttpResponseStatus.valueOf(kind.status().value()),
				Unpooled.wrappedBuffer(problem ? pick(this.problems, kind, locale) : body(kind, locale)));
		response.headers()
			.set(HttpHeaders.CONTENT_TYPE, problem ? MediaType.APPLICATION_PROBLEM_JSON_VALUE : HTML)
			.set(HttpHeaders.CONTENT_LENGTH, response.content().readableBytes())
			.set(HttpHeaders.CONNECTION, "close")
			.set(Pages.MARK, kind.id());
		return response;
	}

	/**
	 * Writes the page on Reactor Netty's response directly, for the document route: as
	 * {@code application/problem+json} (same status, texts and marker) when the client
	 * asks for JSON rather than HTML, as an API client does.
	 */
	public Mono<Void> write(HttpServerResponse response, PageKind kind, Locale locale, Map<String, String> extra,
			List<String> accept) {
		count(kind);
		boolean problem = wantsJson(accept);
		byte[] body = problem ? pick(this.problems, kind, locale) : body(kind, locale);
		response.status(kind.status().value())
			.header(HttpHeaders.CONTENT_TYPE, problem ? MediaType.APPLICATION_PROBLEM_JSON_VALUE : HTML)
			.header(Pages.MARK, kind.id())
			.header(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length));
		extra.forEach(response::header);
		return response.sendObject(Unpooled.wrappedBuffer(body)).then();
	}

}
