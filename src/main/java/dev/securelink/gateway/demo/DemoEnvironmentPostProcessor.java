package dev.securelink.gateway.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With the {@code demo} profile only: trusts a development token issuer whose key is
 * generated on first start under the data directory (so the printed token works across
 * restarts), points the upstream at the in-process demo document service, serves each
 * document on {@code {link}.localhost}, and, without a relay of its own, sends mails to
 * an in-process SMTP server ({@link DemoMail}, when the demo's SMTP server is on the
 * class path, as with {@code ./mvnw spring-boot:run}). Anything configured explicitly
 * wins.
 */
class DemoEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String ISSUER_KEY = "demo-issuer.pem";

	static final String ISSUER_PUBLIC_KEY = "demo-issuer.pub";

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE - 50;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!Arrays.asList(environment.getActiveProfiles()).contains("demo")) {
			return;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		if (environment.getProperty("spring.security.oauth2.resourceserver.jwt.public-key-location") == null
				&& environment.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri") == null
				&& environment.getProperty("spring.security.oauth2.resourceserver.jwt.jwk-set-uri") == null) {
			Path dataDir = Path.of(environment.getProperty("securelink.data-dir", "data")).toAbsolutePath();
			DemoIssuer.loadOrCreate(dataDir.resolve(ISSUER_KEY), dataDir.resolve(ISSUER_PUBLIC_KEY));
			properties.put("spring.security.oauth2.resourceserver.jwt.public-key-location",
					dataDir.resolve(ISSUER_PUBLIC_KEY).toUri().toString());
			properties.put("securelink.demo.issuer-key", dataDir.resolve(ISSUER_KEY).toString());
			properties.put("spring.security.oauth2.resourceserver.jwt.audiences", DemoIssuer.AUDIENCE);
			properties.put("securelink.admin.issuer", DemoIssuer.ISSUER);
		}
		// The demo's webhook receiver is on this machine, over http.
		properties.put("securelink.webhooks.allow-private-destinations", "true");
		if (environment.getProperty("securelink.upstream.url") == null) {
			properties.put("securelink.upstream.url",
					"http://localhost:" + environment.getProperty("securelink.demo.port", "8081"));
		}
		if (environment.getProperty("securelink.documents.origin") == null
				&& !"true".equals(environment.getProperty("securelink.documents.shared-origin"))) {
			// Each document on an origin of its own, as in production: browsers resolve
			// every *.localhost name to this machine.
			properties.put("securelink.documents.origin",
					"http://{link}.localhost:" + environment.getProperty("server.port", "8080"));
		}
		if (environment.getProperty("spring.mail.host") == null && smtpServerAvailable()) {
			int port = environment.getProperty("securelink.demo.mail-port", Integer.class, 0);
			port = (port != 0) ? port : freePort();
			properties.put("securelink.demo.mail-port", port);
			properties.put("spring.mail.host", "127.0.0.1");
			properties.put("spring.mail.port", port);
			properties.putIfAbsent("securelink.mail.from", "Secure documents (demo) <no-reply@securelink.localhost>");
			// The in-process SMTP server's log names each mailbox it creates.
			properties.put("logging.level.com.icegreen", "warn");
		}
		environment.getPropertySources().addLast(new MapPropertySource("securelinkDemo", properties));
	}

	/**
	 * Whether the demo's SMTP server is on the class path (never {@link DemoMail} itself,
	 * which needs it, loaded to find out).
	 */
	private static boolean smtpServerAvailable() {
		try {
			Class.forName("com.icegreen.greenmail.util.GreenMail", false,
					DemoEnvironmentPostProcessor.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

	private static int freePort() {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void writeIfMissing(Path file, String content) {
		try {
			if (!Files.exists(file)) {
				Files.createDirectories(file.getParent());
				Files.writeString(file, content);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
