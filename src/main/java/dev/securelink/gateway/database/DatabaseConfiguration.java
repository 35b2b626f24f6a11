package dev.securelink.gateway.database;

import java.time.Duration;

import io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What every connection to PostgreSQL is opened with: a statement timeout, so that a
 * statement that hangs on an acquired connection (a lock held elsewhere, a database in
 * trouble) ends with an error the caller answers 503, instead of holding the request and
 * the connection for as long as the database takes.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

	/**
	 * The timeout as a startup parameter of each connection; not through a transaction
	 * pooler, which refuses startup parameters it does not know (PgBouncer: "unsupported
	 * startup parameter") and would not keep a session setting: there it is the database
	 * role's ({@code ALTER ROLE … SET statement_timeout}).
	 */
	@Bean
	ConnectionFactoryOptionsBuilderCustomizer statementTimeout(StatementProperties properties,
			Environment environment) {
		boolean pooler = environment.getProperty(DatabaseEnvironmentPostProcessor.TRANSACTION_POOLER, Boolean.class,
				false);
		return (builder) -> {
			if (!pooler) {
				builder.option(PostgresqlConnectionFactoryProvider.STATEMENT_TIMEOUT, properties.statementTimeout());
			}
		};
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
