package dev.securelink.gateway.change;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Wrapped;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Hands the changes that {@link ChangeNotifier} announces to the caches, whichever way
 * this instance can hear them. It LISTENs on one connection (of the pool, or of
 * {@code securelink.change-feed.listen-url}); when that connection drops, the caches
 * forget everything (what was missed is unknown) and the feed reconnects with backoff.
 * Once listening, and every {@code probe-interval}, it sends a NOTIFY of its own through
 * the pool and waits for it: behind a transaction-pooling PgBouncer LISTEN silently hears
 * nothing, and then the feed says so in one WARN, makes the caches forget everything and
 * polls {@code change_log} every {@code poll-interval} (one indexed query) until a probe
 * comes back again. The mode is the metric {@code securelink.change.feed.mode} and this
 * health indicator's detail ({@code changeFeed}, in readiness).
 */
@Component
class ChangeFeed implements SmartLifecycle, ReactiveHealthIndicator {

	private static final Log logger = LogFactory.getLog(ChangeFeed.class);

	/** The payload prefix of the feed's own probes, which no {@link Change} has. */
	private static final String PROBE = "probe:";

	/**
	 * How far back a poll looks: a change is seen if its transaction committed within
	 * this of writing its row.
	 */
	private static final String POLL_WINDOW = "10 seconds";

	/** How the feed hears of changes. */
	enum Mode {

		/** NOTIFY arrives on the LISTEN connection. */
		LISTEN,

		/** It does not: {@code change_log} is polled. */
		POLLING;

		String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	private final ConnectionFactory listenConnections;

	private final boolean ownListenUrl;

	private final DatabaseClient db;

	private final List<ChangeListener> listeners;

	private final ChangeFeedProperties properties;

	private final Counter reconnects;

	private final AtomicBoolean listenedBefore = new AtomicBoolean();

	private volatile Mode mode = Mode.LISTEN;

	/** Whether the last probe could be sent: the database answered through the pool. */
	private volatile boolean reachable = true;

	private final Map<String, Sinks.One<Boolean>> probes = new ConcurrentHashMap<>();

	/**
	 * The ids of the rows the last poll saw, or null when polling just began (its first
	 * poll only takes note).
	 */
	private volatile @Nullable Set<Long> polled;

	private volatile @Nullable Disposable running;

	ChangeFeed(ConnectionFactory connections, DatabaseClient db, List<ChangeListener> listeners,
			ChangeFeedProperties properties, Environment environment, MeterRegistry registry) {
		String listenUrl = properties.listenUrl();
		this.ownListenUrl = listenUrl != null && !listenUrl.isBlank();
		this.listenConnections = (listenUrl != null && !listenUrl.isBlank()) ? listenConnections(listenUrl, environment)
				: connections;
		this.db = db;
		this.listeners = listeners;
		this.properties = properties;
		this.reconnects = Counter.builder("securelink.notifications.reconnects")
			.description("Times the change feed lost its database connection and listened again")
			.register(registry);
		Gauge.builder("securelink.database.reachable", () -> this.reachable ? 1 : 0)
			.description("1 when the change feed's last probe reached the database through the pool, 0 when it failed")
			.register(registry);
		for (Mode each : Mode.values()) {
			Gauge.builder("securelink.change.feed.mode", () -> (this.mode == each) ? 1 : 0)
				.description("1 for the way the change feed hears of changes now: listen (NOTIFY) or polling")
				.tag("mode", each.id())
				.register(registry);
		}
	}

