package dev.securelink.gateway.web;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The gateway's own pages, server-rendered with Thymeleaf in the exchange's language. Each is marked with
 * {@link #MARK} so that nobody mistakes it for a page of the document service.
 */
public final class Pages {

	/** Response header naming the gateway page, on every page the gateway makes itself. */
	public static final String MARK = "X-SecureLink-Page";

	private Pages() {
	}

	/**
	 * A message page: {@code kind} picks its title and text ({@code page.<kind>.title}, {@code page.<kind>.text}).
	 */
	public static Mono<ServerResponse> message(HttpStatusCode status, String kind) {
		return message(status, kind, (headers) -> {
		});
	}

	/** A message page with extra response headers, such as {@code Retry-After}. */
	public static Mono<ServerResponse> message(HttpStatusCode status, String kind, Consumer<HttpHeaders> headers) {
		return render(status, "message", Map.of("kind", kind), List.of(), headers);
	}

	public static Mono<ServerResponse> render(HttpStatusCode status, String template, Map<String, ?> model,
			List<ResponseCookie> cookies) {
		return render(status, template, model, cookies, (headers) -> {
		});
	}

	private static Mono<ServerResponse> render(HttpStatusCode status, String template, Map<String, ?> model,
			List<ResponseCookie> cookies, Consumer<HttpHeaders> headers) {
		Map<String, Object> values = new HashMap<>(model);
		values.putIfAbsent("languages", PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList());
		return ServerResponse.status(status)
			.contentType(MediaType.TEXT_HTML)
			.header(MARK, String.valueOf(values.getOrDefault("kind", template)))
			.headers(headers)
			.cookies((all) -> cookies.forEach((cookie) -> all.add(cookie.getName(), cookie)))
			.render(template, values);
	}

}
