package dev.securelink.gateway.proxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.RawHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser follows the link's 303 on the same kept-alive connection at once. Reactor
 * Netty 1.3.8 lost about one such request in a hundred under concurrency (it waited for
 * the idle timeout) unless {@code reactor.netty.http.server.lastFlushWhenNoRead} is on,
 * which {@code GatewayApplication} sets (and the test JVM, through
 * {@code GatewayJvmSettings}). The race needs the gateway's one core shared with its
 * database driver, as in the benchmark (whose error column shows it); here, on more
 * cores, this checks the journey itself: every visitor's first document request is
 * answered on the link's connection.
 */
@GatewayTest
class KeepAliveTests {

	private static final int VISITORS = 16;

	private static final int JOURNEYS = 120;

	@Autowired
	WebTestClient client;

	@LocalServerPort
	int port;

	@Test
	void firstDocumentRequestOnTheLinksConnectionIsAnsweredForEveryVisitor() throws Exception {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		admin.settings(tenant, false);
		String document = "/docs/" + UUID.randomUUID();
		List<CreatedLink> links = new ArrayList<>();
		for (int i = 0; i < JOURNEYS; i++) {
			links.add(admin.createLink(tenant, Admin.linkRequest(document, "visitor" + i + "@example.com")));
		}
		ExecutorService visitors = Executors.newFixedThreadPool(VISITORS);
		try {
			List<Future<Integer>> statuses = new ArrayList<>();
			for (CreatedLink link : links) {
				statuses.add(visitors.submit(() -> journey(link)));
			}
			for (Future<Integer> status : statuses) {
				assertThat(status.get()).isEqualTo(200);
			}
		}
		finally {
			visitors.shutdownNow();
		}
	}

	/**
	 * The link, then its document on the same connection; each read waits 5 s at most.
	 */
	private int journey(CreatedLink link) throws IOException {
		try (RawHttp connection = new RawHttp(this.port)) {
			RawHttp.Answer redirect = connection.exchange("GET", link.path(), null, "Accept: text/html");
			assertThat(redirect.status()).isEqualTo(303);
			String cookie = redirect.headers().get("set-cookie").split(";", 2)[0];
			return connection.exchange("GET", "/d/" + link.id() + "/", null, "Cookie: " + cookie).status();
		}
	}

}
