package dev.securelink.gateway.ops;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the chart ships for monitoring: its alerts pass {@code promtool check rules}
 * (Debian's {@code prometheus} package), and every gateway metric the alerts and the
 * dashboard name exists in a running gateway's {@code /actuator/prometheus}.
 */
@GatewayTest
class MonitoringTests {

	static final Path ALERTS = Path.of("helm", "securelink-gateway", "files", "alerts.yaml");

	static final Path DASHBOARD = Path.of("helm", "securelink-gateway", "files", "dashboard.json");

	static final Path PROMTOOL = Path.of("/usr/bin/promtool");

	/**
	 * The metrics the gateway itself exports (kube_ ones come from kube-state-metrics).
	 */
	static final Pattern GATEWAY_METRIC = Pattern.compile("\\b((?:securelink|http_server|r2dbc)_[a-z0-9_]+)\\b");

	@Autowired
	WebTestClient client;

	@LocalManagementPort
	int managementPort;

	@Test
	void alertsWhenCheckedByPromtoolThenValid() throws Exception {
		if (!Files.isExecutable(PROMTOOL)) {
			String message = "promtool check skipped: no " + PROMTOOL + ". Install it with: apt-get install prometheus";
			if ("true".equals(System.getenv("SECURELINK_REQUIRE_TOOLS"))) {
				fail(message.replace("skipped", "required (SECURELINK_REQUIRE_TOOLS=true)"));
			}
			Assumptions.abort(message);
		}
		Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", ALERTS.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(promtool.exitValue()).as(output).isZero();
		assertThat(output).contains("SUCCESS");
	}

	@Test
	void alertsAndDashboardWhenTheyNameGatewayMetricsThenEachIsExported() throws Exception {
		// The flow, so that the metrics made on first use exist: link pages, a session,
		// a proxied request, the admin API.
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(Admin.newTenant(), Admin.linkRequest("/docs/monitoring", "a@example.com"));
		Browser browser = new Browser(this.client);
		browser.verify(link.path(), "wrong@example.com");
		browser.verify(link.path(), "a@example.com");
		browser.get(link.documentSpace());
		String scrape = WebTestClient.bindToServer()
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
		Set<String> exported = new TreeSet<>();
		for (String line : scrape.split("\n")) {
			if (!line.startsWith("#") && !line.isBlank()) {
				exported.add(line.split("[{ ]", 2)[0]);
			}
		}
		for (Path file : List.of(ALERTS, DASHBOARD)) {
			Set<String> named = new TreeSet<>();
			Matcher matcher = GATEWAY_METRIC.matcher(Files.readString(file));
			while (matcher.find()) {
				named.add(matcher.group(1));
			}
			assertThat(named).as(file + " names gateway metrics").isNotEmpty();
			assertThat(exported).as(file + ": every metric it names is exported").containsAll(named);
		}
	}

}
