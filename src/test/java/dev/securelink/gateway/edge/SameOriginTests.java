package dev.securelink.gateway.edge;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class SameOriginTests {

	SameOrigin sameOrigin = new SameOrigin(URI.create("https://docs.example.com"));

	@Test
	void testWhenOriginPresentThenItDecides() {
		assertThat(this.sameOrigin.test(headers("https://docs.example.com", "cross-site"), true)).isTrue();
		assertThat(this.sameOrigin.test(headers("https://evil.example", "same-origin"), false)).isFalse();
		assertThat(this.sameOrigin.test(headers("http://docs.example.com", null), false)).as("scheme counts").isFalse();
	}

	@Test
	void testWhenOriginNullUnderNoReferrerThenFetchMetadataDecides() {
		assertThat(this.sameOrigin.test(headers("null", "same-origin"), true)).isTrue();
		assertThat(this.sameOrigin.test(headers("null", "cross-site"), false)).isFalse();
		assertThat(this.sameOrigin.test(headers("null", null), false)).as("a sandboxed frame").isFalse();
	}

	@Test
	void testWhenNoEvidenceAtAllThenOnlyWhereAnotherDefenceDecides() {
		assertThat(this.sameOrigin.test(headers(null, null), false)).isTrue();
		assertThat(this.sameOrigin.test(headers(null, null), true)).isFalse();
	}

	private static HttpHeaders headers(String origin, String site) {
		HttpHeaders headers = new HttpHeaders();
		if (origin != null) {
			headers.set(HttpHeaders.ORIGIN, origin);
		}
		if (site != null) {
			headers.set("Sec-Fetch-Site", site);
		}
		return headers;
	}

}
