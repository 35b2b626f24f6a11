package dev.securelink.gateway.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Events that gate no answer (a session's {@code opened}), written many to one insert:
 * the first event queued schedules a write {@link #MAX_WAIT} later, which takes
 * everything queued by then, {@link #MAX_BATCH} rows per statement, one statement at a
 * time. A statement that fails is retried one event per insert ({@code one}), so that
 * only the events the database refuses are lost, each counted there. What a process
 * killed outright had queued is lost (at most {@link #MAX_WAIT} of openings); a stopping
 * one writes it first ({@link #drain}).
 */
final class EventBatches {

	/** How long the first event of a batch waits for others. */
	static final Duration MAX_WAIT = Duration.ofMillis(50);

	/** Rows per insert. */
	static final int MAX_BATCH = 256;

	private final DatabaseClient db;

	private final Function<AccessEvent, Mono<Void>> one;

	private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

	/** Whether a write is scheduled or under way; the queue is then taken care of. */
	private final AtomicBoolean writing = new AtomicBoolean();

	EventBatches(DatabaseClient db, Function<AccessEvent, Mono<Void>> one) {
		this.db = db;
		this.one = one;
	}

	/**
	 * Queues {@code event}; the returned Mono (which needs no subscriber for the write to
	 * happen) completes once it is written, or errors when it cannot be.
	 */
	Mono<Void> add(AccessEvent event) {
		Pending pending = new Pending(event, Sinks.empty());
		this.queue.add(pending);
		if (this.writing.compareAndSet(false, true)) {
			Mono.delay(MAX_WAIT).then(Mono.defer(this::writeQueued)).subscribe();
		}
		return pending.written().asMono();
	}

	/**
	 * Completes once what is queued now, and a write under way, are written, or after
	 * {@code timeout}: a stopping gateway loses no event.
	 */
	Mono<Void> drain(Duration timeout) {
		return flush().then(Mono.defer(this::afterWriting)).timeout(timeout, Mono.empty());
	}

	private Mono<Void> afterWriting() {
		return this.writing.get() ? Mono.delay(Duration.ofMillis(10)).then(Mono.defer(this::afterWriting))
				: Mono.empty();
	}

	private Mono<Void> flush() {
		return Mono.defer(() -> {
			List<Pending> batch = take();
			return batch.isEmpty() ? Mono.<Void>empty() : write(batch).then(flush());
		});
	}

	/**
	 * Writes batches until the queue is empty, then lets the next event schedule a write;
	 * an event queued while that was decided is written now.
	 */
	private Mono<Void> writeQueued() {
		List<Pending> batch = take();
		if (!batch.isEmpty()) {
			return write(batch).then(Mono.defer(this::writeQueued));
		}
		this.writing.set(false);
		if (!this.queue.isEmpty() && this.writing.compareAndSet(false, true)) {
			return Mono.defer(this::writeQueued);
		}
		return Mono.empty();
	}

	private List<Pending> take() {
		List<Pending> batch = new ArrayList<>();
		Pending next;
		while (batch.size() < MAX_BATCH && (next = this.queue.poll()) != null) {
			batch.add(next);
		}
		return batch;
	}

	/**
	 * One insert of the whole batch; when it fails, one insert per event. Completes
	 * without error whatever happened: each event's own Mono tells.
	 */
	private Mono<Void> write(List<Pending> batch) {
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
			.then()
			.doOnSuccess((done) -> batch.forEach((pending) -> pending.written().tryEmitEmpty()))
			.onErrorResume((ex) -> Flux.fromIterable(batch)
				.concatMap((pending) -> this.one.apply(pending.event())
					.doOnSuccess((done) -> pending.written().tryEmitEmpty())
					.onErrorResume((failure) -> {
						pending.written().tryEmitError(failure);
						return Mono.empty();
					}))
				.then());
	}

	private record Pending(AccessEvent event, Sinks.Empty<Void> written) {
	}

}
