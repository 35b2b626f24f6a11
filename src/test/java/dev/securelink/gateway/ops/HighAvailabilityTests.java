package dev.securelink.gateway.ops;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.ReplicatedPostgres;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway on a real primary and its hot standby (Debian's PostgreSQL, streaming
 * replication), named in one multi-host URL with the standby first and
 * {@code targetServerType=primary}: the gateway and Flyway pick the primary. A gateway
 * that reaches only a read-only server (the standby, as an address that still points at a
 * demoted primary does) answers every write 503 at once, on the admin API and the link
 * flow, grants nothing, and its readiness is down saying why. When the primary dies,
 * writes answer 503 until the standby is promoted, and then they go there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HighAvailabilityTests {

	static ReplicatedPostgres servers;

	static ConfigurableApplicationContext gateway;

	@BeforeAll
	static void start() {
		ReplicatedPostgres.require();
		servers = ReplicatedPostgres.start();
		gateway = gateway("failover://127.0.0.1:" + servers.standbyPort() + ",127.0.0.1:" + servers.primaryPort()
				+ "/postgres?targetServerType=primary");
	}

	@AfterAll
	static void stop() {
		if (gateway != null) {
			gateway.close();
		}
		if (servers != null) {
			servers.close();
		}
	}

	@Test
	@Order(1)
	void writesWhenTheServerAnswersReadOnlyThen503AtOnceNothingGrantedAndReadinessSaysWhy() throws Exception {
		String tenant = Admin.newTenant();
		CreatedLink link = new Admin(Instances.client(gateway, "local.server.port")).createLink(tenant,
				Map.of("document", "/invoices/read-only", "recipients", List.of("anna@example.com")));
		assertThat(count(servers.primaryPort(), "select count(*) from link")).as("written on the primary").isEqualTo(1);
		readiness(Instances.client(gateway, "local.management.port")).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.components.database.details.readOnly")
			.isEqualTo(false);

		ConfigurableApplicationContext onStandby = gateway("//127.0.0.1:" + servers.standbyPort() + "/postgres",
				"--spring.flyway.enabled=false");
		try {
			WebTestClient client = Instances.client(onStandby, "local.server.port");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(
						() -> assertThat(count(servers.standbyPort(), "select count(*) from link")).as("replicated")
							.isEqualTo(1));
			readiness(Instances.client(onStandby, "local.management.port")).expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.components.database.details.readOnly")
				.isEqualTo(true);
			long start = System.nanoTime();
			createLink(client, tenant).expectStatus()
				.isEqualTo(503)
				.expectHeader()
				.valueEquals(HttpHeaders.RETRY_AFTER, "5")
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails fast").isLessThan(Duration.ofSeconds(2));
			assertThat(new Browser(client).verify(link.path(), "anna@example.com").getStatus().value())
				.as("the e-mail check writes its attempt: refused, nothing granted")
				.isEqualTo(503);
		}
		finally {
			onStandby.close();
		}
	}

	@Test
	@Order(2)
	void writesWhenThePrimaryDiesThen503UntilTheStandbyIsPromotedThenThere() throws Exception {
		WebTestClient client = Instances.client(gateway, "local.server.port");
		WebTestClient management = Instances.client(gateway, "local.management.port");
		String tenant = Admin.newTenant();
		CreatedLink link = new Admin(client).createLink(tenant,
				Map.of("document", "/invoices/failover", "recipients", List.of("anna@example.com")));

		servers.stopPrimary();
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> readiness(management).expectStatus().isEqualTo(503));
		createLink(client, tenant).expectStatus().isEqualTo(503);

		servers.promoteStandby();
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> readiness(management).expectStatus().isOk());
		createLink(client, tenant).expectStatus().isCreated();
		assertThat(new Browser(client).verify(link.path(), "anna@example.com").getStatus().value()).isEqualTo(303);
		assertThat(count(servers.standbyPort(), "select count(*) from link where tenant_id = '" + tenant + "'"))
			.isEqualTo(2);
	}

	private static ConfigurableApplicationContext gateway(String location, String... more) {
		List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
				"--securelink.test.in-process=true", "--spring.r2dbc.url=r2dbc:postgresql:" + location,
				"--spring.r2dbc.username=postgres", "--spring.r2dbc.password=unused"));
		args.addAll(List.of(more));
		return Instances.start(new String[0], args.toArray(String[]::new));
	}

	private static WebTestClient.ResponseSpec createLink(WebTestClient client, String tenant) {
		return client.post()
			.uri("/admin/v1/tenants/" + tenant + "/links")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, Admin.ALL_SCOPES))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("document", "/invoices/during-failover", "recipients", List.of("anna@example.com")))
			.exchange();
	}

	private static WebTestClient.ResponseSpec readiness(WebTestClient management) {
		return management.get().uri("/actuator/health/readiness").exchange();
	}

	private static long count(int port, String sql) throws Exception {
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
				"postgres", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

}
