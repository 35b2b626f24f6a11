package dev.securelink.gateway.page;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PageLocalesTests {

	@Test
	void resolveWhenSwitchLinkAndBrowserDisagreeThenSwitchThenLinkThenBrowserThenEnglish() {
		assertThat(PageLocales.resolve("fr", "nl", List.of("de"))).isEqualTo(Locale.FRENCH);
		assertThat(PageLocales.resolve(null, "nl", List.of("de"))).isEqualTo(Locale.forLanguageTag("nl"));
		assertThat(PageLocales.resolve("xx", "nl-BE", List.of("de"))).isEqualTo(Locale.forLanguageTag("nl"));
		assertThat(PageLocales.resolve(null, null, List.of("es;q=1, de;q=0.5"))).isEqualTo(Locale.GERMAN);
		assertThat(PageLocales.resolve(null, "es", List.of("not a language range;;"))).isEqualTo(Locale.ENGLISH);
		assertThat(PageLocales.resolve(null, null, List.of())).isEqualTo(Locale.ENGLISH);
	}

}
