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

		DefaultHttpHeaders trusted = upstreamRequest();
		ProxyHeaders.copyRequest(client, trusted, true);
		assertThat(trusted.names()).containsExactlyInAnyOrder("X-Forwarded-For", "X-Forwarded-Proto",
				"X-Forwarded-Host", "Forwarded", "Accept-Language", "Host");
		assertThat(trusted.getAll("X-Forwarded-Host")).as("the gateway's own, never a client's")
			.containsExactly("docs.example.com");
		assertThat(trusted.get("Host")).isEqualTo("upstream:8080");
	}

	@Test
	void copyRequestWhenClientSendsUserAgentAndAcceptThenTheyReplaceTheDefaults() {
		DefaultHttpHeaders client = new DefaultHttpHeaders();
		client.add("User-Agent", "Firefox");
		client.add("Accept", "text/html");
		client.add("Host", "gateway.example");
		DefaultHttpHeaders upstream = upstreamRequest();
		ProxyHeaders.copyRequest(client, upstream, false);
		assertThat(upstream.getAll("User-Agent")).containsExactly("Firefox");
		assertThat(upstream.getAll("Accept")).containsExactly("text/html");
		assertThat(upstream.getAll("Host")).containsExactly("upstream:8080");

		DefaultHttpHeaders bare = upstreamRequest();
		ProxyHeaders.copyRequest(new DefaultHttpHeaders(), bare, false);
		assertThat(bare.contains("User-Agent")).as("no client's, no library's").isFalse();
	}

	@Test
	void copyResponseWhenUpstreamSendsHopByHopOrGatewayCookiesThenOnlyTheRestPassesAndFramingStays() {
		DefaultHttpHeaders upstream = new DefaultHttpHeaders();
		upstream.add("Content-Type", "application/pdf");
		upstream.add("Transfer-Encoding", "chunked");
		upstream.add("Connection", "keep-alive, X-Internal");
		upstream.add("X-Internal", "secret");
		upstream.add("Keep-Alive", "timeout=5");
		upstream.add("Proxy-Authenticate", "Basic");
		upstream.add("X-SecureLink-Link", "forged");
		upstream.add("Set-Cookie", "__Host-sls-AAAAAAAAAAAAAAAA=stolen; Path=/");
		upstream.add("Set-Cookie", "upstream=fine; Path=/");
		DefaultHttpHeaders response = new DefaultHttpHeaders();
		response.add("Transfer-Encoding", "chunked");
		ProxyHeaders.copyResponse(upstream, response);
		assertThat(response.names().stream().map((name) -> name.toLowerCase(java.util.Locale.ROOT)))
			.containsExactlyInAnyOrder("content-type", "transfer-encoding", "set-cookie");
		assertThat(response.getAll("Transfer-Encoding")).as("the server's own framing").containsExactly("chunked");
		assertThat(response.getAll("Set-Cookie")).containsExactly("upstream=fine; Path=/");
	}

	/** An upstream request as Reactor Netty prepares it, with the gateway's own forwarding headers. */
	private static DefaultHttpHeaders upstreamRequest() {
		DefaultHttpHeaders headers = new DefaultHttpHeaders();
		headers.add("X-Forwarded-Proto", "https");
		headers.add("X-Forwarded-Host", "docs.example.com");
		headers.add("User-Agent", "ReactorNetty/1.3.6");
		headers.add("Host", "upstream:8080");
		headers.add("Accept", "*/*");
		return headers;
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
		assertThat(upstream.names()).containsExactly("cookie");
		assertThat(upstream.get("Cookie")).isEqualTo("a=1");
	}

	@Test
	void framedNowhereWhenUpstreamAllowsFramingThenReplacedKeepingTheRest() {
		assertThat(UpstreamClient.framedNowhere(null)).isEqualTo("frame-ancestors 'none'");
		assertThat(UpstreamClient.framedNowhere("default-src 'self'; FRAME-ANCESTORS https://x; img-src *"))
			.isEqualTo("default-src 'self'; img-src *; frame-ancestors 'none'");
	}

}
