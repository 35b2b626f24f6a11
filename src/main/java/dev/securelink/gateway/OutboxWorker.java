package dev.securelink.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The worker of an outbox (webhook deliveries, mails): rows written durably by whoever
 * asks for a message, sent by every instance. Each round claims a batch of due rows (the
 * subclass's SQL: {@code for update skip locked}, a lease token, the row due again after
 * the attempt's timeout and a margin, so that a worker that dies leaves it to another),
 * makes the attempts (at most {@code concurrency} at once) and lets the subclass settle
 * each: succeeded, due again after the next step of the retry schedule (with ±10 %
 * jitter, no sooner than what the other side asked), or failed for good after the last
 * step (counted as dead). Rows older than the retention are purged once an hour. The
 * meters, registered up front under {@code prefix}: {@code .attempts{outcome}},
 * {@code .attempt.duration}, {@code .dead}, {@code .backlog} and {@code .backlog.age}.
 *
 * @param <C> a claimed row
 */
public abstract class OutboxWorker<C extends OutboxWorker.Claimed> extends BackgroundTask<Long> {

	/** The longest the other side may put an attempt off. */
	private static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);

	/** Beyond the attempt's timeout, before another worker may take a claimed row. */
	private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);

	private static final Duration PURGE_INTERVAL = Duration.ofHours(1);

	/** The outcome of an attempt that succeeded. */
	public static final String SUCCEEDED = "succeeded";

	private final Settings settings;

	private final String prefix;

	private final Clock clock;

	private final MeterRegistry meters;

	private final Timer latency;

	private final Counter dead;

	private final AtomicLong backlog = new AtomicLong();

	/** When the oldest due row became due (epoch ms), or 0. */
	private final AtomicLong oldestDue = new AtomicLong();

	private volatile Instant lastPurge = Instant.EPOCH;

	/**
	 * Registers the meters, each outcome's counter from zero.
	 * @param name the work's name in log lines
	 * @param prefix the meters' prefix ({@code securelink.webhooks})
	 * @param what what a row is, in the meters' descriptions ({@code webhook deliveries})
	 * @param outcomes every outcome an attempt may have, counted from zero
	 */
	protected OutboxWorker(String name, String prefix, String what, Settings settings, List<String> outcomes,
			Clock clock, MeterRegistry meters) {
		super(name, settings.pollInterval(), settings.pollInterval());
		this.settings = settings;
		this.prefix = prefix;
		this.clock = clock;
		this.meters = meters;
		this.latency = Timer.builder(prefix + ".attempt.duration")
			.description("Time attempts at " + what + " took, until the answer or the failure")
			.register(meters);
		for (String outcome : outcomes) {
			attempts(outcome);
		}
		this.dead = meters.counter(prefix + ".dead");
		Gauge.builder(prefix + ".backlog", this.backlog, AtomicLong::get)
			.description(what + " due and not yet attempted, after the last round")
			.register(meters);
		Gauge.builder(prefix + ".backlog.age", this, OutboxWorker::oldestDueSeconds)
			.description("How long the oldest of the " + what + " due has waited, after the last round")
			.baseUnit("seconds")
			.register(meters);
	}

	/**
	 * Claims at most {@code batch} due rows for {@code lease}, due again at
	 * {@code leaseUntil} unless settled.
	 */
	protected abstract Flux<C> claim(Instant now, Instant leaseUntil, String lease, int batch);

	/** One attempt of {@code claimed}: its answer, or an error ({@link #errorClass}). */
	protected abstract Mono<Answer> send(C claimed, Instant started);

	/** The outcome a failed attempt is counted and logged as. */
	protected abstract String errorClass(Throwable failure);

	/**
	 * Moves {@code claimed} on after {@code attempt}, typically with {@link #nextAttempt}
	 * and {@link #dead()}.
	 */
	protected abstract Mono<Void> settle(C claimed, Attempt attempt, Answer answer);

	/** The rows due now, and since when the oldest is. */
	protected abstract Mono<Backlog> backlog(Instant now);

	/** Deletes the rows created before {@code before}; answers how many. */
	protected abstract Mono<Long> purge(Instant before);

	@Override
	protected Mono<Long> round() {
		Instant now = this.clock.instant();
		Mono<Long> purge = Mono.empty();
		if (Duration.between(this.lastPurge, now).compareTo(PURGE_INTERVAL) >= 0) {
			this.lastPurge = now;
			purge = purgeExpired(now);
		}
		return purge.then(dispatchDue()).flatMap((count) -> backlog(this.clock.instant()).doOnNext((current) -> {
			this.backlog.set(current.due());
			this.oldestDue.set((current.oldest() != null) ? current.oldest().toEpochMilli() : 0);
		}).thenReturn(count));
	}

	/** Deletes the rows older than the retention; answers how many. */
	public Mono<Long> purgeExpired(Instant now) {
		return purge(now.minus(this.settings.retention()));
	}

	/** Claims and attempts one batch of due rows; answers how many. */
	public Mono<Long> dispatchDue() {
		Instant now = this.clock.instant();
		String lease = Long.toHexString(ThreadLocalRandom.current().nextLong())
				+ Long.toHexString(ThreadLocalRandom.current().nextLong());
		return claim(now, now.plus(this.settings.timeout()).plus(LEASE_MARGIN), lease, this.settings.batchSize())
			.flatMap(this::attempt, this.settings.concurrency())
			.count();
	}

	private Mono<Void> attempt(C claimed) {
		Instant started = this.clock.instant();
		long start = System.nanoTime();
		return send(claimed, started).onErrorResume((ex) -> Mono.just(Answer.failed(errorClass(ex))))
			.flatMap((answer) -> {
				long nanos = System.nanoTime() - start;
				this.latency.record(nanos, TimeUnit.NANOSECONDS);
				attempts(answer.outcome()).increment();
				Attempt attempt = new Attempt(started, (int) TimeUnit.NANOSECONDS.toMillis(nanos), answer.status(),
						answer.succeeded() ? null : answer.outcome(), answer.excerpt());
				return settle(claimed, attempt, answer);
			});
	}

	/**
	 * When the attempt after attempt number {@code attempt} is due: the schedule's next
	 * wait, spread by ±10 %, and no sooner than {@code retryAfter}; null after the last.
	 */
	public @Nullable Instant nextAttempt(int attempt, @Nullable Duration retryAfter, Instant now) {
		if (attempt >= this.settings.retrySchedule().size()) {
			return null;
		}
		long wait = this.settings.retrySchedule().get(attempt).toMillis();
		long jittered = Math.round(wait * ThreadLocalRandom.current().nextDouble(0.9, 1.1));
		Instant next = now.plusMillis(jittered);
		if (retryAfter != null) {
			Instant asked = now.plus((retryAfter.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : retryAfter);
			next = asked.isAfter(next) ? asked : next;
		}
		return next;
	}

	/** Counts a row that failed for good. */
	protected void dead() {
		this.dead.increment();
	}

	protected Clock clock() {
		return this.clock;
	}

	private Counter attempts(String outcome) {
		return this.meters.counter(this.prefix + ".attempts", "outcome", outcome);
	}

	private double oldestDueSeconds() {
		long oldest = this.oldestDue.get();
		return (oldest == 0) ? 0 : Math.max(0, this.clock.millis() - oldest) / 1000.0;
	}

	/** A claimed row. */
	public interface Claimed {

		/** Its attempt number, from 1. */
		int attempt();

	}

	/**
	 * What one attempt came to.
	 *
	 * @param status the other side's status (HTTP, SMTP), or null without one
	 * @param outcome {@link #SUCCEEDED}, or what failed
	 * @param retryAfter how long the other side asked to wait, or null
	 * @param excerpt the start of its answer, for the log, or null
	 */
	public record Answer(@Nullable Integer status, String outcome, @Nullable Duration retryAfter,
			@Nullable String excerpt) {

		public static Answer failed(String outcome) {
			return new Answer(null, outcome, null, null);
		}

		public boolean succeeded() {
			return SUCCEEDED.equals(this.outcome);
		}

	}

	/** An attempt as a delivery log keeps it; {@code error} is null when it succeeded. */
	public record Attempt(Instant startedAt, int durationMs, @Nullable Integer statusCode, @Nullable String error,
			@Nullable String excerpt) {
	}

	/** The rows due, and when the oldest of them became due (null: none). */
	public record Backlog(long due, @Nullable Instant oldest) {
	}

	/**
	 * How a worker goes about it.
	 *
	 * @param pollInterval how often a round runs
	 * @param timeout the longest one attempt may take
	 * @param retrySchedule the waits after each failed attempt; after the last, failed
	 * @param retention how long rows are kept
	 * @param batchSize rows claimed per round
	 * @param concurrency attempts under way at once
	 */
	public record Settings(Duration pollInterval, Duration timeout, List<Duration> retrySchedule, Duration retention,
			int batchSize, int concurrency) {
	}

}
