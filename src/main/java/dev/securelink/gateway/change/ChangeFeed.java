package dev.securelink.gateway.change;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
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

	private final ConnectionFactory listenConnections;

	private final boolean ownListenUrl;

	private final DatabaseClient db;

	private final ChangeLog changeLog;

	private final List<ChangeListener> listeners;

	private final ChangeFeedProperties properties;

	private final Counter reconnects;

	private final AtomicBoolean listenedBefore = new AtomicBoolean();

	private volatile ChangeFeedMode mode = ChangeFeedMode.LISTEN;

	/** Whether the last probe could be sent: the database answered through the pool. */
	private volatile boolean reachable = true;

	private final Map<String, Sinks.One<Boolean>> probes = new ConcurrentHashMap<>();

	private volatile @Nullable Disposable running;

	ChangeFeed(ConnectionFactory connections, DatabaseClient db, List<ChangeListener> listeners,
			ChangeFeedProperties properties, Environment environment, MeterRegistry registry) {
		String listenUrl = properties.listenUrl();
		this.ownListenUrl = listenUrl != null && !listenUrl.isBlank();
		this.listenConnections = ListenConnections.of(listenUrl, connections, environment);
		this.db = db;
		this.changeLog = new ChangeLog(db);
		this.listeners = listeners;
		this.properties = properties;
		this.reconnects = Counter.builder("securelink.notifications.reconnects")
			.description("Times the change feed lost its database connection and listened again")
			.register(registry);
		Gauge.builder("securelink.database.reachable", () -> this.reachable ? 1 : 0)
			.description("1 when the change feed's last probe reached the database through the pool, 0 when it failed")
			.register(registry);
		for (ChangeFeedMode each : ChangeFeedMode.values()) {
			Gauge.builder("securelink.change.feed.mode", () -> (this.mode == each) ? 1 : 0)
				.description("1 for the way the change feed hears of changes now: listen (NOTIFY) or polling")
				.tag("mode", each.id())
				.register(registry);
		}
	}

	ChangeFeedMode mode() {
		return this.mode;
	}

	/**
	 * Moves from {@code from} to {@code to}; false when the feed was not in {@code from}.
	 */
	private synchronized boolean switchMode(ChangeFeedMode from, ChangeFeedMode to) {
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
			.concatMap((tick) -> probe().then(this.changeLog.purge()))
			.subscribe();
		Disposable polling = Flux.interval(this.properties.pollInterval())
			.onBackpressureDrop()
			.filter((tick) -> this.mode == ChangeFeedMode.POLLING)
			.concatMap((tick) -> this.changeLog.poll(this::received))
			.subscribe();
		this.running = Disposables.composite(listening, probing, polling);
	}

	private Flux<String> listen(Connection connection) {
		PostgresqlConnection postgres = ListenConnections.postgres(connection);
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
		if (arrived && switchMode(ChangeFeedMode.POLLING, ChangeFeedMode.LISTEN)) {
			logger.info("Change feed: notifications arrive on the LISTEN connection again; polling stopped");
		}
		else if (!arrived && switchMode(ChangeFeedMode.LISTEN, ChangeFeedMode.POLLING)) {
			logger.warn("Change feed: a NOTIFY sent through the pool did not come back on the LISTEN connection within "
					+ this.properties.probeTimeout().toMillis() + " ms (is spring.r2dbc.url a transaction-pooling "
					+ "PgBouncer?); polling change_log every " + this.properties.pollInterval().toMillis()
					+ " ms instead. Set securelink.change-feed.listen-url to a direct (session) database URL to listen.");
			this.changeLog.restart();
			this.listeners.forEach(ChangeListener::changesMissed);
		}
	}

	private void dispatch(Change change) {
		for (ChangeListener listener : this.listeners) {
			listener.changed(change);
		}
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
