package dev.securelink.gateway.edge;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressTests {

	ClientAddress clients = new ClientAddress(new WebProperties(List.of("10.0.0.0/8", "2001:db8::/32"),
			Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(5)));

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

	@Test
	void ofWhenForwardedForHoldsLooseOrDnsLikeLiteralsThenThePeerNeverALookup() {
		for (String loose : List.of("1.2.3", "010.1.1.1", "0x7f.0.0.1", "1.2.3.4:80", "[2001:db8::1]", "fe80::1%eth0",
				"2130706433", "1.2.3.256", " 1.2.3.4x", "localhost", "::ffff:1.2.3.4.5")) {
			assertThat(this.clients.of(exchange("10.1.2.3", loose))).as(loose).isEqualTo("10.1.2.3");
		}
		assertThat(this.clients.of(exchange("::ffff:10.1.2.3", "198.51.100.7"))).as("IPv4-mapped peer")
			.isEqualTo("198.51.100.7");
	}

	@Test
	void trustedProxiesWhenNotStrictIpNetworksThenStartUpFailsNamingTheProperty() {
		for (String bad : List.of("10.0.0.0/33", "10.0.0/8", "10.0.0.0/+8", "proxy.internal", "10.0.0.0/", "::1/129")) {
			assertThatThrownBy(() -> new ClientAddress(new WebProperties(List.of(bad), Duration.ofSeconds(10),
					Duration.ofSeconds(15), Duration.ofSeconds(5))))
				.as(bad)
				.hasMessageContaining("securelink.trusted-proxies");
		}
	}

	@Test
	void keyWhenIpv6ThenTheSlash64AndWhenIpv4ThenTheAddressInAnySpelling() {
		assertThat(ClientAddress.key("2001:db8:1:2:aaaa::1")).isEqualTo(ClientAddress.key("2001:db8:1:2::ffff"))
			.isEqualTo("2001:db8:1:2::/64");
		assertThat(ClientAddress.key("2001:db8:1:3::1")).isNotEqualTo(ClientAddress.key("2001:db8:1:2::1"));
		assertThat(ClientAddress.key("203.0.113.9")).isEqualTo("203.0.113.9");
		assertThat(ClientAddress.key("::ffff:203.0.113.9")).as("IPv4-mapped").isEqualTo("203.0.113.9");
		assertThat(ClientAddress.key("::FFFF:cb00:7109")).as("IPv4-mapped, hex").isEqualTo("203.0.113.9");
		assertThat(ClientAddress.key("2001:0DB8:0001:0002::1")).isEqualTo(ClientAddress.key("2001:db8:1:2::2"));
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
