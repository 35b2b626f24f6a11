package dev.securelink.gateway.ops;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.TestUpstream;

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
		WebTestClient management = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build();
		management.get()
			.uri("/actuator/health/liveness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
		management.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.r2dbc.status")
			.isEqualTo("UP");
		management.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("jvm_memory_used_bytes"));
		this.client.get().uri("/actuator/health").exchange().expectStatus().isNotFound();
	}

	@Test
	void prometheusWhenTheFlowRanThenEveryGatewayMetricIsExported() {
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		CreatedLink link = admin.createLink(tenant, Admin.linkRequest("/docs/metrics", "a@example.com"));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), "wrong@example.com");
		browser.verify(link.path(), "a@example.com");
		browser.get(link.documentSpace());

		String metrics = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(metrics).contains("securelink_verifications_total{outcome=\"verified\"")
			.contains("securelink_verifications_total{outcome=\"failed\"")
			.contains("securelink_sessions_issued_total{email_verified=\"true\"")
			.contains("securelink_upstream_requests_seconds_count{method=\"GET\",status=\"2xx\"")
			.contains("cache_gets_total{cache=\"links\"")
			.contains("securelink_audit_failures_total")
			.contains("securelink_audit_sealed_total")
			.contains("securelink_audit_unsealed_age_seconds")
			.contains("securelink_audit_checkpoints_total")
			.contains("securelink_audit_opened_dropped_total")
			.contains("securelink_notifications_reconnects_total");
	}

	@Test
	@Behaviour("38")
	void documentWhenAskedOnTheManagementPortThenNeverProxied() {
		Admin admin = new Admin(this.client);
		String document = "/docs/" + java.util.UUID.randomUUID();
		CreatedLink link = admin.createLink(Admin.newTenant(), Admin.linkRequest(document, "a@example.com"));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), "a@example.com");
		// The management server runs the application's filters but not its document
		// route: the page for an
		// address that is not valid, never the document.
		WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build()
			.get()
			.uri(link.documentSpace() + "page")
			.header(org.springframework.http.HttpHeaders.COOKIE, browser.cookieHeader())
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.valueEquals("X-SecureLink-Page", "badpath");
		assertThat(TestUpstream.received(document)).isEmpty();
		assertThat(browser.get(link.documentSpace() + "page").getStatus().value()).isEqualTo(200);
	}

	@Test
	void openApiWhenRequestedThenDescribesTheAdminApi() {
		this.client.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.paths['/admin/v1/tenants/{tenantId}/links']")
			.exists()
			.jsonPath("$.paths['/admin/v1/tenants/{tenantId}/settings']")
			.exists();
	}

}
