package dev.securelink.gateway.ops;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.GatewayTest;

import static org.assertj.core.api.Assertions.assertThat;

@GatewayTest
class OperationsTests {

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	WebTestClient client;

	@Test
	void managementWhenOnItsOwnPortThenProbesIncludeTheDatabaseAndPrometheusServes() {
		assertThat(this.managementPort).isNotEqualTo(this.port);
		WebTestClient management = WebTestClient.bindToServer().baseUrl("http://localhost:" + this.managementPort)
			.build();
		management.get().uri("/actuator/health/liveness").exchange()
			.expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
		management.get().uri("/actuator/health/readiness").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.status").isEqualTo("UP")
			.jsonPath("$.components.r2dbc.status").isEqualTo("UP");
		management.get().uri("/actuator/prometheus").exchange()
			.expectStatus().isOk()
			.expectBody(String.class).value((body) -> assertThat(body).contains("jvm_memory_used_bytes"));
		this.client.get().uri("/actuator/health").exchange().expectStatus().isNotFound();
	}

	@Test
	void prometheusWhenTheFlowRanThenEveryGatewayMetricIsExported() {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		java.util.Map<String, Object> link = admin.createLink(tenant, Admin.linkRequest("/docs/metrics", "a@example.com"));
		Browser browser = new Browser(this.client);
		browser.verify(Browser.path((String) link.get("url")), "wrong@example.com");
		browser.verify(Browser.path((String) link.get("url")), "a@example.com");
		browser.get("/d/" + link.get("id") + "/");

		String metrics = WebTestClient.bindToServer().baseUrl("http://localhost:" + this.managementPort).build()
			.get().uri("/actuator/prometheus").exchange()
			.expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(metrics).contains("securelink_verifications_total{outcome=\"verified\"")
			.contains("securelink_verifications_total{outcome=\"failed\"")
			.contains("securelink_sessions_issued_total{email_verified=\"true\"")
			.contains("securelink_upstream_requests_seconds_count{method=\"GET\",status=\"2xx\"")
			.contains("cache_gets_total{cache=\"links\"")
			.contains("securelink_audit_failures_total")
			.contains("securelink_notifications_reconnects_total");
	}

	@Test
	void openApiWhenRequestedThenDescribesTheAdminApi() {
		this.client.get().uri("/v3/api-docs").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.paths['/admin/v1/tenants/{tenantId}/links']").exists()
			.jsonPath("$.paths['/admin/v1/tenants/{tenantId}/settings']").exists();
	}

}
