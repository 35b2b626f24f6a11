package dev.securelink.gateway.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.Queries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A link opened by session after session (a loop, a crawler) records at most
 * {@code securelink.audit.max-opened-per-link} openings an hour; the rest are counted,
 * and the documents are served all the same.
 */
@GatewayTest
@TestPropertySource(properties = "securelink.audit.max-opened-per-link=2")
class OpenedCapTests {

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	@Autowired
	MeterRegistry meters;

	@Test
	@Behaviour("26")
	void openedWhenALinkIsOpenedByMoreSessionsThanTheCapThenOnlyTheCapIsRecordedAndTheRestCounted() {
		CreatedLink link = new Admin(this.client).createLink(Admin.newTenant(),
				Map.of("document", "/docs/popular", "recipients", List.of("anna@example.com")));
		double droppedBefore = this.meters.counter("securelink.audit.opened.dropped").count();
		for (int i = 1; i <= 3; i++) {
			Browser browser = new Browser(this.client).ip("203.0.113." + (70 + i));
			browser.verify(link.path(), "anna@example.com");
			assertThat(browser.get(link.documentSpace()).getStatus().value()).as("session " + i).isEqualTo(200);
		}
		assertThat(this.meters.counter("securelink.audit.opened.dropped").count() - droppedBefore).isEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Queries.events(this.db, link.id(), "opened")).isEqualTo(2));
	}

}
