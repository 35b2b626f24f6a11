package dev.securelink.gateway.change;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The change feed: {@code securelink.change-feed.*}.
 *
 * @param listenUrl an R2DBC URL for the LISTEN connection alone, straight to PostgreSQL
 * (a session connection) when {@code spring.r2dbc.url} goes through a transaction-pooling
 * PgBouncer; its user and password default to {@code spring.r2dbc.username} and
 * {@code .password}. Unset, the feed listens on a connection of the pool.
 * @param probeInterval how often the feed checks that its own NOTIFY comes back (it also
 * checks once it has started listening)
 * @param probeTimeout how long a probe waits for its notification before the feed falls
 * back to polling
 * @param pollInterval how often the feed reads {@code change_log} while it polls
 */
@Validated
@ConfigurationProperties("securelink.change-feed")
public record ChangeFeedProperties(@Nullable String listenUrl, @NotNull @DefaultValue("1m") Duration probeInterval,
		@NotNull @DefaultValue("2s") Duration probeTimeout, @NotNull @DefaultValue("1s") Duration pollInterval) {
}
