package dev.securelink.gateway.database;

import java.time.Duration;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What every connection to PostgreSQL is opened with: a statement timeout, so that a
 * statement that hangs on an acquired connection (a lock held elsewhere, a database in
 * trouble) ends with an error the caller answers 503, instead of holding the request and
 * the connection for as long as the database takes.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

	@Bean
	ConnectionFactoryOptionsBuilderCustomizer statementTimeout(StatementProperties properties) {
		return (builder) -> builder.option(PostgresqlConnectionFactoryProvider.STATEMENT_TIMEOUT,
				properties.statementTimeout());
	}

	/**
	 * {@code securelink.database.*} read as properties.
	 *
	 * @param statementTimeout the longest a statement may run on the server (PostgreSQL's
	 * {@code statement_timeout} for every connection of the pool)
	 */
	@ConfigurationProperties("securelink.database")
	record StatementProperties(@DefaultValue("15s") Duration statementTimeout) {
	}

}
