package dev.securelink.gateway.web;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressTests {

	ClientAddress clients = new ClientAddress(new WebProperties(List.of("10.0.0.0/8", "2001:db8::/32"),
			java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(15)));

	@Test
	void ofWhenPeerIsNotATrustedProxyThenForwardedForIsIgnored() {
		assertThat(this.clients.of(exchange("203.0.113.9", "198.51.100.1"))).isEqualTo("203.0.113.9");
	}

	@Test
	void ofWhenPeerIsATrustedProxyThenRightMostUntrustedHop() {
		assertThat(this.clients.of(exchange("10.1.2.3", "198.51.100.7, 203.0.113.5, 10.9.9.9")))
			.isEqualTo("203.0.113.5");
		assertThat(this.clients.of(exchange("2001:db8::1", "198.51.100.7"))).isEqualTo("198.51.100.7");
	}

	@Test
	void ofWhenForwardedForHoldsJunkOrOnlyProxiesThenThePeer() {
		assertThat(this.clients.of(exchange("10.1.2.3", "evil.example.com"))).isEqualTo("10.1.2.3");
		assertThat(this.clients.of(exchange("10.1.2.3", "10.4.4.4"))).isEqualTo("10.1.2.3");
		assertThat(this.clients.of(exchange("10.1.2.3", null))).isEqualTo("10.1.2.3");
	}

	private static MockServerWebExchange exchange(String peer, String forwardedFor) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/l/x")
			.remoteAddress(new InetSocketAddress(peer, 443));
		if (forwardedFor != null) {
			request.header("X-Forwarded-For", forwardedFor);
		}
		return MockServerWebExchange.from(request);
	}

}
