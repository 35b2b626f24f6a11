package dev.securelink.gateway.web;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The gateway's pages are marked with {@link #MARK} so that nobody mistakes them for a
 * page of the document service. The message pages come from {@link MessagePages}; this
 * renders the one page that differs per request, the e-mail prompt (it carries a form
 * token), with Thymeleaf in the exchange's language.
 */
public final class Pages {

	/**
	 * Response header naming the gateway page, on every page the gateway makes itself.
	 */
	public static final String MARK = "X-SecureLink-Page";

	private Pages() {
	}

	public static Mono<ServerResponse> render(HttpStatusCode status, String template, Map<String, ?> model,
			List<ResponseCookie> cookies) {
		Map<String, Object> values = new HashMap<>(model);
		values.putIfAbsent("languages", PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList());
		return ServerResponse.status(status)
			.contentType(MediaType.TEXT_HTML)
			.header(MARK, template)
			.cookies((all) -> cookies.forEach((cookie) -> all.add(cookie.getName(), cookie)))
			.render(template, values);
	}

}
