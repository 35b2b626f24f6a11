package dev.securelink.gateway.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCache;
import dev.securelink.gateway.link.LinkCode;
import dev.securelink.gateway.link.RecipientMacs;
import dev.securelink.gateway.tenant.LinkHosts;
import dev.securelink.gateway.tenant.SettingsCache;
import dev.securelink.gateway.tenant.TenantSettings;

/**
 * "Ask for a new link": what a recipient's request comes to. It becomes the audit event
 * {@code renewal_requested} (delivered as {@code link.renewal_requested}, with the
 * recipient's index, never the address) when the tenant allows self-service renewal, the
 * code names a link, the link is expired or its check locked for this client or for
 * everyone (revoked only if the tenant opts in), and the address is one of its
 * recipients; once per link and recipient a day, exact across instances. Whatever it
 * comes to, the visitor is answered the same, at the same time, before it is recorded
 * ({@link RenewalHandler}, {@link #submit}).
 */
@Component
class Renewals implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(Renewals.class);

	/** Requests being recorded at most at once; beyond, a request is dropped, counted. */
	static final int MAX_PENDING = 1000;

	/** How long shutdown waits for requests already answered to be recorded. */
	private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

	/** Requests answered and still being recorded. */
	private final AtomicInteger pending = new AtomicInteger();

	private volatile boolean running;

	/** One request per link and recipient in this time becomes an event. */
	static final Duration INTERVAL = Duration.ofHours(24);

	/** What a request came to (for the metric only: the visitor never learns it). */
	enum Outcome {

		/** Recorded: the invoicing application is told. */
		REQUESTED,

		/** The same recipient asked for the same link within the day: dropped. */
		REPEATED,

		/** Not a renewable link of this recipient, or the tenant does not allow it. */
		IGNORED,

		/** The database failed it, after retries: logged, and nothing recorded. */
		FAILED,

		/**
		 * Not even tried: {@link #MAX_PENDING} were being recorded already (a database
		 * far behind); the visitor was answered all the same.
		 */
		DROPPED;

		String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	private final LinkCache links;

	private final SettingsCache settings;

	private final RecipientMacs macs;

	private final AttemptGuard attempts;

	private final AuditLog audit;

	private final DatabaseClient db;

	private final TransactionalOperator transaction;

	private final Clock clock;

	private final MeterRegistry meters;

	private final LinkHosts hosts;

	Renewals(LinkCache links, SettingsCache settings, RecipientMacs macs, AttemptGuard attempts, AuditLog audit,
			DatabaseClient db, TransactionalOperator transaction, Clock clock, MeterRegistry meters, LinkHosts hosts) {
		this.hosts = hosts;
		this.links = links;
		this.settings = settings;
		this.macs = macs;
		this.attempts = attempts;
		this.audit = audit;
		this.db = db;
		this.transaction = transaction;
		this.clock = clock;
		this.meters = meters;
		for (Outcome outcome : Outcome.values()) {
			meters.counter("securelink.renewal.requests", "outcome", outcome.id());
		}
	}

	/**
	 * Takes a request whose visitor is answered at once, whatever it comes to: it is
	 * recorded apart from the answer (a client that goes away cancels nothing), retried
	 * through a database failover, and waited for on shutdown; a request the database
	 * fails in the end is logged and counted ({@code outcome=failed}). So neither a slow
	 * nor a failing database tells a recipient from a stranger.
	 */
	void submit(String code, String address, String client, @Nullable String host) {
		if (this.pending.incrementAndGet() > MAX_PENDING) {
			this.pending.decrementAndGet();
			this.meters.counter("securelink.renewal.requests", "outcome", Outcome.DROPPED.id()).increment();
			return;
		}
		request(code, address, client, host)
			.retryWhen(Retry.backoff(4, Duration.ofMillis(250)).maxBackoff(Duration.ofSeconds(5)))
			.doFinally((signal) -> this.pending.decrementAndGet())
			.subscribe(null, (ex) -> {
				logger.warn("A request for a new link could not be recorded: " + ex.getClass().getSimpleName());
				this.meters.counter("securelink.renewal.requests", "outcome", Outcome.FAILED.id()).increment();
			});
	}

	/** Requests answered and still being recorded. */
	int pending() {
		return this.pending.get();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	/** Lets the requests already answered be recorded first, for a bounded time. */
	@Override
	public void stop(Runnable callback) {
		this.running = false;
		Flux.interval(Duration.ofMillis(50))
			.takeUntil((tick) -> this.pending.get() == 0)
			.take(SHUTDOWN_WAIT)
			.doFinally((signal) -> callback.run())
			.subscribe();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stopped after the web server (its graceful shutdown and stop phases), so that the
	 * requests answered while it drained are waited for too, and before the pool closes.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/**
	 * A request for a new link of {@code code}, from {@code client} (its key), for
	 * {@code address}, made on {@code host} (a code on a host where it does not open is
	 * an unknown one).
	 */
	Mono<Outcome> request(String code, String address, String client, @Nullable String host) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		String clientHash = this.audit.clientHash(client);
		Mono<Outcome> outcome = LinkCode.isWellFormed(code) ? this.links.byCode(LinkCode.hash(code))
			.flatMap((link) -> this.settings.get(link.tenantId())
				.filterWhen((tenant) -> this.hosts.opens(host, tenant))
				.filterWhen((tenant) -> renewable(link, tenant, clientHash, now))
				.flatMap((tenant) -> {
					// A recipient who said the link was not meant for them asks for
					// nothing:
					// a new link would go to the mistyped address again.
					int recipient = this.macs.indexOf(link.recipientMacs(), address);
					return (recipient != -1 && !link.revokedNamed().contains(recipient))
							? record(link, recipient, clientHash, now) : Mono.empty();
				})) : Mono.empty();
		return outcome.defaultIfEmpty(Outcome.IGNORED)
			.doOnNext((done) -> this.meters.counter("securelink.renewal.requests", "outcome", done.id()).increment());
	}

	private Mono<Boolean> renewable(Link link, TenantSettings tenant, String clientHash, Instant now) {
		if (!tenant.selfServiceRenewal()) {
			return Mono.just(false);
		}
		return switch (link.status(now)) {
			case EXPIRED -> Mono.just(true);
			case REVOKED -> Mono.just(tenant.renewalForRevoked());
			case ACTIVE -> this.attempts.lockedFor(link.id(), clientHash, now);
		};
	}

	/**
	 * The request of {@code recipient}, unless that recipient asked within the day: the
	 * row and the audit event in one transaction, so two requests at once on two
	 * instances make one event.
	 */
	private Mono<Outcome> record(Link link, int recipient, String clientHash, Instant now) {
		return this.db.sql("""
				insert into renewal_request (link_id, recipient, requested_at) values (:id, :recipient, :now)
				on conflict (link_id, recipient) do update set requested_at = excluded.requested_at
				where renewal_request.requested_at <= :since
				""")
			.bind("id", link.id())
			.bind("recipient", (short) recipient)
			.bind("now", now)
			.bind("since", now.minus(INTERVAL))
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows != 0) ? this.audit
				.record(AccessEvent.ofVerification(AuditType.RENEWAL_REQUESTED, link.tenantId(), link.id(), clientHash,
						now, new AuditDetail.RenewalRequested(recipient)))
				.thenReturn(Outcome.REQUESTED) : Mono.just(Outcome.REPEATED))
			.as(this.transaction::transactional);
	}

}
