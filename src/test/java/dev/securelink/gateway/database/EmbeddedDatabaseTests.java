package dev.securelink.gateway.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The development database asks every connection for its password, from its first start
 * and after restarts; switched on, it becomes the gateway's database, migrations
 * included.
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

	@Test
	void postProcessWhenEmbeddedSwitchedOnThenItsDatabaseKeysAndMigrationsAreConfigured() throws Exception {
		Path dir = Files.createTempDirectory("securelink-embedded-start");
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("test",
					Map.of("securelink.database.embedded", "true", "securelink.data-dir", dir.toString())));
		SpringApplication application = new SpringApplication();
		new DatabaseEnvironmentPostProcessor((destination) -> destination.get()).postProcessEnvironment(environment,
				application);
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			application.getInitializers().forEach((initializer) -> initialize(initializer, context));
			context.refresh();
			String url = environment.getRequiredProperty("spring.r2dbc.url");
			assertThat(url).startsWith("r2dbc:postgresql://");
			assertThat(environment.getProperty("spring.flyway.url")).startsWith("jdbc:postgresql://");
			assertThat(environment.getProperty("securelink.keys.email-pepper")).isNotBlank();
			int port = context.getBean(EmbeddedDatabase.class).port();
			assertThat(connects(port, environment.getRequiredProperty("spring.r2dbc.password"))).isTrue();
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static void initialize(ApplicationContextInitializer initializer, GenericApplicationContext context) {
		initializer.initialize(context);
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
