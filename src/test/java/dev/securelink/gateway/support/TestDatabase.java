package dev.securelink.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.flywaydb.core.Flyway;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import dev.securelink.gateway.database.EmbeddedDatabase;

/**
 * The one place that decides which PostgreSQL the tests use, once per test JVM:
 * {@code TEST_DATABASE_URL} (a {@code postgresql://host:port/db} address, with
 * {@code TEST_DATABASE_USERNAME} and {@code TEST_DATABASE_PASSWORD}) when set, else
 * Testcontainers when a Docker engine answers, else the embedded PostgreSQL. Always a
 * real server, never H2 or mocks.
 */
public final class TestDatabase {

	private static Map<String, Object> properties;

	private static DatabaseClient client;

	private TestDatabase() {
	}

	/**
	 * The {@code spring.r2dbc.*} properties of the test database, starting it on first
	 * use.
	 */
	public static synchronized Map<String, Object> springProperties() {
		if (properties == null) {
			properties = start();
		}
		return properties;
	}

	/**
	 * The test database's server, seen from a test without a Spring context.
	 *
	 * @param r2dbcUrl the R2DBC URL of the test database (or of {@link #onDatabase
	 * another database} on the same server)
	 */
	public record Server(String r2dbcUrl, String user, String password) {

		/**
		 * The same server's database {@code name} (which the caller creates and drops).
		 */
		public Server onDatabase(String name) {
			return new Server(this.r2dbcUrl.replaceFirst("/[^/?]+(\\?.*)?$", "/" + name), this.user, this.password);
		}

		/** The JDBC URL, for Flyway and plain connections. */
		public String jdbcUrl() {
			return this.r2dbcUrl.replaceFirst("^r2dbc:", "jdbc:");
		}

		/**
		 * Runs the gateway's migrations, up to {@code target} ({@code "latest"} for all).
		 */
		public void migrate(String target) {
			Flyway.configure().dataSource(jdbcUrl(), this.user, this.password).target(target).load().migrate();
		}

		/** A plain JDBC connection, for a test that plays another client. */
		public Connection jdbcConnection() throws SQLException {
			return DriverManager.getConnection(jdbcUrl(), this.user, this.password);
		}

		/** A new R2DBC client (unpooled). */
		public DatabaseClient client() {
			return DatabaseClient.create(ConnectionFactories.get(ConnectionFactoryOptions.parse(this.r2dbcUrl)
				.mutate()
				.option(ConnectionFactoryOptions.USER, this.user)
				.option(ConnectionFactoryOptions.PASSWORD, this.password)
				.build()));
		}

	}

	/** The test database, starting it on first use. */
	public static Server server() {
		Map<String, Object> spring = springProperties();
		return new Server((String) spring.get("spring.r2dbc.url"), (String) spring.get("spring.r2dbc.username"),
				(String) spring.get("spring.r2dbc.password"));
	}

	/**
	 * A client on the test database with the gateway's schema migrated, for tests of one
	 * class without a Spring context (the same Flyway scripts; a no-op when a context
	 * migrated it already).
	 */
	public static synchronized DatabaseClient client() {
		if (client == null) {
			Server server = server();
			server.migrate("latest");
			client = server.client();
		}
		return client;
	}

	/**
	 * A plain JDBC connection to the test database, for a test that plays another client.
	 */
	public static Connection jdbcConnection() throws SQLException {
		return server().jdbcConnection();
	}

	/** Transactions on {@link #client()}'s connections. */
	public static TransactionalOperator transactions() {
		return transactions(client());
	}

	/** Transactions on {@code db}'s connections. */
	public static TransactionalOperator transactions(DatabaseClient db) {
		return TransactionalOperator.create(new R2dbcTransactionManager(db.getConnectionFactory()));
	}

	private static Map<String, Object> start() {
		String url = System.getenv("TEST_DATABASE_URL");
		if (url != null && !url.isBlank()) {
			Map<String, Object> explicit = new LinkedHashMap<>();
			explicit.put("spring.r2dbc.url", "r2dbc:" + url.replaceFirst("^(jdbc:|r2dbc:)", ""));
			explicit.put("spring.r2dbc.username", System.getenv().getOrDefault("TEST_DATABASE_USERNAME", "postgres"));
			explicit.put("spring.r2dbc.password", System.getenv().getOrDefault("TEST_DATABASE_PASSWORD", ""));
			return explicit;
		}
		if (DockerClientFactory.instance().isDockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
			container.start();
			Map<String, Object> docker = new LinkedHashMap<>();
			docker.put("spring.r2dbc.url", "r2dbc:postgresql://" + container.getHost() + ":"
					+ container.getMappedPort(5432) + "/" + container.getDatabaseName());
			docker.put("spring.r2dbc.username", container.getUsername());
			docker.put("spring.r2dbc.password", container.getPassword());
			return docker;
		}
		try {
			Path dir = Files.createTempDirectory("securelink-test-pg");
			return EmbeddedDatabase.start(dir, UUID.randomUUID().toString(), true, true).springProperties();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
