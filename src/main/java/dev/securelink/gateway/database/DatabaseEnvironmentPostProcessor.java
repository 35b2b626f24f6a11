package dev.securelink.gateway.database;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

import dev.securelink.gateway.keys.DevelopmentKeys;

/**
 * Decides the database before any bean exists: the configured server when {@code spring.r2dbc.url} is set,
 * otherwise a real embedded PostgreSQL with its data (and generated keys) under {@code securelink.data-dir}.
 * Flyway's JDBC URL is derived from the R2DBC one unless set, so one variable is enough for operators.
 */
class DatabaseEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** After config data (application.yaml, environment) is loaded; tests decide their database before this. */
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final String SOURCE = "securelinkDatabase";

	private final Log log;

	DatabaseEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.log = logFactory.getLog(DatabaseEnvironmentPostProcessor.class);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getPropertySources().contains(SOURCE)) {
			return;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		if (!StringUtils.hasText(environment.getProperty("spring.r2dbc.url"))) {
			Path dataDir = Path.of(environment.getProperty("securelink.data-dir", "data")).toAbsolutePath();
			EmbeddedDatabase database = EmbeddedDatabase.start(dataDir.resolve("postgres"), false, false);
			// Registered as the first bean so that it is destroyed last, after the web server and the pool.
			application.addInitializers((context) -> ((GenericApplicationContext) context)
				.registerBean("embeddedDatabase", EmbeddedDatabase.class, () -> database));
			application.addListeners((ApplicationListener<ApplicationFailedEvent>) (event) -> database.close());
			properties.putAll(database.springProperties());
			properties.putAll(DevelopmentKeys.loadOrCreate(dataDir.resolve("keys.properties"), environment, this.log));
			this.log.info("No database configured: started the embedded PostgreSQL on port " + database.port()
					+ " with data in " + dataDir);
		}
		if (!StringUtils.hasText(environment.getProperty("spring.flyway.url"))) {
			String r2dbcUrl = (String) properties.getOrDefault("spring.r2dbc.url",
					environment.getProperty("spring.r2dbc.url"));
			properties.put("spring.flyway.url", jdbcUrl(r2dbcUrl));
			properties.put("spring.flyway.user", properties.getOrDefault("spring.r2dbc.username",
					environment.getProperty("spring.r2dbc.username", "")));
			properties.put("spring.flyway.password", properties.getOrDefault("spring.r2dbc.password",
					environment.getProperty("spring.r2dbc.password", "")));
		}
		environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, properties));
	}

	/** {@code r2dbc:postgresql://host:port/db?x=y} → {@code jdbc:postgresql://host:port/db?x=y}. */
	static String jdbcUrl(String r2dbcUrl) {
		String prefix = "r2dbc:postgresql:";
		String pooled = "r2dbc:pool:postgresql:";
		if (r2dbcUrl.startsWith(prefix)) {
			return "jdbc:postgresql:" + r2dbcUrl.substring(prefix.length());
		}
		if (r2dbcUrl.startsWith(pooled)) {
			return "jdbc:postgresql:" + r2dbcUrl.substring(pooled.length());
		}
		throw new IllegalStateException("spring.r2dbc.url must be a PostgreSQL URL (r2dbc:postgresql://...)");
	}

}
