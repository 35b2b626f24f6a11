package dev.securelink.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of securelink-gateway. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

	/**
	 * Reactor Netty 1.3.8 can lose a kept-alive connection's next request when it arrives
	 * before the previous exchange's operations have terminated, which is what a browser
	 * does right after the link's 303 (reactor-netty#4188, #4347): about one first open
	 * in a hundred waited for the idle timeout in the benchmark. With this, the previous
	 * exchange is terminated on its last flush and the next request is served at once.
	 * Read once per JVM, when Reactor Netty's HTTP server classes load: set before
	 * anything starts, unless the operator set it.
	 */
	static final String LAST_FLUSH_WHEN_NO_READ = "reactor.netty.http.server.lastFlushWhenNoRead";

	public static void main(String[] args) {
		configureReactorNetty();
		SpringApplication.run(GatewayApplication.class, args);
	}

	/** Sets what {@link #main} sets before the application starts. */
	public static void configureReactorNetty() {
		if (System.getProperty(LAST_FLUSH_WHEN_NO_READ) == null) {
			System.setProperty(LAST_FLUSH_WHEN_NO_READ, "true");
		}
	}

}
