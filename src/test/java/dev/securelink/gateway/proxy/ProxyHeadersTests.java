package dev.securelink.gateway.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

class ProxyHeadersTests {

	@Test
	void copyRequestWhenPeerUntrustedThenForwardedHeadersAreDroppedWhenTrustedKept() {
		DefaultHttpHeaders client = new DefaultHttpHeaders();
		client.add("X-Forwarded-For", "1.2.3.4");
		client.add("X-Forwarded-Host", "evil.example");
		client.add("Forwarded", "for=1.2.3.4");
		client.add("X-SecureLink-Assertion", "forged");
		client.add("Accept-Language", "nl");

		DefaultHttpHeaders untrusted = new DefaultHttpHeaders();
		ProxyHeaders.copyRequest(client, untrusted, false);
		assertThat(untrusted.names()).containsExactly("Accept-Language");

		DefaultHttpHeaders trusted = new DefaultHttpHeaders();
		ProxyHeaders.copyRequest(client, trusted, true);
		assertThat(trusted.names()).containsExactlyInAnyOrder("X-Forwarded-For", "X-Forwarded-Host", "Forwarded",
				"Accept-Language");
	}

	@Test
	void copyRequestWhenConnectionNamesHeadersThenThoseAreDroppedToo() {
		DefaultHttpHeaders client = new DefaultHttpHeaders();
		client.add("Connection", "keep-alive, X-Token");
		client.add("X-Token", "abc");
		client.add("Proxy-Connection", "keep-alive");
		client.add("Cookie", "__Host-sls-AAAAAAAAAAAAAAAA=jws; __Host-slc=nonce; a=1");
		DefaultHttpHeaders upstream = new DefaultHttpHeaders();
		ProxyHeaders.copyRequest(client, upstream, true);
		assertThat(upstream.names()).containsExactly("Cookie");
		assertThat(upstream.get("Cookie")).isEqualTo("a=1");
	}

	@Test
	void framedNowhereWhenUpstreamAllowsFramingThenReplacedKeepingTheRest() {
		assertThat(UpstreamClient.framedNowhere(null)).isEqualTo("frame-ancestors 'none'");
		assertThat(UpstreamClient.framedNowhere("default-src 'self'; FRAME-ANCESTORS https://x; img-src *"))
			.isEqualTo("default-src 'self'; img-src *; frame-ancestors 'none'");
	}

}
