package dev.securelink.gateway.support;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points every application context that a test starts (including second instances started
 * by hand) at the test database and the test keys, before the gateway decides on an
 * embedded database of its own. Properties a test sets itself win.
 */
class TestEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 200;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty("spring.r2dbc.url")
				&& !environment.getProperty("securelink.test.in-process", Boolean.class, false)) {
			// A gateway a test started in its own JVM, already told everything. One
			// started in this JVM on another database (securelink.test.in-process)
			// gets the rest of the test settings.
			return;
		}
		Map<String, Object> properties = new LinkedHashMap<>(TestDatabase.springProperties());
		properties.putAll(TestKeys.springProperties());
		if ("false".equals(environment.getProperty("securelink.test.issuer"))) {
			// A test of the demo's own token issuer: leave the admin API's trust to the
			// demo.
			properties.remove("spring.security.oauth2.resourceserver.jwt.public-key-location");
			properties.remove("spring.security.oauth2.resourceserver.jwt.audiences");
			properties.remove("securelink.admin.issuer");
		}
		// Tests are "behind a proxy" on loopback, so each can act from its own client IP
		// via X-Forwarded-For.
		properties.put("securelink.trusted-proxies", "127.0.0.1/32,::1/128");
		properties.put("securelink.upstream.url", TestUpstream.url());
		properties.put("securelink.upstream.response-timeout", "3s");
		properties.put("securelink.upstream.allowed-redirect-hosts", "pay.example.com");
		properties.put("securelink.audit.seal-interval", "100ms");
		// Webhook receivers in the tests listen on loopback, over http.
		properties.put("securelink.webhooks.allow-private-destinations", "true");
		// The retry schedule, short: an attempt at once, then after 1 s and 2 s.
		properties.put("securelink.webhooks.retry-schedule", "0s,1s,2s");
		properties.put("securelink.webhooks.poll-interval", "100ms");
		properties.put("securelink.webhooks.timeout", "2s");
		properties.put("securelink.links.expiry-check-interval", "500ms");
		// Mails go through a real SMTP server on loopback (unless a test starts a
		// gateway without a relay).
		if (!"false".equals(environment.getProperty("securelink.test.mail"))) {
			properties.putAll(TestMail.springProperties());
		}
		// The SMTP server's own log names the mailboxes it creates: the relay's side, not
		// the gateway's (a real relay's log is the operator's), kept out of
		// LogHygieneTests.
		properties.put("logging.level.com.icegreen", "warn");
		properties.put("securelink.limits.renewal-answer-time", "150ms");
		// Contexts the tests close need not wait for load balancers (DrainTests waits).
		properties.put("securelink.drain-time", "0s");
		properties.put("securelink.audit.checkpoint-interval", "300ms");
		if (!environment.containsProperty("securelink.documents.origin")) {
			// Documents under /d/ on the gateway's origin, as most tests address them;
			// the tests of documents on origins of their own configure one.
			properties.put("securelink.documents.shared-origin", "true");
		}
		properties.keySet().removeIf(environment::containsProperty);
		environment.getPropertySources().addLast(new MapPropertySource("securelinkTest", properties));
	}

}