	private static ConnectionFactory listenConnections(String url, Environment environment) {
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

	Mode mode() {
		return this.mode;
	}

	/**
	 * Moves from {@code from} to {@code to}; false when the feed was not in {@code from}.
	 */
	private synchronized boolean switchMode(Mode from, Mode to) {
		if (this.mode != from) {
			return false;
		}
		this.mode = to;
		return true;
	}

	@Override
	public void start() {
		Disposable listening = Flux.usingWhen(this.listenConnections.create(), this::listen, Connection::close)
			.doOnError((ex) -> {
				logger.warn("Change feed interrupted, reconnecting: " + ex.getMessage());
				this.reconnects.increment();
			})
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10)))
			.subscribe(this::received);
		Disposable probing = Flux.interval(this.properties.probeInterval())
			.onBackpressureDrop()
			.concatMap((tick) -> probe().then(purge()))
			.subscribe();
		Disposable polling = Flux.interval(this.properties.pollInterval())
			.onBackpressureDrop()
			.filter((tick) -> this.mode == Mode.POLLING)
			.concatMap((tick) -> poll())
			.subscribe();
		this.running = Disposables.composite(listening, probing, polling);
	}

	private Flux<String> listen(Connection connection) {
		PostgresqlConnection postgres = unwrap(connection);
		return postgres.createStatement("LISTEN " + ChangeNotifier.CHANNEL)
			.execute()
			.flatMap((result) -> result.getRowsUpdated())
			// Whatever changed while no connection listened is unknown: on every
			// re-listen, forget everything. And see at once whether listening works.
			.thenMany(Flux.defer(() -> {
				if (this.listenedBefore.getAndSet(true)) {
					this.listeners.forEach(ChangeListener::changesMissed);
				}
				probe().subscribe();
				return postgres.getNotifications();
			}))
			.concatWith(Mono.error(() -> new IllegalStateException("notification stream ended")))
			.mapNotNull((notification) -> notification.getParameter());
	}

	private void received(String payload) {
		if (payload.startsWith(PROBE)) {
			Sinks.One<Boolean> probe = this.probes.get(payload.substring(PROBE.length()));
			if (probe != null) {
				probe.tryEmitValue(true);
			}
			return;
		}
		Change change = Change.parse(payload);
		if (change != null) {
			dispatch(change);
		}
	}

	/**
	 * Sends a NOTIFY of this instance's own through the pool and waits for it on the
	 * LISTEN connection; a probe that cannot be sent (the database is down) changes
	 * nothing.
	 */
	Mono<Void> probe() {
		String token = UUID.randomUUID().toString();
		Sinks.One<Boolean> arrived = Sinks.one();
		this.probes.put(token, arrived);
		return this.db.sql("select pg_notify('" + ChangeNotifier.CHANNEL + "', :payload)")
			.bind("payload", PROBE + token)
			.then()
			.doOnError((ex) -> this.reachable = false)
			.doOnSuccess((done) -> this.reachable = true)
			.then(arrived.asMono().timeout(this.properties.probeTimeout(), Mono.just(false)))
			.doOnNext(this::probed)
			.onErrorResume((ex) -> Mono.empty())
			.doFinally((signal) -> this.probes.remove(token))
			.then();
	}

	private void probed(boolean arrived) {
		if (arrived && switchMode(Mode.POLLING, Mode.LISTEN)) {
			logger.info("Change feed: notifications arrive on the LISTEN connection again; polling stopped");
		}
		else if (!arrived && switchMode(Mode.LISTEN, Mode.POLLING)) {
			logger.warn("Change feed: a NOTIFY sent through the pool did not come back on the LISTEN connection within "
					+ this.properties.probeTimeout().toMillis() + " ms (is spring.r2dbc.url a transaction-pooling "
					+ "PgBouncer?); polling change_log every " + this.properties.pollInterval().toMillis()
					+ " ms instead. Set securelink.change-feed.listen-url to a direct (session) database URL to listen.");
			this.polled = null;
			this.listeners.forEach(ChangeListener::changesMissed);
		}
	}

	/** The rows of the last seconds that the previous poll did not see. */
	private Mono<Void> poll() {
		return this.db
			.sql("select id, payload from change_log where created_at > clock_timestamp() - interval '" + POLL_WINDOW
					+ "' order by id")
			.map((row) -> Map.entry(row.get("id", Long.class), row.get("payload", String.class)))
			.all()
			.collectList()
			.doOnNext((rows) -> {
				Set<Long> before = this.polled;
				Set<Long> seen = new HashSet<>();
				for (Map.Entry<Long, String> row : rows) {
					seen.add(row.getKey());
					if (before != null && !before.contains(row.getKey())) {
						received(row.getValue());
					}
				}
				this.polled = seen;
			})
			.onErrorResume((ex) -> Mono.empty())
			.then();
	}

	/** Forgets what no poll can need any more. */
	private Mono<Void> purge() {
		return this.db.sql("delete from change_log where created_at < clock_timestamp() - interval '1 hour'")
			.then()
			.onErrorResume((ex) -> Mono.empty());
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
	public Mono<Health> health() {
		return Mono.just(Health.up()
			.withDetail("mode", this.mode.id())
			.withDetail("listenUrl", this.ownListenUrl ? "set" : "the pool's")
			.build());
	}

	@Override
	public void stop() {
		Disposable current = this.running;
		if (current != null) {
			current.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		Disposable current = this.running;
		return current != null && !current.isDisposed();
	}

}
