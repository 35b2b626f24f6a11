package dev.securelink.gateway.page;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import reactor.core.publisher.Mono;

/**
 * The gateway's pages that carry a form: the e-mail prompt, and the message pages with
 * the form to ask for a new link ({@link #WITH_FORM}). Each is rendered once per language
 * (and per action, error and whether it names the sender) at start-up, around markers
 * where a request's form action, form token and sender go ({@link SplicedPage}): no
 * template runs per request.
 */
@Component
public class FormPages {

	/** The pages that may carry the form to ask for a new link. */
	public static final Set<PageKind> WITH_FORM = EnumSet.of(PageKind.NOT_FOUND, PageKind.LOCKED, PageKind.RENEWAL,
			PageKind.RENEWAL_BLANK);

	/** The prompt's marker value ({@link Pages#MARK}). */
	static final String PROMPT = "prompt";

	/** The code page's marker value and template. */
	static final String CODE = "code";

	private static final String HTML = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8";

	private static final String ACTION_MARK = "__securelink-form-action__";

	private static final String TOKEN_MARK = "__securelink-form-token__";

	private static final String SENDER_MARK = "__securelink-sender__";

	private static final String DAYS_MARK = "__securelink-days__";

	private static final List<String> MARKS = List.of(ACTION_MARK, TOKEN_MARK, SENDER_MARK);

	/** The actions a prompt is for, and the errors it may show again. */
	private static final List<String> ACTIONS = List.of("view", "sign", "pay");

	private static final List<String> ERRORS = List.of("blank", "mismatch");

	/**
	 * The "remember this browser" variants: not offered, offered ticked (as first shown),
	 * offered unticked (shown again to a visitor who unticked it).
	 */
	private static final String NOT_OFFERED = "none";

	private static final String TICKED = "ticked";

	private static final List<String> REMEMBER = List.of(NOT_OFFERED, TICKED, "unticked");

	/** The errors the code page may show. */
	private static final List<String> CODE_ERRORS = List.of("blank", "wrong", "expired", "wait");

	private final MessagePages messages;

	/** How long an e-mail code works, as the code page says it. */
	private final long codeMinutes;

	/**
	 * The message pages with the form, by kind, then language and whether it names the
	 * sender.
	 */
	private final Map<PageKind, Map<String, SplicedPage>> withForm = new EnumMap<>(PageKind.class);

	/**
	 * The prompt, by language, action, error, whether it names the sender and whether it
	 * is the code mode's.
	 */
	private final Map<String, SplicedPage> prompts = new HashMap<>();

	/** The code page, by language, action, error and whether it names the sender. */
	private final Map<String, SplicedPage> codes = new HashMap<>();

	FormPages(ITemplateEngine templates, MessagePages messages,
			@Value("${securelink.limits.code-validity:15m}") Duration codeValidity) {
		this.messages = messages;
		this.codeMinutes = codeValidity.toMinutes();
		List<String> languages = PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList();
		PageForm marks = new PageForm(ACTION_MARK, TOKEN_MARK);
		for (Locale locale : PageLocales.SUPPORTED) {
			for (boolean sender : new boolean[] { false, true }) {
				for (PageKind kind : WITH_FORM) {
					Map<String, Object> model = new HashMap<>(
							Map.of("kind", kind.id(), "languages", languages, "form", marks));
					if (sender) {
						model.put("sender", SENDER_MARK);
					}
					this.withForm.computeIfAbsent(kind, (key) -> new HashMap<>())
						.put(key(locale.getLanguage(), sender), spliced(templates, "message", locale, model, sender));
				}
				for (String action : ACTIONS) {
					renderPrompts(templates, locale, languages, action, sender);
				}
			}
		}
	}

	/**
	 * The prompts (address and code mode) and the code pages for {@code action}, with
	 * each error and none.
	 */
	private void renderPrompts(ITemplateEngine templates, Locale locale, List<String> languages, String action,
			boolean sender) {
		String language = locale.getLanguage();
		for (String remember : REMEMBER) {
			for (String error : ERRORS) {
				this.prompts.put(key(language, action, error, sender, false, remember),
						prompt(templates, PROMPT, locale, languages, action, error, sender, false, remember));
				// The code mode's prompt only asks where to send the code: the browser
				// is remembered on the code page.
				this.prompts.put(key(language, action, error, sender, true, NOT_OFFERED),
						prompt(templates, PROMPT, locale, languages, action, error, sender, true, NOT_OFFERED));
			}
			this.prompts.put(key(language, action, null, sender, false, remember),
					prompt(templates, PROMPT, locale, languages, action, null, sender, false, remember));
			this.prompts.put(key(language, action, null, sender, true, NOT_OFFERED),
					prompt(templates, PROMPT, locale, languages, action, null, sender, true, NOT_OFFERED));
			for (String error : CODE_ERRORS) {
				this.codes.put(key(language, action, error, sender, remember),
						prompt(templates, CODE, locale, languages, action, error, sender, true, remember));
			}
			this.codes.put(key(language, action, null, sender, remember),
					prompt(templates, CODE, locale, languages, action, null, sender, true, remember));
		}
	}

	private SplicedPage prompt(ITemplateEngine templates, String template, Locale locale, List<String> languages,
			String action, @Nullable String error, boolean sender, boolean code, String remember) {
		Map<String, Object> model = new HashMap<>(Map.of("formAction", ACTION_MARK, "csrf", TOKEN_MARK, "action",
				action, "languages", languages, "code", code, "codeMinutes", this.codeMinutes));
		if (!NOT_OFFERED.equals(remember)) {
			model.put("days", DAYS_MARK);
			model.put("ticked", TICKED.equals(remember));
		}
		if (error != null) {
			model.put("error", error);
		}
		if (sender) {
			model.put("sender", SENDER_MARK);
		}
		List<String> marks = new ArrayList<>(sender ? MARKS : MARKS.subList(0, 2));
		if (!NOT_OFFERED.equals(remember)) {
			marks.add(DAYS_MARK);
		}
		return SplicedPage.of(templates.process(template, new Context(locale, model)), marks);
	}

