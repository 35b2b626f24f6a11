package dev.securelink.gateway.database;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

import dev.securelink.gateway.support.GatewayTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@GatewayTest
class DatabaseEnvironmentPostProcessorTests {

	@Autowired
	ApplicationContext context;

	@Autowired
	Environment environment;

	@Test
	void whenR2dbcUrlConfiguredThenNoEmbeddedServerAndFlywayFollowsTheSameServer() {
		assertThat(this.context.containsBean("embeddedDatabase")).isFalse();
		String r2dbc = this.environment.getProperty("spring.r2dbc.url");
		assertThat(this.environment.getProperty("spring.flyway.url"))
			.isEqualTo(DatabaseEnvironmentPostProcessor.jdbcUrl(r2dbc))
			.startsWith("jdbc:postgresql://");
	}

	@Test
	void jdbcUrlWhenR2dbcUrlThenSameHostDatabaseAndOptions() {
		assertThat(DatabaseEnvironmentPostProcessor.jdbcUrl("r2dbc:postgresql://db:5432/gw?sslmode=require"))
			.isEqualTo("jdbc:postgresql://db:5432/gw?sslmode=require");
		assertThat(DatabaseEnvironmentPostProcessor.jdbcUrl("r2dbc:pool:postgresql://db/gw"))
			.isEqualTo("jdbc:postgresql://db/gw");
		assertThat(DatabaseEnvironmentPostProcessor
			.jdbcUrl("r2dbc:postgresql:failover://db1:5432,db2:5433/gw?targetServerType=primary"))
			.isEqualTo("jdbc:postgresql://db1:5432,db2:5433/gw?targetServerType=primary");
		assertThatIllegalStateException()
			.isThrownBy(() -> DatabaseEnvironmentPostProcessor.jdbcUrl("r2dbc:h2:mem:///x"))
			.withMessageContaining("PostgreSQL");
	}

}
