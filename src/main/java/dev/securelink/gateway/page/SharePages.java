package dev.securelink.gateway.page;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
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
 * The share page: a verified recipient gives a colleague access to the document, with
 * rights no wider than they may give, and withdraws it again. Rendered once per language,
 * rights that may be given, whether the colleague may share further and notice or error
 * at start-up, around markers for the form's action and token and the list of people
 * given access; each of those is rendered once per language and rights, around markers
 * for their number, index and time ({@link SplicedPage}): no template runs per request.
 */
@Component
public class SharePages {

	/** The page marker's value ({@link Pages#MARK}). */
	static final String MARK = "share";

	/** What the page may say after a POST, besides nothing. */
	public static final List<String> NOTICES = List.of("shared", "withdrawn");

	/** The errors the form may show again (422). */
	public static final List<String> ERRORS = List.of("blank", "invalid", "already", "toomany", "toowide", "removed");

	private static final String HTML = MediaType.TEXT_HTML_VALUE + ";charset=UTF-8";

	private static final String ACTION_MARK = "__securelink-form-action__";

	private static final String TOKEN_MARK = "__securelink-form-token__";

	private static final String LIST_MARK = "__securelink-list__";

	private static final String INDEX_MARK = "__securelink-index__";

	private static final String NUMBER_MARK = "__securelink-number__";

	private static final String WHEN_MARK = "__securelink-when__";

	/** The rights a page may offer (view is always given), and a person may have. */
	private static final List<String> RIGHTS = List.of("view", "view_sign", "view_pay", "view_sign_pay");

	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private final Map<String, SplicedPage> pages = new HashMap<>();

	private final Map<String, SplicedPage> rows = new HashMap<>();

	private final Map<String, byte[]> none = new HashMap<>();

	SharePages(ITemplateEngine templates) {
		List<String> languages = PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList();
		List<String> states = new ArrayList<>(List.of(""));
		states.addAll(NOTICES);
		states.addAll(ERRORS);
		for (Locale locale : PageLocales.SUPPORTED) {
			String language = locale.getLanguage();
			for (String rights : RIGHTS) {
				for (boolean further : new boolean[] { false, true }) {
					for (String state : states) {
						Map<String, Object> model = new HashMap<>(Map.of("formAction", ACTION_MARK, "csrf", TOKEN_MARK,
								"languages", languages, "list", LIST_MARK, "sign", rights.contains("sign"), "pay",
								rights.contains("pay"), "further", further));
						if (!state.isEmpty()) {
							model.put(ERRORS.contains(state) ? "error" : "notice", state);
						}
						this.pages.put(key(language, rights, further, state),
								SplicedPage.of(templates.process("share", new Context(locale, model)),
										List.of(ACTION_MARK, TOKEN_MARK, LIST_MARK)));
					}
				}
				Map<String, Object> row = Map.of("formAction", ACTION_MARK, "csrf", TOKEN_MARK, "index", INDEX_MARK,
						"number", NUMBER_MARK, "when", WHEN_MARK, "rights", rights, "none", false);
				this.rows.put(key(language, rights),
						SplicedPage.of(templates.process("share-row", new Context(locale, row)),
								List.of(ACTION_MARK, TOKEN_MARK, INDEX_MARK, NUMBER_MARK, WHEN_MARK)));
			}
			this.none.put(language, templates.process("share-row", new Context(locale, Map.of("none", true)))
				.getBytes(StandardCharsets.UTF_8));
		}
	}

	/**
	 * A person the visitor gave access.
	 *
	 * @param index their index on the link
	 * @param sign whether they may sign
	 * @param pay whether they may pay
	 * @param addedAt when they were given access
	 */
	public record Person(int index, boolean sign, boolean pay, Instant addedAt) {
	}

	/**
	 * The share page in the exchange's language: offering to give sign and pay when
	 * {@code sign} and {@code pay}, saying whether the colleague may share further,
	 * showing {@code state} ({@link #NOTICES}, {@link #ERRORS}, which answer 422, or
	 * null) and listing {@code people}.
	 */
	public Mono<ServerResponse> page(ServerRequest request, PageForm form, boolean sign, boolean pay, boolean further,
			@Nullable String state, List<Person> people) {
		String language = FormPages.language(request);
		SplicedPage page = Objects.requireNonNull(
				this.pages.get(key(language, rights(sign, pay), further, (state != null) ? state : "")),
				"rendered at start-up");
		ByteArrayOutputStream list = new ByteArrayOutputStream();
		if (people.isEmpty()) {
			list.writeBytes(Objects.requireNonNull(this.none.get(language), "rendered at start-up"));
		}
		for (int i = 0; i < people.size(); i++) {
			Person person = people.get(i);
			SplicedPage row = Objects.requireNonNull(this.rows.get(key(language, rights(person.sign(), person.pay()))),
					"rendered at start-up");
			list.writeBytes(row.render(List.of(form.action(), form.token(), String.valueOf(person.index()),
					String.valueOf(i + 1), WHEN.format(person.addedAt()))));
		}
		byte[] body = page.renderTrusted(List.of(escaped(form.action()), escaped(form.token()), list.toByteArray()));
		HttpStatus status = (state != null && ERRORS.contains(state)) ? HttpStatus.UNPROCESSABLE_CONTENT
				: HttpStatus.OK;
		return ServerResponse.status(status)
			.header(HttpHeaders.CONTENT_TYPE, HTML)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.header(Pages.MARK, MARK)
			.bodyValue(body);
	}

	private static byte[] escaped(String value) {
		return SplicedPage.escape(value);
	}

	private static String rights(boolean sign, boolean pay) {
		return "view" + (sign ? "_sign" : "") + (pay ? "_pay" : "");
	}

	private static String key(@Nullable Object... parts) {
		StringBuilder key = new StringBuilder();
		for (Object part : parts) {
			key.append(part).append('/');
		}
		return key.toString();
	}

}
