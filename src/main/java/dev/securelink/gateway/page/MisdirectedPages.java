package dev.securelink.gateway.page;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import reactor.core.publisher.Mono;

/**
 * "This was not meant for me": the page that asks (with its form) and the one that thanks
 * the visitor and asks them to delete the mail, rendered once per language at start-up
 * around markers for the form's action and token ({@link SplicedPage}).
 */
@Component
public class MisdirectedPages {

	/** The page marker's value ({@link Pages#MARK}). */
	static final String MARK = "misdirected";

	private static final String HTML = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8";

	private static final String ACTION_MARK = "__securelink-form-action__";

	private static final String TOKEN_MARK = "__securelink-form-token__";

	private final Map<String, SplicedPage> confirm = new HashMap<>();

	private final Map<String, SplicedPage> done = new HashMap<>();

	MisdirectedPages(ITemplateEngine templates) {
		List<String> languages = PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList();
		for (Locale locale : PageLocales.SUPPORTED) {
			Map<String, Object> asking = Map.of("state", "confirm", "formAction", ACTION_MARK, "csrf", TOKEN_MARK,
					"languages", languages);
			this.confirm.put(locale.getLanguage(), SplicedPage
				.of(templates.process("misdirected", new Context(locale, asking)), List.of(ACTION_MARK, TOKEN_MARK)));
			this.done.put(locale.getLanguage(), SplicedPage
				.of(templates.process("misdirected", new Context(locale, Map.of("state", "done"))), List.of()));
		}
	}

	/** The page that asks, in the exchange's language, with {@code form}. */
	public Mono<ServerResponse> confirm(ServerRequest request, PageForm form) {
		SplicedPage page = Objects.requireNonNull(this.confirm.get(FormPages.language(request)),
				"rendered at start-up");
		return respond(page.render(List.of(form.action(), form.token())));
	}

	/** The thanks: access ended, delete the mail. */
	public Mono<ServerResponse> done(ServerRequest request) {
		SplicedPage page = Objects.requireNonNull(this.done.get(FormPages.language(request)), "rendered at start-up");
		return respond(page.render(List.of()));
	}

	private static Mono<ServerResponse> respond(byte[] body) {
		return ServerResponse.status(HttpStatus.OK)
			.header(HttpHeaders.CONTENT_TYPE, HTML)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.header(Pages.MARK, MARK)
			.bodyValue(body);
	}

}
