package dev.securelink.gateway.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.r2dbc.spi.R2dbcException;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Events that gate no answer (a session's {@code opened}), written many to one insert:
 * the first event queued schedules a write {@link #MAX_WAIT} later, which takes
 * everything queued by then, {@link #MAX_BATCH} rows per statement, one statement at a
 * time, each within {@link #STATEMENT_TIMEOUT}. A statement the database refuses (it
 * answers with a SQLSTATE) is retried one event per insert ({@code one}), so that only
 * the events it refuses are lost; one that fails for want of the database (no answer in
 * time, a lost or refused connection) fails its whole batch at once (a statement that
 * timed out may still complete: it is counted as lost all the same). Every event lost is
 * counted ({@code failures}), and so is one refused because {@link #MAX_QUEUED} wait
 * already. What a process killed outright had queued is lost (at most {@link #MAX_WAIT}
 * of openings); a stopping one writes it first ({@link #drain}).
 */
final class EventBatches {

	/** How long the first event of a batch waits for others. */
	static final Duration MAX_WAIT = Duration.ofMillis(50);

	/** Rows per insert. */
	static final int MAX_BATCH = 256;

	/** Events waiting at most; beyond, an event is refused and counted. */
	static final int MAX_QUEUED = 20_000;

	/** The longest any one insert may take. */
	static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);

	private final DatabaseClient db;

	private final Function<AccessEvent, Mono<Void>> one;

	private final Counter failures;

	private final int maxQueued;

	private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

	private final AtomicInteger queued = new AtomicInteger();

	/** Whether a write is scheduled or under way; the queue is then taken care of. */
	private final AtomicBoolean writing = new AtomicBoolean();

	/**
	 * Batches written with {@code db}; {@code one} writes one event and counts its own
	 * failure, {@code failures} counts the events lost otherwise.
	 */
	EventBatches(DatabaseClient db, Function<AccessEvent, Mono<Void>> one, Counter failures) {
		this(db, one, failures, MAX_QUEUED);
	}

	EventBatches(DatabaseClient db, Function<AccessEvent, Mono<Void>> one, Counter failures, int maxQueued) {
		this.maxQueued = maxQueued;
		this.db = db;
		this.one = one;
		this.failures = failures;
	}

	/**
	 * Queues {@code event}; the returned Mono (which needs no subscriber for the write to
	 * happen) completes once it is written, or errors when it cannot be.
	 */
	Mono<Void> add(AccessEvent event) {
		if (this.queued.incrementAndGet() > this.maxQueued) {
			this.queued.decrementAndGet();
			this.failures.increment();
			return Mono.error(new IllegalStateException("More than " + this.maxQueued + " audit events waiting"));
		}
		Pending pending = new Pending(event, Sinks.empty());
		this.queue.add(pending);
		if (this.writing.compareAndSet(false, true)) {
			Mono.delay(MAX_WAIT).then(Mono.defer(this::writeQueued)).subscribe(null, (ex) -> this.writing.set(false));
		}
		return pending.written().asMono();
	}

	/**
	 * Completes once what is queued now, and a write under way, are written, or after
	 * {@code timeout}, when what is still queued is given up and counted: a stopping
	 * gateway loses no event it could write.
	 */
	Mono<Void> drain(Duration timeout) {
		return flush().then(Mono.defer(this::afterWriting)).timeout(timeout, Mono.fromRunnable(() -> {
			List<Pending> left = take(Integer.MAX_VALUE);
			fail(left, new TimeoutException("Audit events still queued at shutdown"));
		}));
	}

	private Mono<Void> afterWriting() {
		return this.writing.get() ? Mono.delay(Duration.ofMillis(10)).then(Mono.defer(this::afterWriting))
				: Mono.empty();
	}

	private Mono<Void> flush() {
		return Mono.defer(() -> {
			List<Pending> batch = take(MAX_BATCH);
			return batch.isEmpty() ? Mono.<Void>empty() : write(batch).then(flush());
		});
	}

	/**
	 * Writes batches until the queue is empty, then lets the next event schedule a write;
	 * an event queued while that was decided is written now.
	 */
	private Mono<Void> writeQueued() {
		List<Pending> batch = take(MAX_BATCH);
		if (!batch.isEmpty()) {
			return write(batch).then(Mono.defer(this::writeQueued));
		}
		this.writing.set(false);
		if (!this.queue.isEmpty() && this.writing.compareAndSet(false, true)) {
			return Mono.defer(this::writeQueued);
		}
		return Mono.empty();
	}

	private List<Pending> take(int most) {
		List<Pending> batch = new ArrayList<>();
		Pending next;
		while (batch.size() < most && (next = this.queue.poll()) != null) {
			batch.add(next);
		}
		this.queued.addAndGet(-batch.size());
		return batch;
	}

	/**
	 * One insert of the whole batch; when the database refuses it, one insert per event.
	 * Completes without error whatever happened: each event's own Mono tells.
	 */
	private Mono<Void> write(List<Pending> batch) {
		return Mono.defer(() -> insert(batch))
			.timeout(STATEMENT_TIMEOUT)
			.doOnSuccess((done) -> batch.forEach((pending) -> pending.written().tryEmitEmpty()))
			.onErrorResume((ex) -> {
				if (!refusedByTheDatabase(ex)) {
					fail(batch, ex);
					return Mono.empty();
				}
				// Event by event; once the database itself is in trouble, the rest fail
				// at
				// once.
				Throwable[] trouble = { null };
				return Flux.fromIterable(batch).concatMap((pending) -> {
					Throwable known = trouble[0];
					if (known != null) {
						fail(List.of(pending), known);
						return Mono.empty();
					}
					return this.one.apply(pending.event())
						.timeout(STATEMENT_TIMEOUT)
						.doOnSuccess((done) -> pending.written().tryEmitEmpty())
						.onErrorResume((failure) -> {
							if (!refusedByTheDatabase(failure)) {
								trouble[0] = failure;
							}
							if (failure instanceof TimeoutException) {
								// Cancelled, so not counted where the insert counts.
								this.failures.increment();
							}
							pending.written().tryEmitError(failure);
							return Mono.empty();
						});
				}).then();
			});
	}

	/**
	 * Whether the database answered {@code ex} itself (a SQLSTATE: a row it refused),
	 * rather than not answering (a timeout, a lost or refused connection).
	 */
	private static boolean refusedByTheDatabase(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
				return true;
			}
		}
		return false;
	}

	private void fail(List<Pending> batch, Throwable ex) {
		this.failures.increment(batch.size());
		batch.forEach((pending) -> pending.written().tryEmitError(ex));
	}

	private Mono<Void> insert(List<Pending> batch) {
		int size = batch.size();
		String[] tenants = new String[size];
		String[] links = new String[size];
		String[] types = new String[size];
		String[] outcomes = new String[size];
		String[] actors = new String[size];
		String[] clients = new String[size];
		String[] times = new String[size];
		String[] sessions = new String[size];
		String[] details = new String[size];
		for (int i = 0; i < size; i++) {
			AccessEvent event = batch.get(i).event();
			tenants[i] = event.tenantId();
			links[i] = event.linkId();
			types[i] = event.type();
			outcomes[i] = event.outcome();
			actors[i] = event.actor();
			clients[i] = event.client();
			times[i] = event.occurredAt().toString();
			sessions[i] = event.sessionId();
			details[i] = event.detail();
		}
		return this.db.sql("""
				insert into access_event (tenant_id, link_id, type, outcome, actor, client, occurred_at, session_id,
				                          detail)
				select * from unnest(cast(:tenants as text[]), cast(:links as text[]), cast(:types as text[]),
				                     cast(:outcomes as text[]), cast(:actors as text[]), cast(:clients as text[]),
				                     cast(:times as timestamptz[]), cast(:sessions as text[]), cast(:details as text[]))
				on conflict (link_id, session_id) where type = 'opened' do nothing
				""")
			.bind("tenants", tenants)
			.bind("links", links)
			.bind("types", types)
			.bind("outcomes", outcomes)
			.bind("actors", actors)
			.bind("clients", clients)
			.bind("times", times)
			.bind("sessions", sessions)
			.bind("details", details)
			.then();
	}

	private record Pending(AccessEvent event, Sinks.Empty<Void> written) {
	}

}
