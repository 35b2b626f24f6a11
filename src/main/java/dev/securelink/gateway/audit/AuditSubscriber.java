package dev.securelink.gateway.audit;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Follows the audit trail as it becomes evidence, inside the transaction that makes it
 * so: events as they are sealed into their tenant's chain, checkpoints as they are
 * stored. What a subscriber writes there commits with the seal or rolls back with it, so
 * that it never reports an event that did not commit, and never misses one that did (the
 * webhook outbox).
 */
public interface AuditSubscriber {

	/**
	 * {@code events}, in the order they were chained, have just been sealed in the
	 * current transaction.
	 */
	Mono<Void> sealed(List<SealedEvent> events);

	/** {@code checkpoint} has just been stored, in the current transaction. */
	Mono<Void> checkpointed(AuditCheckpoints.Checkpoint checkpoint);

	/**
	 * An event as it was sealed.
	 *
	 * @param id the event's id in the events API
	 * @param seq its place in its tenant's chain
	 * @param hash its chain hash
	 */
	record SealedEvent(long id, long seq, byte[] hash, AccessEvent event) {
	}

}
