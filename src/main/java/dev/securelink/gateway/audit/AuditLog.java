package dev.securelink.gateway.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;
import dev.securelink.gateway.keys.Sha256;

/**
 * Appends to the durable audit trail: one insert, no lock, and the returned Mono
 * completes once the row is written (so an event that gates a request is durable before
 * the answer). A session's {@code opened}, which gates nothing, is written in batches
 * ({@link EventBatches}). {@link AuditSealer} links each tenant's new events into its
 * hash chain in the background.
 */
@Component
public class AuditLog implements SmartLifecycle {

	private final DatabaseClient db;

	private final SecretKeySpec pepper;

	private final Counter failures;

	private final int maxOpenedPerLink;

	private final Counter openedDropped;

	private final EventBatches batches;

	private volatile boolean running;

	/** Openings recorded per link in the hour since the first of them. */
	private final Cache<String, AtomicInteger> openedPerLink = Caffeine.newBuilder()
		.expireAfterWrite(Duration.ofHours(1))
		.maximumSize(100_000)
		.build();

	public AuditLog(DatabaseClient db, GatewayKeys keys, AuditProperties properties, MeterRegistry meters) {
		this.maxOpenedPerLink = properties.maxOpenedPerLink();
		this.openedDropped = Counter.builder("securelink.audit.opened.dropped")
			.description("Document openings not recorded: the link had securelink.audit.max-opened-per-link this hour")
			.register(meters);
		this.failures = Counter.builder("securelink.audit.failures")
			.description("Audit events that could not be written")
			.register(meters);
		this.db = db;
		this.pepper = keys.emailPepper();
		this.batches = new EventBatches(db, this::record, this.failures);
	}

	/**
	 * A client IP as the audit trail keeps it: a keyed hash (HMAC with the pepper, 16
	 * bytes), enough to tell repeated attempts from one client apart from many, useless
	 * for recovering the address.
	 */
	public String clientHash(String ip) {
		return HexFormat.of().formatHex(Hmac.sha256(this.pepper, "client:" + ip), 0, 16);
	}

	/**
	 * Appends {@code event}, unsealed; a second {@code opened} of the same session is
	 * ignored.
	 */
	public Mono<Void> record(AccessEvent event) {
		return this.db.sql("""
				insert into access_event (tenant_id, link_id, type, outcome, actor, client, occurred_at, session_id,
				                          detail)
				values (:tenant, :link, :type, :outcome, :actor, :client, :at, :session, :detail)
				on conflict (link_id, session_id) where type = 'opened' do nothing
				""")
			.bind("tenant", event.tenantId())
			.bind("link", Parameter.fromOrEmpty(event.linkId(), String.class))
			.bind("type", event.type())
			.bind("outcome", event.outcome())
			.bind("actor", Parameter.fromOrEmpty(event.actor(), String.class))
			.bind("client", Parameter.fromOrEmpty(event.client(), String.class))
			.bind("at", event.occurredAt())
			.bind("session", Parameter.fromOrEmpty(event.sessionId(), String.class))
			.bind("detail", Parameter.fromOrEmpty(event.detail(), String.class))
			.then()
			.doOnError((ex) -> this.failures.increment());
	}

	/**
	 * Appends a session's {@code opened} in the next batch, unless the link already had
	 * {@code max-opened-per-link} of them this hour: a link opened in a loop (or by a
	 * crawler with a fresh session each time) cannot flood its tenant's trail. The write
	 * happens whether or not the returned Mono is subscribed to; it completes once the
	 * event is written (at once when it is not to be).
	 */
	public Mono<Void> recordOpened(AccessEvent event) {
		String linkId = event.linkId();
		if (linkId != null && this.openedPerLink.get(linkId, (key) -> new AtomicInteger())
			.incrementAndGet() > this.maxOpenedPerLink) {
			this.openedDropped.increment();
			return Mono.empty();
		}
		return this.batches.add(event);
	}

	/**
	 * Writes the queued openings before the database goes, after the web server stopped;
	 * the context waits for {@code callback}.
	 */
	@Override
	public void stop(Runnable callback) {
		this.batches.drain(Duration.ofSeconds(10)).doFinally((signal) -> {
			this.running = false;
			callback.run();
		}).subscribe();
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stopped after the web server (whose phases are a little below the default). */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/**
	 * SHA-256 over the previous event's hash (empty for the first) and the event's
	 * canonical form.
	 */
	public static byte[] chain(byte[] previous, AccessEvent event) {
		MessageDigest digest = Sha256.digest();
		digest.update(previous);
		digest.update(event.canonical().getBytes(StandardCharsets.UTF_8));
		return digest.digest();
	}

}
