package dev.securelink.gateway.admin;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.RawHttp;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code securelink.admin.port}, the admin API lives on its own listener and nowhere
 * else.
 */
@GatewayTest
@TestPropertySource(properties = "securelink.admin.port=0")
class AdminListenerTests {

	@LocalServerPort
	int publicPort;

	@Autowired
	AdminListener listener;

	@Test
	void adminApiWhenAskedOnThePublicPortThen404InAnySpellingAndOnTheAdminPortServed() throws Exception {
		String tenant = Admin.newTenant();
		String token = "Authorization: Bearer " + TestKeys.token(tenant, Admin.ALL_SCOPES);
		for (String path : new String[] { "/admin/v1/tenants/" + tenant + "/links",
				"/%61dmin/v1/tenants/" + tenant + "/links", "/ADMIN/v1/tenants/" + tenant + "/links", "/v3/api-docs",
				"/swagger-ui.html" }) {
			assertThat(status(this.publicPort, "GET", path, token)).as("public " + path).isEqualTo(404);
		}
		assertThat(status(this.publicPort, "HEAD", "/admin/v1/tenants/" + tenant + "/links", token)).isEqualTo(404);

		int adminPort = this.listener.port();
		assertThat(adminPort).isNotEqualTo(this.publicPort);
		assertThat(status(adminPort, "GET", "/admin/v1/tenants/" + tenant + "/links", token)).isEqualTo(200);
		assertThat(status(adminPort, "GET", "/admin/v1/tenants/" + tenant + "/links", "X-Nothing: 1")).isEqualTo(401);
		assertThat(status(adminPort, "GET", "/v3/api-docs", "X-Nothing: 1")).isEqualTo(200);
		assertThat(status(adminPort, "GET", "/l/" + "C".repeat(32), "X-Nothing: 1")).as("no link flow").isEqualTo(404);
		assertThat(status(adminPort, "GET", "/d/AAAAAAAAAAAAAAAA/", "X-Nothing: 1")).isEqualTo(404);
		assertThat(status(this.publicPort, "GET", "/l/" + "C".repeat(32), "X-Nothing: 1")).isEqualTo(404);
	}

	private static int status(int port, String method, String path, String header) throws Exception {
		try (RawHttp connection = new RawHttp(port)) {
			return connection.exchange(method, path, null, header).status();
		}
	}

}
