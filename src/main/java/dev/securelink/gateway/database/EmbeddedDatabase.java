package dev.securelink.gateway.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server started from the zonky binaries, for development and tests
 * only; as root it runs under {@code unshare} as nobody. Its superuser has a password and
 * every connection must give it (SCRAM-SHA-256): a new cluster is created by initdb with
 * trust authentication, and is switched over, password set and {@code pg_hba.conf}
 * rewritten and reloaded, before this method returns and before anything else connects.
 */
public final class EmbeddedDatabase implements AutoCloseable {

	private static final String USER = "postgres";

	private static final String DATABASE = "postgres";

	private static final String HBA = """
			# Written by securelink-gateway: every connection gives the generated password.
			local all all scram-sha-256
			host all all 127.0.0.1/32 scram-sha-256
			host all all ::1/128 scram-sha-256
			""";

	private final EmbeddedPostgres postgres;

	private final String password;

	private boolean closed;

	private EmbeddedDatabase(EmbeddedPostgres postgres, String password) {
		this.postgres = postgres;
		this.password = password;
	}

	/**
	 * Starts a server on a free port.
	 * @param dataDirectory where the cluster lives
	 * @param password the superuser's password; a kept cluster must have been created
	 * with the same one
	 * @param clean whether to wipe it on start (tests) or keep it across restarts (the
	 * default run)
	 * @param stopAtExit whether a JVM shutdown hook stops it; an application stops it
	 * itself, after the web server has drained, since a hook would run at the same time
	 * as that drain
	 */
	public static EmbeddedDatabase start(Path dataDirectory, String password, boolean clean, boolean stopAtExit) {
		try {
			Files.createDirectories(dataDirectory);
			Path hba = dataDirectory.resolve("pg_hba.conf");
			boolean secured = !clean && Files.exists(hba) && Files.readString(hba).equals(HBA);
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				.setCleanDataDirectory(clean)
				.setRegisterShutdownHook(stopAtExit)
				.setServerConfig("max_connections", "200")
				.setServerConfig("password_encryption", "scram-sha-256")
				.setConnectConfig("password", password)
				.start();
			if (!secured) {
				secure(postgres, hba, password);
			}
			return new EmbeddedDatabase(postgres, password);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDirectory, ex);
		}
	}

	private static void secure(EmbeddedPostgres postgres, Path hba, String password) throws IOException {
		try (Connection connection = postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("alter role " + USER + " password '" + password.replace("'", "''") + "'");
			Files.writeString(hba, HBA);
			statement.execute("select pg_reload_conf()");
		}
		catch (SQLException ex) {
			throw new IOException("Could not set the embedded PostgreSQL's password", ex);
		}
	}

	public int port() {
		return this.postgres.getPort();
	}

	/** The {@code spring.r2dbc.*} properties that point at this server. */
	public Map<String, Object> springProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.r2dbc.url", "r2dbc:postgresql://localhost:" + port() + "/" + DATABASE);
		properties.put("spring.r2dbc.username", USER);
		properties.put("spring.r2dbc.password", this.password);
		return properties;
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not stop the embedded PostgreSQL", ex);
		}
	}

}
