package dev.securelink.gateway.privacy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.link.LinkRepository;

/**
 * Deletes links, their failure counters and their events
 * {@code securelink.retention.days} after the link expired, in small transactions in the
 * background. Purged events leave a tombstone (id and hashes only) so the tenant's
 * evidence chain still verifies.
 */
@Component
class RetentionPurge implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RetentionPurge.class);

	private final LinkRepository links;

	private final AuditLog audit;

	private final TransactionalOperator transaction;

	private final RetentionProperties properties;

	private final Clock clock;

	private volatile @Nullable Disposable schedule;

	RetentionPurge(LinkRepository links, AuditLog audit, TransactionalOperator transaction,
			RetentionProperties properties, Clock clock) {
		this.links = links;
		this.audit = audit;
		this.transaction = transaction;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	public void start() {
		this.schedule = Flux.interval(Duration.ofMinutes(1), this.properties.interval())
			.concatMap((tick) -> purge().onErrorResume((ex) -> {
				logger.warn("Retention purge failed, will try again: " + ex.getMessage());
				return Mono.empty();
			}))
			.subscribe((purged) -> {
				if (purged > 0) {
					logger.info("Retention purge removed " + purged + " expired links with their events");
				}
			});
	}

	/**
	 * Purges every link past retention, batch after batch; answers how many links went.
	 */
	Mono<Long> purge() {
		Instant cutoff = this.clock.instant().minus(Duration.ofDays(this.properties.days()));
		return batch(cutoff).expand((purged) -> (purged == this.properties.batchSize()) ? batch(cutoff) : Mono.empty())
			.reduce(0L, Long::sum);
	}

	private Mono<Long> batch(Instant cutoff) {
		return this.links.lockExpiredBefore(cutoff, this.properties.batchSize())
			.flatMap((ids) -> ids.isEmpty() ? Mono.just(0L) : this.audit.purgeLinks(ids).then(this.links.delete(ids)))
			.as(this.transaction::transactional);
	}

	@Override
	public void stop() {
		Disposable current = this.schedule;
		if (current != null) {
			current.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		Disposable current = this.schedule;
		return current != null && !current.isDisposed();
	}

}
