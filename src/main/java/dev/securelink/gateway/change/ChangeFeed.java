package dev.securelink.gateway.change;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * LISTENs on one connection for the changes that {@link ChangeNotifier} announces and
 * hands them to the caches. When the connection drops, the caches forget everything (what
 * was missed is unknown) and the feed reconnects with backoff; the caches' TTL bounds
 * staleness meanwhile.
 */
@Component
class ChangeFeed implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ChangeFeed.class);

	private final ConnectionFactory connections;

	private final List<ChangeListener> listeners;

	private final Counter reconnects;

	private final AtomicBoolean listenedBefore = new AtomicBoolean();

	private volatile @Nullable Disposable subscription;

	ChangeFeed(ConnectionFactory connections, List<ChangeListener> listeners, MeterRegistry registry) {
		this.connections = connections;
		this.listeners = listeners;
		this.reconnects = Counter.builder("securelink.notifications.reconnects")
			.description("Times the change feed lost its database connection and listened again")
			.register(registry);
	}

	@Override
	public void start() {
		this.subscription = Flux.usingWhen(this.connections.create(), this::listen, Connection::close)
			.doOnError((ex) -> {
				logger.warn("Change feed interrupted, reconnecting: " + ex.getMessage());
				this.reconnects.increment();
			})
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10)))
			.subscribe(this::dispatch);
	}

	private Flux<Change> listen(Connection connection) {
		PostgresqlConnection postgres = unwrap(connection);
		return postgres.createStatement("LISTEN " + ChangeNotifier.CHANNEL)
			.execute()
			.flatMap((result) -> result.getRowsUpdated())
			// Whatever changed while no connection listened is unknown: on every
			// re-listen, forget everything.
			.thenMany(Flux.defer(() -> {
				if (this.listenedBefore.getAndSet(true)) {
					this.listeners.forEach(ChangeListener::changesMissed);
				}
				return postgres.getNotifications();
			}))
			.concatWith(Mono.error(() -> new IllegalStateException("notification stream ended")))
			.mapNotNull((notification) -> Change.parse(notification.getParameter()));
	}

	private void dispatch(Change change) {
		for (ChangeListener listener : this.listeners) {
			listener.changed(change);
		}
	}

	@SuppressWarnings("unchecked")
	private static PostgresqlConnection unwrap(Connection connection) {
		Connection current = connection;
		while (!(current instanceof PostgresqlConnection) && current instanceof Wrapped<?> wrapped) {
			current = ((Wrapped<Connection>) wrapped).unwrap();
		}
		if (current instanceof PostgresqlConnection postgres) {
			return postgres;
		}
		throw new IllegalStateException("The change feed needs a PostgreSQL connection, got " + connection);
	}

	@Override
	public void stop() {
		Disposable current = this.subscription;
		if (current != null) {
			current.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		Disposable current = this.subscription;
		return current != null && !current.isDisposed();
	}

}