	private static SplicedPage spliced(ITemplateEngine templates, String template, Locale locale,
			Map<String, Object> model, boolean sender) {
		return SplicedPage.of(templates.process(template, new Context(locale, model)),
				sender ? MARKS : MARKS.subList(0, 2));
	}

	private static String key(@Nullable Object... parts) {
		StringBuilder key = new StringBuilder();
		for (Object part : parts) {
			key.append(part).append('/');
		}
		return key.toString();
	}

	/**
	 * The e-mail prompt for {@code action} ({@code view}, {@code sign} or {@code pay}) in
	 * the exchange's language, showing {@code error} again ({@code blank},
	 * {@code mismatch}; 422) or none (200), with {@code form} and the line naming
	 * {@code sender} (none when null), setting {@code cookies}.
	 */
	public Mono<ServerResponse> prompt(ServerRequest request, String action, @Nullable String error, PageForm form,
			List<ResponseCookie> cookies, @Nullable String sender) {
		return prompt(request, action, error, form, cookies, sender, false, 0, true);
	}

	/**
	 * The same, saying in the code mode ({@code code}) that a code will be mailed to the
	 * address, and offering in the address mode to remember the browser for
	 * {@code rememberDays} (0: not offered), ticked or not.
	 */
	public Mono<ServerResponse> prompt(ServerRequest request, String action, @Nullable String error, PageForm form,
			List<ResponseCookie> cookies, @Nullable String sender, boolean code, int rememberDays, boolean ticked) {
		boolean remember = !code && rememberDays > 0;
		SplicedPage page = Objects.requireNonNull(
				this.prompts
					.get(key(language(request), action, error, sender != null, code, remember(remember, ticked))),
				"rendered at start-up");
		HttpStatus status = (error != null) ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.OK;
		return respond(status, PROMPT, page.render(values(form, sender, remember ? rememberDays : 0)), Map.of(),
				cookies);
	}

	/**
	 * The code page for {@code action}: a code is on its way if the address received the
	 * document; it asks for it, showing {@code error} again ({@code blank},
	 * {@code wrong}, {@code expired}, {@code wait}; 422) or none (200), and offers to
	 * remember the browser for {@code rememberDays} (0: not offered), ticked or not.
	 */
	public Mono<ServerResponse> code(ServerRequest request, String action, @Nullable String error, PageForm form,
			List<ResponseCookie> cookies, @Nullable String sender, int rememberDays, boolean ticked) {
		SplicedPage page = Objects.requireNonNull(
				this.codes
					.get(key(language(request), action, error, sender != null, remember(rememberDays > 0, ticked))),
				"rendered at start-up");
		HttpStatus status = (error != null) ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.OK;
		return respond(status, CODE, page.render(values(form, sender, rememberDays)), Map.of(), cookies);
	}

	/**
	 * A page of {@link #WITH_FORM} with {@code form} in it and, unless null, the line
	 * naming {@code sender}, setting {@code cookies}: the same bytes for every request
	 * but for those values.
	 */
	public Mono<ServerResponse> response(ServerRequest request, PageKind kind, Map<String, String> extra, PageForm form,
			List<ResponseCookie> cookies, @Nullable String sender) {
		this.messages.count(kind);
		Map<String, SplicedPage> byLanguage = Objects.requireNonNull(this.withForm.get(kind), "one of WITH_FORM");
		SplicedPage page = Objects.requireNonNull(byLanguage.get(key(language(request), sender != null)),
				"rendered at start-up");
		return respond(kind.status(), kind.id(), page.render(values(form, sender)), extra, cookies);
	}

	private static List<String> values(PageForm form, @Nullable String sender) {
		return (sender != null) ? List.of(form.action(), form.token(), sender) : List.of(form.action(), form.token());
	}

	/** Which of the "remember this browser" variants a page is. */
	private static String remember(boolean offered, boolean ticked) {
		if (!offered) {
			return NOT_OFFERED;
		}
		return ticked ? TICKED : "unticked";
	}

	/** The same, and the days a browser is remembered for (0: not offered). */
	private static List<String> values(PageForm form, @Nullable String sender, int rememberDays) {
		List<String> values = new ArrayList<>(values(form, sender));
		if (rememberDays > 0) {
			values.add(String.valueOf(rememberDays));
		}
		return values;
	}

	/** The exchange's page language, English for anything not supported. */
	static String language(ServerRequest request) {
		Locale locale = request.exchange().getLocaleContext().getLocale();
		String language = (locale != null) ? locale.getLanguage() : Locale.ENGLISH.getLanguage();
		return PageLocales.SUPPORTED.stream().anyMatch((supported) -> supported.getLanguage().equals(language))
				? language : Locale.ENGLISH.getLanguage();
	}

	private static Mono<ServerResponse> respond(HttpStatus status, String mark, byte[] body, Map<String, String> extra,
			List<ResponseCookie> cookies) {
		return ServerResponse.status(status)
			.header(HttpHeaders.CONTENT_TYPE, HTML)
			.header(Pages.MARK, mark)
			.headers((headers) -> extra.forEach(headers::set))
			.cookies((all) -> cookies.forEach((cookie) -> all.add(cookie.getName(), cookie)))
			.bodyValue(body);
	}

}
