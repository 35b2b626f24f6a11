package dev.securelink.gateway.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The development database asks every connection for its password, from its first start
 * and after restarts.
 */
class EmbeddedDatabaseTests {

	@Test
	void startWhenKeptAcrossRestartsThenEveryConnectionNeedsThePassword() throws Exception {
		Path dir = Files.createTempDirectory("securelink-embedded-pg");
		try (EmbeddedDatabase first = EmbeddedDatabase.start(dir, "first-password", false, true)) {
			assertThat(connects(first.port(), "first-password")).isTrue();
			assertThatThrownBy(() -> connects(first.port(), "")).hasMessageContaining("password");
			assertThatThrownBy(() -> connects(first.port(), "wrong")).hasMessageContaining("password");
		}
		try (EmbeddedDatabase again = EmbeddedDatabase.start(dir, "first-password", false, true)) {
			assertThat(connects(again.port(), "first-password")).as("the kept cluster, restarted").isTrue();
			assertThatThrownBy(() -> connects(again.port(), "")).hasMessageContaining("password");
		}
	}

	private static boolean connects(int port, String password) throws Exception {
		Properties properties = new Properties();
		properties.setProperty("user", "postgres");
		properties.setProperty("password", password);
		try (var connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres",
				properties)) {
			return connection.isValid(5);
		}
	}

}
