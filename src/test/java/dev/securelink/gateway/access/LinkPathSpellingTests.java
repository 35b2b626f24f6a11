package dev.securelink.gateway.access;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CapturingAppender;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.RawHttp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * However a link's path is spelled, and whatever answers it, no log line ever holds its
 * code.
 */
@GatewayTest
class LinkPathSpellingTests {

	@Autowired
	WebTestClient client;

	@LocalServerPort
	int port;

	@Test
	@Behaviour({ "0e", "1a" })
	void anySpellingWhenRoutedOrRefusedThenTheCodeIsInNoLogLine() throws Exception {
		CreatedLink link = new Admin(this.client).createLink(Admin.newTenant(),
				Map.of("document", "/invoices/spelling", "recipients", List.of("anna@example.com")));
		String code = link.path().substring(3);
		String escaped = "%" + Integer.toHexString(code.charAt(0)) + code.substring(1);
		List<String> targets = List.of("/l/" + code, "/%6C/" + code, "/%6c/" + code + "/sign", "/l;x=1/" + code,
				"//l/" + code, "/l//" + code, "/L/" + code, "/l/" + code + "/", "/l/" + code + "%00",
				"/l/" + code + ";jsessionid=1", "/l/" + code + "/bogus", "/l/" + code + "/" + code, "/x/../l/" + code,
				"/l/%2e%2e/" + code, "/l/" + escaped, "/l/" + code + "%2Fsign", "/" + code, "/_gw/" + code,
				"/l\\\\" + code, "/l/" + code + "?lang=fr&x=" + code);
		int before = CapturingAppender.lines().size();
		int i = 0;
		for (String target : targets) {
			for (String method : List.of("GET", "POST", "HEAD", "OPTIONS", "BREW")) {
				try (RawHttp connection = new RawHttp(this.port)) {
					String ip = "X-Forwarded-For: 198.51.100." + (i++ % 250);
					RawHttp.Answer answer = method.equals("POST")
							? connection.exchange(method, target, "email=x%40example.com", ip,
									"Content-Type: application/x-www-form-urlencoded", "Origin: " + Browser.ORIGIN)
							: connection.exchange(method, target, null, ip);
					assertThat(answer.status()).as(method + " " + target).isBetween(200, 499);
				}
			}
		}
		List<String> lines = CapturingAppender.lines();
		assertThat(lines.size()).as("the access log wrote these requests").isGreaterThan(before);
		for (String line : lines.subList(before, lines.size())) {
			assertThat(line).doesNotContain(code).doesNotContain(code.substring(1));
		}
	}

}
