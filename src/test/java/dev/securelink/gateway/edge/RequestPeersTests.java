package dev.securelink.gateway.edge;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import dev.securelink.gateway.support.Behaviour;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whose trace a request joins: nobody's while tracing is off (nothing is read), a trusted
 * proxy's only when incoming traces are continued, and {@code baggage} never, so that no
 * client chooses its trace, forces it to be sampled or puts baggage on it.
 */
class RequestPeersTests {

	private static final String TRACEPARENT = "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01";

	private final ClientAddress clients = new ClientAddress(
			new WebProperties(List.of("10.0.0.0/8"), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ZERO));

	@Test
	void arrivedWhenTracingIsOffThenNothingIsTouched() {
		HttpRequest request = traced();
		new RequestPeers(null, false, null).arrived(request, from("203.0.113.9"));

		assertThat(request.headers().get("traceparent")).isEqualTo(TRACEPARENT);
	}

	@Test
	void arrivedWhenIncomingTracesAreNotContinuedThenEvenATrustedProxyStartsNone() {
		HttpRequest request = traced();
		new RequestPeers(null, true, null).arrived(request, from("10.1.2.3"));

		assertThat(request.headers().names()).containsOnly("Accept");
	}

	@Test
	@Behaviour("38b")
	void arrivedWhenIncomingTracesAreContinuedThenOnlyATrustedProxysAndNeverItsBaggage() {
		RequestPeers peers = new RequestPeers(null, true, this.clients);
		HttpRequest fromProxy = traced();
		HttpRequest fromClient = traced();
		peers.arrived(fromProxy, from("10.1.2.3"));
		peers.arrived(fromClient, from("203.0.113.9"));

		assertThat(fromProxy.headers().get("traceparent")).isEqualTo(TRACEPARENT);
		assertThat(fromProxy.headers().get("X-B3-TraceId")).isEqualTo("ab".repeat(16));
		assertThat(fromProxy.headers().contains("baggage")).isFalse();
		assertThat(fromClient.headers().names()).containsOnly("Accept");
	}

	private static HttpRequest traced() {
		HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/d/abc/");
		request.headers()
			.add("traceparent", TRACEPARENT)
			.add("tracestate", "vendor=forged")
			.add("baggage", "tenant=someone-else")
			.add("b3", TRACEPARENT)
			.add("X-B3-TraceId", "ab".repeat(16))
			.add("X-B3-Sampled", "1")
			.add("Accept", "text/html");
		return request;
	}

	private static Channel from(String address) {
		return new EmbeddedChannel() {

			@Override
			protected SocketAddress remoteAddress0() {
				return new InetSocketAddress(address, 40000);
			}

		};
	}

}
