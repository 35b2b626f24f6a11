package dev.securelink.gateway.database;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.securelink.gateway.keys.DevelopmentKeys;

/**
 * Decides the database before any bean exists: the configured server when
 * {@code spring.r2dbc.url} is set; otherwise, only when asked for with
 * {@code securelink.database.embedded=true} (the development run and the demo ask,
 * production never does), a real embedded PostgreSQL with its data, password and
 * generated keys under {@code securelink.data-dir}. Without either, start-up fails at
 * once, naming what to configure: a forgotten URL must never give a replica a database of
 * its own. Flyway's JDBC URL is derived from the R2DBC one unless set, so one variable is
 * enough for operators.
 */
class DatabaseEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * After config data (application.yaml, environment) is loaded; tests decide their
	 * database before this.
	 */
	static final int ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	private static final String SOURCE = "securelinkDatabase";

	/** Asks for the embedded PostgreSQL (development only). */
	static final String EMBEDDED = "securelink.database.embedded";

	/**
	 * Says that {@code spring.r2dbc.url} goes through a transaction-pooling proxy
	 * (PgBouncer's {@code pool_mode = transaction}): statements are then never named.
	 */
	static final String TRANSACTION_POOLER = "securelink.database.transaction-pooler";

	private static final String STATEMENT_CACHE = "spring.r2dbc.properties.preparedStatementCacheQueries";

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
			if (!environment.getProperty(EMBEDDED, Boolean.class, false)) {
				throw new MissingConfigurationException(missing(environment));
			}
			if (!ClassUtils.isPresent("io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
					getClass().getClassLoader())) {
				throw new MissingConfigurationException(List.of("spring.r2dbc.url (" + EMBEDDED + "=true, but this "
						+ "artifact carries no embedded PostgreSQL: it is for ./mvnw spring-boot:run only)"));
			}
			Path dataDir = Path.of(environment.getProperty("securelink.data-dir", "data")).toAbsolutePath();
			Map<String, Object> keys = DevelopmentKeys.loadOrCreate(dataDir.resolve("keys.properties"), environment,
					this.log);
			EmbeddedDatabase database = EmbeddedDatabase.start(
					dataDir.resolve("postgres"), (String) Objects
						.requireNonNull(keys.remove(DevelopmentKeys.DATABASE_PASSWORD), "loadOrCreate fills it"),
					false, false);
			// Registered as the first bean so that it is destroyed last, after the web
			// server and the pool.
			application.addInitializers((context) -> ((GenericApplicationContext) context)
				.registerBean("embeddedDatabase", EmbeddedDatabase.class, () -> database));
			application.addListeners((ApplicationListener<ApplicationFailedEvent>) (event) -> database.close());
			properties.putAll(database.springProperties());
			properties.putAll(keys);
			this.log.info(EMBEDDED + ": started the embedded PostgreSQL on port " + database.port() + " with data in "
					+ dataDir);
		}
		boolean pooler = environment.getProperty(TRANSACTION_POOLER, Boolean.class, false);
		if (pooler && !environment.containsProperty(STATEMENT_CACHE)) {
			// Named prepared statements live on a server connection, which a transaction
			// pooler hands to another client after each transaction ("prepared statement
			// S_0 already exists"); unnamed ones last one round trip, which it keeps
			// whole.
			properties.put(STATEMENT_CACHE, "0");
		}
		if (!StringUtils.hasText(environment.getProperty("spring.flyway.url"))) {
			// Set by now: the embedded database's, or configured (checked above).
			Object embeddedUrl = properties.get("spring.r2dbc.url");
			String r2dbcUrl = (embeddedUrl != null) ? (String) embeddedUrl
					: environment.getRequiredProperty("spring.r2dbc.url");
			String jdbcUrl = jdbcUrl(r2dbcUrl);
			properties.put("spring.flyway.url",
					pooler ? jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "prepareThreshold=0" : jdbcUrl);
			properties.put("spring.flyway.user", properties.getOrDefault("spring.r2dbc.username",
					environment.getProperty("spring.r2dbc.username", "")));
			properties.put("spring.flyway.password", properties.getOrDefault("spring.r2dbc.password",
					environment.getProperty("spring.r2dbc.password", "")));
		}
		environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, properties));
	}

	/**
	 * What a production start lacks, every item at once: the database URL, and the keys
	 * not configured either.
	 */
	static List<String> missing(Environment environment) {
		List<String> missing = new ArrayList<>();
		missing.add("spring.r2dbc.url (SPRING_R2DBC_URL, with .username and .password; or " + EMBEDDED
				+ "=true for a development database)");
		for (String key : List.of("securelink.keys.email-pepper", "securelink.keys.session")) {
			if (!StringUtils.hasText(environment.getProperty(key))) {
				missing.add(key);
			}
		}
		for (String key : List.of("securelink.keys.assertion", "securelink.keys.checkpoint")) {
			if (!StringUtils.hasText(environment.getProperty(key))
					&& !StringUtils.hasText(environment.getProperty(key + "-location"))) {
				missing.add(key + " (or " + key + "-location)");
			}
		}
		return missing;
	}

	/**
	 * {@code r2dbc:postgresql://host:port/db?x=y} →
	 * {@code jdbc:postgresql://host:port/db?x=y}; with several hosts,
	 * {@code r2dbc:postgresql:failover://h1:p1,h2:p2/db?targetServerType=primary} →
	 * {@code jdbc:postgresql://h1:p1,h2:p2/db?targetServerType=primary}.
	 */
	static String jdbcUrl(String r2dbcUrl) {
		// r2dbc-postgresql names several hosts with the failover protocol; PostgreSQL's
		// JDBC driver takes the same host list and targetServerType without one.
		String url = r2dbcUrl.replaceFirst("^(r2dbc:(?:pool:)?postgresql):failover:", "$1:");
		String prefix = "r2dbc:postgresql:";
		String pooled = "r2dbc:pool:postgresql:";
		if (url.startsWith(prefix)) {
			return "jdbc:postgresql:" + url.substring(prefix.length());
		}
		if (url.startsWith(pooled)) {
			return "jdbc:postgresql:" + url.substring(pooled.length());
		}
		throw new IllegalStateException("spring.r2dbc.url must be a PostgreSQL URL (r2dbc:postgresql://...)");
	}

}
