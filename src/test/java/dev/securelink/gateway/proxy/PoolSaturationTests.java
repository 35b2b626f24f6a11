package dev.securelink.gateway.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.RawHttp;
import dev.securelink.gateway.support.TestUpstream;
import dev.securelink.gateway.support.TestUpstream.Scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway with one pooled upstream connection and room for one request waiting for it:
 * while a slow answer holds the connection, of two more requests one waits and the other
 * is refused at once.
 */
@GatewayTest
@TestPropertySource(properties = { "securelink.upstream.max-connections=1",
		"securelink.upstream.max-pending-acquires=1", "securelink.upstream.acquire-timeout=20s" })
class PoolSaturationTests {

	@Autowired
	WebTestClient client;

	@LocalServerPort
	int port;

	@Test
	@Behaviour("34b")
	void getWhenThePoolIsBusyAndItsQueueFullThenTheGatewaysOwn503AtOnce() throws Exception {
		String document = "/docs/saturated-" + System.nanoTime();
		CreatedLink link = new Admin(this.client).createLink(Admin.newTenant(),
				Map.of("document", document, "recipients", List.of("anna@example.com")));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), "anna@example.com");
		String cookie = "Cookie: " + browser.cookieHeader();

		CompletableFuture<RawHttp.Answer> holding = get(link.documentSpace() + Scenario.SLOW.segment(), cookie);
		await().atMost(Duration.ofSeconds(5)).until(() -> !TestUpstream.received(document + Scenario.SLOW).isEmpty());
		// The slow answer holds the only connection (until the 3 s response timeout): one
		// of
		// these two waits in the queue, the other finds it full.
		CompletableFuture<RawHttp.Answer> first = get(link.documentSpace() + "a", cookie);
		CompletableFuture<RawHttp.Answer> second = get(link.documentSpace() + "b", cookie);
		RawHttp.Answer refused = CompletableFuture.anyOf(first, second)
			.thenApply(RawHttp.Answer.class::cast)
			.get(2, TimeUnit.SECONDS);

		assertThat(refused.status()).isEqualTo(503);
		assertThat(refused.headers()).containsEntry("x-securelink-page", "unavailable");
		assertThat(holding).as("the slow answer still holds the connection").isNotDone();
		RawHttp.Answer waited = (first.get(10, TimeUnit.SECONDS) == refused) ? second.get(10, TimeUnit.SECONDS)
				: first.get(10, TimeUnit.SECONDS);
		assertThat(waited.status()).as("the queued one is served once the connection is free").isEqualTo(200);
		assertThat(holding.get(10, TimeUnit.SECONDS).status()).isEqualTo(504);
	}

	private CompletableFuture<RawHttp.Answer> get(String target, String cookie) {
		return CompletableFuture.supplyAsync(() -> {
			try (RawHttp connection = new RawHttp(this.port)) {
				return connection.exchange("GET", target, null, cookie);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

}
