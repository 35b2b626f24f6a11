package dev.securelink.gateway;

import java.net.URI;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DocumentOriginsTests {

	private static final URI GATEWAY = URI.create("https://links.example.com");

	private final DocumentOrigins origins = DocumentOrigins.of("https://{link}.docs.example.net", GATEWAY);

	@Test
	void originWhenAnyLinkIdThenADnsLabelThatReadsBackToIt() {
		for (int i = 0; i < 1000; i++) {
			byte[] id = new byte[12];
			ThreadLocalRandom.current().nextBytes(id);
			String linkId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
			String origin = this.origins.origin(linkId);
			assertThat(origin).matches("https://[a-z2-7]{20}\\.docs\\.example\\.net");
			String host = origin.substring("https://".length());
			assertThat(this.origins.linkIdOf(host)).isEqualTo(linkId);
			assertThat(this.origins.linkIdOf(host.toUpperCase(Locale.ROOT) + ":443")).as("any case, with a port")
				.isEqualTo(linkId);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "docs.example.net", "links.example.com",
			"aaaaaaaaaaaaaaaaaaaa.docs.example.net.evil.example", "aaaaaaaaaaaaaaaaaaa.docs.example.net",
			"aaaaaaaaaaaaaaaaaaaaa.docs.example.net", "aaaaaaaaaaaaaaaaaaa1.docs.example.net",
			"x.aaaaaaaaaaaaaaaaaaaa.docs.example.net", "aaaaaaaaaaaaaaaaaaab.docs.example.net" })
	void linkIdOfWhenTheHostIsNoDocumentsThenNull(String host) {
		assertThat(this.origins.linkIdOf(host)).isNull();
	}

	@Test
	void linkIdOfWhenDocumentsShareTheGatewaysOriginThenNull() {
		assertThat(DocumentOrigins.shared().separate()).isFalse();
		assertThat(DocumentOrigins.shared().linkIdOf("aaaaaaaaaaaaaaaaaaaa.docs.example.net")).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://docs.example.net", "https://x{link}.docs.example.net",
			"https://{link}.docs.example.net/path", "ftp://{link}.docs.example.net", "https://{link}",
			"https://user@{link}.docs.example.net", "https://{link}.docs.example.net?x=1", "https://{link}.example.com",
			"https://{link}.links.example.com" })
	void ofWhenTheTemplateIsNoOriginOfItsOwnThenRefusedNamingTheProperty(String template) {
		assertThatIllegalArgumentException().isThrownBy(() -> DocumentOrigins.of(template, GATEWAY))
			.withMessageContaining("securelink.documents.origin");
	}

	@Test
	void ofWhenAPortAndLocalhostThenKept() {
		DocumentOrigins local = DocumentOrigins.of("http://{link}.localhost:8080", URI.create("http://localhost:8080"));
		assertThat(local.origin("AAAAAAAAAAAAAAAA")).isEqualTo("http://aaaaaaaaaaaaaaaaaaaa.localhost:8080");
		assertThat(local.linkIdOf("aaaaaaaaaaaaaaaaaaaa.localhost:8080")).isEqualTo("AAAAAAAAAAAAAAAA");
	}

}
