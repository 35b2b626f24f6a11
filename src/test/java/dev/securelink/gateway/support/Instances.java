package dev.securelink.gateway.support;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

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
