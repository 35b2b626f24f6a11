package dev.securelink.gateway.proxy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose document service refuses connections (nothing listens on the discard
 * port).
 */
@GatewayTest
@TestPropertySource(properties = "securelink.upstream.url=http://127.0.0.1:9")
class UpstreamDownTests {

	@Autowired
	WebTestClient client;

	@Test
	@Behaviour("33")
	void getWhenUpstreamRefusesThenTheGatewaysOwn502Page() {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		CreatedLink link = admin.createLink(tenant,
				Map.of("document", "/docs/down", "recipients", List.of("anna@example.com")));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), "anna@example.com");

		EntityExchangeResult<String> result = browser.get(link.documentSpace());

		assertThat(result.getStatus().value()).isEqualTo(502);
		assertThat(result.getResponseHeaders().getFirst("X-SecureLink-Page")).isEqualTo("badgateway");
		assertThat(result.getResponseHeaders().getFirst("Referrer-Policy")).isEqualTo("no-referrer");
	}

}
