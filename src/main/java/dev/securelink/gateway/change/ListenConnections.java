package dev.securelink.gateway.change;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;

/**
 * The connections {@link ChangeFeed} LISTENs on: those of
 * {@code securelink.change-feed.listen-url} or the pool's, and PostgreSQL's own behind
 * the pool's wrappers, which alone hand out notifications.
 */
final class ListenConnections {

	private ListenConnections() {
	}

	/**
	 * The factory of {@code url}'s connections, as the pool's user unless it names one;
	 * the {@code pool} itself without a URL.
	 */
	static ConnectionFactory of(@Nullable String url, ConnectionFactory pool, Environment environment) {
		if (url == null || url.isBlank()) {
			return pool;
		}
		ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(url);
		ConnectionFactoryOptions.Builder builder = options.mutate();
		String user = environment.getProperty("spring.r2dbc.username");
		String password = environment.getProperty("spring.r2dbc.password");
		if (!options.hasOption(ConnectionFactoryOptions.USER) && user != null) {
			builder.option(ConnectionFactoryOptions.USER, user);
		}
		if (!options.hasOption(ConnectionFactoryOptions.PASSWORD) && password != null) {
			builder.option(ConnectionFactoryOptions.PASSWORD, password);
		}
		return ConnectionFactories.get(builder.build());
	}

	/** The PostgreSQL connection that {@code connection} is or wraps. */
	@SuppressWarnings("unchecked")
	static PostgresqlConnection postgres(Connection connection) {
		Connection current = connection;
		while (!(current instanceof PostgresqlConnection) && current instanceof Wrapped<?> wrapped) {
			current = ((Wrapped<Connection>) wrapped).unwrap();
		}
		if (current instanceof PostgresqlConnection postgres) {
			return postgres;
		}
		throw new IllegalStateException("The change feed needs a PostgreSQL connection, got " + connection);
	}

}
