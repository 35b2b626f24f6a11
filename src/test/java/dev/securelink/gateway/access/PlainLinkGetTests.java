package dev.securelink.gateway.access;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.securelink.gateway.link.Right;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which link GETs the route serves ahead of WebFlux: a plain spelling only; everything
 * else is WebFlux's, with its firewall, router and pages, as on every other path.
 */
class PlainLinkGetTests {

	@ParameterizedTest
	@ValueSource(strings = { "/l/AbC-_09", "/l/AbC-_09/sign", "/l/AbC-_09/pay", "/l/AbC-_09?lang=fr",
			"/l/AbC-_09/pay?lang=nl-BE" })
	void targetWhenAPlainSpellingThenTheCodeActionAndLanguage(String uri) {
		PlainLinkGet target = PlainLinkGet.of(uri);
		assertThat(target).isNotNull();
		assertThat(target.code()).isEqualTo("AbC-_09");
		assertThat(target.action())
			.isEqualTo(uri.contains("/sign") ? Right.SIGN : (uri.contains("/pay") ? Right.PAY : Right.VIEW));
		assertThat(target.language()).isEqualTo(uri.contains("lang=") ? uri.substring(uri.indexOf('=') + 1) : null);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/l/", "/l//x", "/l/abc/", "/l/abc/view", "/l/abc/renew", "/l/abc/sign/", "/l/abc/sign/x",
			"/l/ab%43", "/l/abc%2Fsign", "/l/abc;x", "/l/abc/./sign", "/l/abc/../abc", "/l/abc?lang=fr&x=1",
			"/l/abc?x=1", "/l/abc?lang=%66r", "/l/abc?", "/l/abc#x", "/d/abc", "/L/abc", "/l/abc\u00e9" })
	void targetWhenAnyOtherSpellingThenLeftToWebFlux(String uri) {
		assertThat(PlainLinkGet.of(uri)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "fr\tnl", "fr\u0085", "x\u007f", "\u009f" })
	void routedWhenAHeaderValueHoldsAControlCharacterThenLeftToTheFirewall(String value) {
		io.netty.handler.codec.http.HttpHeaders headers = io.netty.handler.codec.http.DefaultHttpHeadersFactory
			.headersFactory()
			.withValidation(false)
			.newHeaders();
		headers.add("Accept-Language", "en").add("Cookie", "a=b");
		assertThat(PlainLinkGet.plainValues(headers)).isTrue();
		headers.add("Accept-Language", value);
		assertThat(PlainLinkGet.plainValues(headers)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(ints = { 128, 129, 4000 })
	void targetWhenTheCodeIsLongThenTheRouteOnlyUpToItsBound(int length) {
		assertThat(PlainLinkGet.of("/l/" + "a".repeat(length)) != null).isEqualTo(length <= 128);
	}

}
