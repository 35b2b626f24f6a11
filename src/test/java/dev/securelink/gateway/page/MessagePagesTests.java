package dev.securelink.gateway.page;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.securelink.gateway.support.GatewayTest;

import static org.assertj.core.api.Assertions.assertThat;

@GatewayTest
class MessagePagesTests {

	@Autowired
	MessagePages pages;

	@Test
	void bodyWhenAnyKindAndLanguageThenRenderedAtStartUpInThatLanguageWithItsOwnTitle() {
		for (PageKind kind : PageKind.values()) {
			Set<String> titles = new HashSet<>();
			for (Locale locale : PageLocales.SUPPORTED) {
				Document page = Jsoup.parse(new String(this.pages.body(kind, locale), StandardCharsets.UTF_8));
				assertThat(page.select("html").attr("lang")).isEqualTo(locale.getLanguage());
				assertThat(page.select("h1").text()).as(kind + " " + locale).isNotBlank().doesNotContain("page.");
				titles.add(page.select("h1").text());
			}
			assertThat(titles).as(kind + ": four languages, four titles").hasSize(4);
		}
		assertThat(this.pages.body(PageKind.NOT_FOUND, Locale.JAPANESE))
			.isEqualTo(this.pages.body(PageKind.NOT_FOUND, null))
			.isEqualTo(this.pages.body(PageKind.NOT_FOUND, Locale.ENGLISH));
	}

}
