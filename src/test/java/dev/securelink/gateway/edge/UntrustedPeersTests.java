package dev.securelink.gateway.edge;

import java.net.InetAddress;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UntrustedPeersTests {

	SimpleMeterRegistry meters = new SimpleMeterRegistry();

	UntrustedPeers peers = new UntrustedPeers(this.meters, Duration.ofMinutes(1));

	@Test
	void checkWhenMostPeersArePrivateThenOneWarningCountedPerPeriod() throws Exception {
		for (int i = 0; i < 30; i++) {
			this.peers.observe(InetAddress.getByName("10.42.0." + (i % 3 + 1)));
		}
		this.peers.observe(InetAddress.getByName("203.0.113.7"));
		assertThat(this.peers.check()).isTrue();
		assertThat(this.meters.counter("securelink.untrusted.proxy.warnings").count()).isEqualTo(1);
		assertThat(this.peers.check()).as("a new period starts empty").isFalse();
	}

	@Test
	void checkWhenPeersArePublicLoopbackOrFewThenNoWarning() throws Exception {
		for (int i = 0; i < 30; i++) {
			this.peers.observe(InetAddress.getByName("198.51.100." + (i + 1)));
			this.peers.observe(InetAddress.getByName((i % 2 == 0) ? "127.0.0.1" : "::1"));
		}
		assertThat(this.peers.check()).isFalse();
		for (String address : new String[] { "192.168.1.1", "172.20.0.1", "fd00::1", "100.64.0.1" }) {
			this.peers.observe(InetAddress.getByName(address));
		}
		assertThat(this.peers.check()).as("too few requests to tell").isFalse();
		for (int i = 0; i < 25; i++) {
			this.peers.observe(InetAddress.getByName((i % 2 == 0) ? "fd00::" + (i + 1) : "100.64.3." + i));
		}
		assertThat(this.peers.check()).as("unique-local and shared address space count as private").isTrue();
		assertThat(this.meters.counter("securelink.untrusted.proxy.warnings").count()).isEqualTo(1);
	}

}
