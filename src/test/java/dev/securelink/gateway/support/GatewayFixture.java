package dev.securelink.gateway.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The fixture of a test that drives the shared gateway through its API: the gateway's
 * client, its database, the test clock (reset after each test), and a tenant no other
 * test uses, with the admin API to set it up.
 */
@GatewayTest
public abstract class GatewayFixture {

	@Autowired
	protected WebTestClient client;

	@Autowired
	protected DatabaseClient db;

	@Autowired
	protected TestClock clock;

	protected Admin admin;

	protected String tenant;

	@BeforeEach
	void newTenant() {
		this.admin = new Admin(this.client);
		this.tenant = Admin.newTenant();
	}

	@AfterEach
	void resetClock() {
		this.clock.reset();
	}

}
