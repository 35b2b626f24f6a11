package dev.securelink.gateway.privacy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;
import dev.securelink.gateway.audit.AuditPurge;
import dev.securelink.gateway.link.LinkRepository;

/**
 * Deletes links, their failure counters and their events
 * {@code securelink.retention.days} after the link expired, in small transactions in the
 * background. Purged events leave a tombstone (id and hashes only) so the tenant's
 * evidence chain still verifies.
 */
@Component
class RetentionPurge extends BackgroundTask<Long> {

	private static final Log logger = LogFactory.getLog(RetentionPurge.class);

	private final LinkRepository links;

	private final AuditPurge audit;

	private final TransactionalOperator transaction;

	private final RetentionProperties properties;

	private final Clock clock;

	RetentionPurge(LinkRepository links, AuditPurge audit, TransactionalOperator transaction,
			RetentionProperties properties, Clock clock) {
		super("Retention purge", Duration.ofMinutes(1), properties.interval());
		this.links = links;
		this.audit = audit;
		this.transaction = transaction;
		this.properties = properties;
		this.clock = clock;
	}

	@Override
	protected Mono<Long> round() {
		return purge();
	}

	@Override
	protected void completed(Long purged) {
		if (purged > 0) {
			logger.info("Retention purge removed " + purged + " expired links with their events");
		}
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

}
