package dev.securelink.gateway;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import dev.securelink.gateway.support.CapturingAppender;
import dev.securelink.gateway.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs last: every line the whole suite logged, the access log included, holds no code,
 * cookie or address.
 */
@Order(Integer.MAX_VALUE)
class LogHygieneTests {

	@Test
	void logsWhenTheWholeSuiteHasRunThenHoldNoCodeCookieOrAddress() {
		List<String> lines = CapturingAppender.lines();
		Set<String> secrets = Secrets.all();
		assertThat(secrets).as("the suite handled codes, cookies and addresses").hasSizeGreaterThan(20);
		assertThat(lines).as("the access log named links by id")
			.anyMatch((line) -> line.startsWith("securelink.access") && line.matches(".*/l/~[A-Za-z0-9_-]{16}.*"));
		assertThat(lines).as("the access log has the documents the route proxied")
			.anyMatch((line) -> line.startsWith("securelink.access")
					&& line.matches(".*GET /d/[A-Za-z0-9_-]{16}/\\S* 200 \\d+ms.*"));
		for (String line : lines) {
			if (line.startsWith("org.springframework.test.web.reactive.server.ExchangeResult")) {
				// WebTestClient's own dump of a failed test's request: the test client's
				// output, not the gateway's.
				continue;
			}
			for (String secret : secrets) {
				assertThat(line.toLowerCase(Locale.ROOT)).as("a log line")
					.doesNotContain(secret.toLowerCase(Locale.ROOT));
			}
		}
	}

}
