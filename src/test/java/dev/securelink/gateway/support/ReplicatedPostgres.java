package dev.securelink.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import static org.assertj.core.api.Assertions.fail;

/**
 * Two real PostgreSQL servers from Debian's {@code postgresql} package, a primary and a
 * hot standby streaming from it (made with {@code pg_basebackup -R}), on free loopback
 * ports with trust authentication, as the {@code postgres} user when the tests run as
 * root. The standby can be promoted and either server stopped, as a failover does.
 * Without the binaries the test is skipped, or fails with
 * {@code SECURELINK_REQUIRE_TOOLS=true} (CI).
 */
public final class ReplicatedPostgres implements AutoCloseable {

	static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

	private final Path dir;

	private final int primaryPort;

	private final int standbyPort;

	private ReplicatedPostgres(Path dir, int primaryPort, int standbyPort) {
		this.dir = dir;
		this.primaryPort = primaryPort;
		this.standbyPort = standbyPort;
	}

	/** Skips (or, in CI, fails) the calling test class without the server binaries. */
	public static void require() {
		if (Files.isExecutable(BIN.resolve("postgres")) && Files.isExecutable(BIN.resolve("pg_basebackup"))) {
			return;
		}
		String message = "Replication test skipped: no PostgreSQL server in " + BIN
				+ ". Install it with: sudo apt-get install postgresql";
		if ("true".equals(System.getenv("SECURELINK_REQUIRE_TOOLS"))) {
			fail(message.replace("skipped", "required (SECURELINK_REQUIRE_TOOLS=true)"));
		}
		Assumptions.abort(message);
	}

	public static ReplicatedPostgres start() {
		try {
			Path dir = Files.createTempDirectory("securelink-replicated");
			if (root()) {
				run(List.of("chown", "postgres", dir.toString()));
			}
			ReplicatedPostgres servers = new ReplicatedPostgres(dir, Ports.free(), Ports.free());
			servers.postgres("initdb", "-D", servers.data("primary"), "-U", "postgres", "--auth=trust", "-E", "UTF8");
			Files.writeString(Path.of(servers.data("primary"), "postgresql.conf"),
					"\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" + dir
							+ "'\nwal_level = replica\nmax_wal_senders = 5\nmax_connections = 100\n",
					java.nio.file.StandardOpenOption.APPEND);
			servers.startServer("primary", servers.primaryPort);
			servers.postgres("pg_basebackup", "-h", "127.0.0.1", "-p", String.valueOf(servers.primaryPort), "-U",
					"postgres", "-D", servers.data("standby"), "-R", "-X", "stream");
			servers.startServer("standby", servers.standbyPort);
			return servers;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int primaryPort() {
		return this.primaryPort;
	}

	public int standbyPort() {
		return this.standbyPort;
	}

	/** Stops the primary at once, as a crash does. */
	public void stopPrimary() throws IOException {
		postgres("pg_ctl", "-D", data("primary"), "-m", "immediate", "-w", "stop");
	}

	/** Promotes the standby: it takes writes from now on. */
	public void promoteStandby() throws IOException {
		postgres("pg_ctl", "-D", data("standby"), "-w", "promote");
	}

	private void startServer(String name, int port) throws IOException {
		postgres("pg_ctl", "-D", data(name), "-l", this.dir.resolve(name + ".log").toString(), "-o", "-p " + port, "-w",
				"start");
	}

	private String data(String name) {
		return this.dir.resolve(name).toString();
	}

	private void postgres(String binary, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		if (root()) {
			command.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		command.add(BIN.resolve(binary).toString());
		command.addAll(List.of(args));
		run(command);
	}

	private static boolean root() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static void run(List<String> command) throws IOException {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(),
					java.nio.charset.StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IOException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	@Override
	public void close() {
		for (String name : List.of("standby", "primary")) {
			try {
				postgres("pg_ctl", "-D", data(name), "-m", "immediate", "-w", "stop");
			}
			catch (IOException ex) {
				// Already stopped (the test stopped the primary).
			}
		}
	}

}
