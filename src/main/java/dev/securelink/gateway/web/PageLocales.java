package dev.securelink.gateway.web;

import java.util.List;
import java.util.Locale;

import org.springframework.context.i18n.LocaleContext;
import org.springframework.context.i18n.SimpleLocaleContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.i18n.LocaleContextResolver;

/**
 * The language of the gateway's pages: one a handler chose for this exchange (the visitor's switch, then the
 * link's locale), else a {@code ?lang=} switch, else the best of Accept-Language among fr, nl, de and en, else
 * English.
 */
public class PageLocales implements LocaleContextResolver {

	public static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.FRENCH, Locale.forLanguageTag("nl"),
			Locale.GERMAN);

	private static final String CHOSEN = PageLocales.class.getName() + ".chosen";

	/** The supported locale for a language tag, or null. */
	public static Locale supported(String tag) {
		if (tag == null || tag.isBlank()) {
			return null;
		}
		String language = Locale.forLanguageTag(tag.trim()).getLanguage();
		return SUPPORTED.stream().filter((locale) -> locale.getLanguage().equals(language)).findFirst().orElse(null);
	}

	/** Fixes the page language of this exchange; a null locale leaves Accept-Language to decide. */
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
		Locale switched = supported(exchange.getRequest().getQueryParams().getFirst("lang"));
		if (switched != null) {
			return new SimpleLocaleContext(switched);
		}
		List<Locale.LanguageRange> ranges;
		try {
			ranges = Locale.LanguageRange.parse(String.join(",",
					exchange.getRequest().getHeaders().getOrEmpty("Accept-Language")));
		}
		catch (IllegalArgumentException ex) {
			ranges = List.of();
		}
		Locale best = Locale.lookup(ranges, SUPPORTED);
		return new SimpleLocaleContext((best != null) ? best : Locale.ENGLISH);
	}

	@Override
	public void setLocaleContext(ServerWebExchange exchange, LocaleContext localeContext) {
		throw new UnsupportedOperationException("The page language follows the link and the browser");
	}

}
