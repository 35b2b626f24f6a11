package dev.securelink.gateway.page;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.context.i18n.LocaleContext;
import org.springframework.context.i18n.SimpleLocaleContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.i18n.LocaleContextResolver;

/**
 * The language of the gateway's pages ({@link #resolve}): WebFlux's view of it is the
 * language a handler chose for this exchange, else {@link #resolve} without a link.
 */
public class PageLocales implements LocaleContextResolver {

	/** The languages every page exists in; the first is the fallback. */
	public static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.FRENCH, Locale.forLanguageTag("nl"),
			Locale.GERMAN);

	private static final String CHOSEN = PageLocales.class.getName() + ".chosen";

	/** The supported locale for a language tag, or null. */
	public static @Nullable Locale supported(@Nullable String tag) {
		if (tag == null || tag.isBlank()) {
			return null;
		}
		String language = Locale.forLanguageTag(tag.trim()).getLanguage();
		return SUPPORTED.stream().filter((locale) -> locale.getLanguage().equals(language)).findFirst().orElse(null);
	}

	/**
	 * The page language, one pure function for every page: the visitor's {@code ?lang=}
	 * switch, then the link's locale, then the best of Accept-Language among the
	 * supported ones, then English.
	 * @param requested the {@code lang} the visitor chose, or null
	 * @param linkLocale the link's locale, or null (no link known, or none set)
	 * @param acceptLanguage the request's Accept-Language header lines
	 */
	public static Locale resolve(@Nullable String requested, @Nullable String linkLocale, List<String> acceptLanguage) {
		Locale switched = supported(requested);
		if (switched != null) {
			return switched;
		}
		Locale linked = supported(linkLocale);
		if (linked != null) {
			return linked;
		}
		List<Locale.LanguageRange> ranges;
		try {
			ranges = Locale.LanguageRange.parse(String.join(",", acceptLanguage));
		}
		catch (IllegalArgumentException ex) {
			ranges = List.of();
		}
		Locale best = Locale.lookup(ranges, SUPPORTED);
		return (best != null) ? best : Locale.ENGLISH;
	}

	/**
	 * Fixes the page language of this exchange (a handler that knows the link chose it
	 * with {@link #resolve}).
	 */
	public static void choose(ServerWebExchange exchange, Locale locale) {
		if (locale != null) {
			exchange.getAttributes().put(CHOSEN, locale);
		}
	}

	@Override
	public LocaleContext resolveLocaleContext(ServerWebExchange exchange) {
		Locale chosen = exchange.getAttribute(CHOSEN);
		if (chosen != null) {
			return new SimpleLocaleContext(chosen);
		}
		return new SimpleLocaleContext(resolve(exchange.getRequest().getQueryParams().getFirst("lang"), null,
				exchange.getRequest().getHeaders().getOrEmpty("Accept-Language")));
	}

	@Override
	public void setLocaleContext(ServerWebExchange exchange, @Nullable LocaleContext localeContext) {
		throw new UnsupportedOperationException("The page language follows the link and the browser");
	}

}
