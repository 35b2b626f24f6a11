package dev.securelink.gateway.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.securelink.gateway.OutboxWorker;
import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook host in the private network is never contacted: not written as an address
 * (checked before any connection), nor as a name (checked on what the asynchronous
 * resolver answers, before connecting). A listener on loopback counts every connection.
 */
class WebhookBlockedDestinationTests {

	private final WebhookSecrets secrets = new WebhookSecrets(GatewayKeys.from(TestKeys.keysProperties()));

	private ServerSocket listener;

	private final AtomicInteger connections = new AtomicInteger();

	@BeforeEach
	void listen() throws IOException {
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread accepting = new Thread(() -> {
			while (!this.listener.isClosed()) {
				try (Socket socket = this.listener.accept()) {
					this.connections.incrementAndGet();
				}
				catch (IOException ex) {
					return;
				}
			}
		});
		accepting.setDaemon(true);
		accepting.start();
	}

	@AfterEach
	void close() throws IOException {
		this.listener.close();
	}

	@Test
	void sendWhenTheHostIsPrivateThenBlockedAndNeverContacted() {
		WebhookDispatcher dispatcher = dispatcher(false);
		int port = this.listener.getLocalPort();
		try {
			for (String url : List.of("http://localhost:" + port + "/hook", "http://127.0.0.1:" + port + "/hook",
					"http://[::ffff:127.0.0.1]:" + port + "/hook", "http://[::1]:" + port + "/hook",
					"https://LocalHost:" + port + "/hook", "http://" + hostName() + ":" + port + "/hook")) {
				OutboxWorker.Answer answer = dispatcher.send(claimed(url), Instant.now())
					.onErrorResume((ex) -> reactor.core.publisher.Mono
						.just(OutboxWorker.Answer.failed(WebhookDispatcher.errorClassOf(ex))))
					.block(Duration.ofSeconds(20));
				assertThat(answer.outcome()).as(url).isEqualTo("blocked-destination");
			}
		}
		finally {
			dispatcher.stop();
		}
		assertThat(this.connections).hasValue(0);
	}

	@Test
	void sendWhenPrivateDestinationsAreAllowedThenTheSameListenerIsReached() {
		WebhookDispatcher dispatcher = dispatcher(true);
		try {
			OutboxWorker.Answer answer = dispatcher
				.send(claimed("http://localhost:" + this.listener.getLocalPort() + "/hook"), Instant.now())
				.onErrorResume((ex) -> reactor.core.publisher.Mono
					.just(OutboxWorker.Answer.failed(WebhookDispatcher.errorClassOf(ex))))
				.block(Duration.ofSeconds(20));
			assertThat(answer.outcome()).isNotEqualTo("blocked-destination");
		}
		finally {
			dispatcher.stop();
		}
		assertThat(this.connections.get()).as("the listener counts what reaches it").isPositive();
	}

	@Test
	void resolveWhenANameResolvesToLoopbackThenTheResolutionFails() throws Exception {
		io.netty.channel.EventLoopGroup loops = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
				io.netty.channel.nio.NioIoHandler.newFactory());
		try (PublicAddressResolverGroup group = new PublicAddressResolverGroup(true)) {
			io.netty.resolver.AddressResolver<java.net.InetSocketAddress> resolver = group.getResolver(loops.next());
			java.net.InetSocketAddress name = java.net.InetSocketAddress.createUnresolved("localhost", 443);
			assertThat(resolver.resolve(name).await().cause())
				.isInstanceOf(PublicAddressResolverGroup.BlockedDestinationException.class);
			assertThat(resolver.resolveAll(name).await().cause())
				.isInstanceOf(PublicAddressResolverGroup.BlockedDestinationException.class);
			assertThat(resolver.resolve(new java.net.InetSocketAddress(InetAddress.getByName("10.0.0.1"), 443))
				.await()
				.cause()).isInstanceOf(PublicAddressResolverGroup.BlockedDestinationException.class);
		}
		finally {
			loops.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
		}
	}

	/**
	 * This machine's name, which resolves (through the hosts file) into its own network;
	 * not spelled {@code localhost}, so only the resolver can catch it.
	 */
	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (java.net.UnknownHostException ex) {
			return "localhost";
		}
	}

	private WebhookDispatcher dispatcher(boolean allowPrivate) {
		WebhookProperties properties = new WebhookProperties(allowPrivate, 10, Duration.ofSeconds(5),
				List.of(Duration.ZERO), Duration.ofDays(5), Duration.ofDays(30), Duration.ofSeconds(1), 10, 2);
		return new WebhookDispatcher(new WebhookQueue(TestDatabase.client()), this.secrets, properties,
				Clock.systemUTC(), new SimpleMeterRegistry(), dev.securelink.gateway.tracing.Tracing.off());
	}

	private WebhookQueue.Claimed claimed(String url) {
		byte[] secret = WebhookSecrets.generate();
		return new WebhookQueue.Claimed("dlv_blocked", "wh_blocked", "t-blocked", "msg_blocked", "{}", 1, "lease", url,
				this.secrets.encrypt("wh_blocked", secret), null, null);
	}

}
