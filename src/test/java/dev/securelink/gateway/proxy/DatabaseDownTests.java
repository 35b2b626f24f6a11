package dev.securelink.gateway.proxy;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.database.EmbeddedDatabase;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.TestUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/** A gateway on a database of its own, which the test stops under it. */
@GatewayTest
class DatabaseDownTests {

	static EmbeddedDatabase database;

	@Autowired
	WebTestClient client;

	@DynamicPropertySource
	static void ownDatabase(DynamicPropertyRegistry registry) throws Exception {
		database = EmbeddedDatabase.start(Files.createTempDirectory("securelink-down-pg"), "down-test-password", true,
				true);
		database.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		registry.add("spring.flyway.url", () -> "jdbc:postgresql://localhost:" + database.port() + "/postgres");
		registry.add("spring.flyway.user", () -> "postgres");
		registry.add("spring.flyway.password", () -> "down-test-password");
	}

	@AfterAll
	static void stop() {
		database.close();
	}

	@Test
	@Behaviour("29")
	void signWhenTheAuditCannotBeWrittenThen503AndNothingForwarded() {
		String document = "/docs/" + UUID.randomUUID();
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(Admin.newTenant(),
				Map.of("document", document, "recipients", List.of("anna@example.com"), "rights", List.of("sign")));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), "anna@example.com");
		assertThat(browser.get(link.documentSpace()).getStatus().value()).isEqualTo(200);

		database.close();

		assertThat(browser.post(link.documentSpace() + "sign/confirm", Map.of("signature", "Anna")).getStatus().value())
			.isEqualTo(503);
		assertThat(TestUpstream.received(document)).extracting(TestUpstream.Received::method).containsExactly("GET");
		assertThat(browser.get(link.documentSpace() + "again").getStatus().value())
			.as("reading goes on from the caches")
			.isEqualTo(200);
	}

}
