package dev.securelink.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Debian's PgBouncer in transaction mode in front of the test database, on a free port,
 * as an operator would put it there. Run as the {@code postgres} user when the tests run
 * as root (PgBouncer refuses root). Without {@code /usr/sbin/pgbouncer} the test is
 * skipped, or fails with {@code SECURELINK_REQUIRE_TOOLS=true} (CI).
 */
public final class PgBouncer implements AutoCloseable {

	static final Path BINARY = Path.of("/usr/sbin/pgbouncer");

	private final Process process;

	private final Path dir;

	private final int port;

	private final String database;

	private PgBouncer(Process process, Path dir, int port, String database) {
		this.process = process;
		this.dir = dir;
		this.port = port;
		this.database = database;
	}

	/** Skips (or, in CI, fails) the calling test class when PgBouncer is missing. */
	public static void require() {
		if (Files.isExecutable(BINARY)) {
			return;
		}
		String message = "PgBouncer test skipped: no " + BINARY + ". Install it with: sudo apt-get install pgbouncer";
		if ("true".equals(System.getenv("SECURELINK_REQUIRE_TOOLS"))) {
			fail(message.replace("skipped", "required (SECURELINK_REQUIRE_TOOLS=true)"));
		}
		Assumptions.abort(message);
	}

	/**
	 * Starts PgBouncer in front of {@code server}, in {@code pool_mode = transaction}.
	 */
	public static PgBouncer start(TestDatabase.Server server) {
		try {
			URI url = URI.create(server.r2dbcUrl().replaceFirst("^r2dbc:", ""));
			String database = url.getPath().substring(1);
			int port = Ports.free();
			Path dir = Files.createTempDirectory("securelink-pgbouncer");
			Files.writeString(dir.resolve("userlist.txt"), "\"" + server.user() + "\" \"" + server.password() + "\"\n");
			Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n", "[databases]",
					"* = host=" + url.getHost() + " port=" + url.getPort() + " user=" + server.user() + " password="
							+ server.password(),
					"[pgbouncer]", "listen_addr = 127.0.0.1", "listen_port = " + port, "auth_type = trust",
					"auth_file = " + dir.resolve("userlist.txt"), "pool_mode = transaction", "unix_socket_dir =",
					"ignore_startup_parameters = extra_float_digits,options,search_path", "max_client_conn = 200",
					"default_pool_size = 4", "logfile = " + dir.resolve("pgbouncer.log"),
					"pidfile = " + dir.resolve("pgbouncer.pid"), ""));
			List<String> command = new ArrayList<>();
			if ("root".equals(System.getProperty("user.name"))) {
				run("chown", "-R", "postgres", dir.toString());
				command.addAll(List.of("runuser", "-u", "postgres", "--"));
			}
			command.addAll(List.of(BINARY.toString(), dir.resolve("pgbouncer.ini").toString()));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(dir.resolve("stdout.log").toFile())
				.start();
			PgBouncer bouncer = new PgBouncer(process, dir, port, database);
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(bouncer::accepts);
			return bouncer;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The R2DBC URL of the test database through PgBouncer. */
	public String r2dbcUrl() {
		return "r2dbc:postgresql://127.0.0.1:" + this.port + "/" + this.database;
	}

	/** What PgBouncer logged, for a failing assertion's message. */
	public String log() {
		try {
			return Files.readString(this.dir.resolve("pgbouncer.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private boolean accepts() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("PgBouncer exited: " + log());
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static void run(String... command) throws IOException {
		try {
			Process process = new ProcessBuilder(command).inheritIO().start();
			if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IOException(String.join(" ", command) + " failed");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	@Override
	public void close() {
		// runuser passes the signal on to PgBouncer, which exits at once on SIGINT/TERM;
		// its children are taken first, so that none is left if it does not.
		List<ProcessHandle> children = this.process.descendants().toList();
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		children.forEach(ProcessHandle::destroyForcibly);
	}

}
