package dev.securelink.gateway.ops;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

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
	void openApiWhenRequestedThenDescribesTheAdminApi() {
		this.client.get().uri("/v3/api-docs").exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.paths['/admin/v1/tenants/{tenantId}/links']").exists()
			.jsonPath("$.paths['/admin/v1/tenants/{tenantId}/settings']").exists();
	}

}
