package dev.securelink.gateway.support;

import java.time.Duration;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.GatewayApplication;

/**
 * Gateways a test starts itself, beside the shared test context, on the same test
 * database and keys.
 */
public final class Instances {

	private Instances() {
	}

	/**
	 * Starts a gateway with {@code args} as command-line arguments (they beat
	 * application.yaml, unlike default properties). It gets event loops of its own:
	 * closing it must not dispose the global ones that every other context in the test
	 * JVM uses.
	 */
	/**
	 * A client of {@code context}'s server on the port its environment names under
	 * {@code portProperty} ({@code local.server.port}, {@code local.management.port}).
	 */
	public static WebTestClient client(ConfigurableApplicationContext context, String portProperty) {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + context.getEnvironment().getProperty(portProperty))
			.responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	public static ConfigurableApplicationContext start(String[] profiles, String... args) {
		return new SpringApplicationBuilder(GatewayApplication.class).profiles(profiles)
			.initializers((context) -> ((GenericApplicationContext) context).registerBean(ReactorResourceFactory.class,
					() -> {
						ReactorResourceFactory resources = new ReactorResourceFactory();
						resources.setUseGlobalResources(false);
						return resources;
					}))
			.run(args);
	}

}
