package dev.securelink.gateway.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server started from the zonky binaries; as root it runs under {@code unshare} as nobody.
 */
public final class EmbeddedDatabase implements AutoCloseable {

	private static final String USER = "postgres";

	private static final String DATABASE = "postgres";

	private final EmbeddedPostgres postgres;

	private boolean closed;

	private EmbeddedDatabase(EmbeddedPostgres postgres) {
		this.postgres = postgres;
	}

	/**
	 * Starts a server on a free port.
	 * @param dataDirectory where the cluster lives
	 * @param clean whether to wipe it on start (tests) or keep it across restarts (the default run)
	 * @param stopAtExit whether a JVM shutdown hook stops it; an application stops it itself, after the web
	 * server has drained, since a hook would run at the same time as that drain
	 */
	public static EmbeddedDatabase start(Path dataDirectory, boolean clean, boolean stopAtExit) {
		try {
			Files.createDirectories(dataDirectory);
			return new EmbeddedDatabase(EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				.setCleanDataDirectory(clean)
				.setRegisterShutdownHook(stopAtExit)
				.setServerConfig("max_connections", "200")
				.start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDirectory, ex);
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
		properties.put("spring.r2dbc.password", "");
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
