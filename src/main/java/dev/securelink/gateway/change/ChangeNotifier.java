package dev.securelink.gateway.change;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronization;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Announces a change to every instance through PostgreSQL NOTIFY, and writes it to
 * {@code change_log} for those that poll instead ({@link ChangeFeed}). Called inside the
 * transaction that makes the change, the notification is delivered exactly when that
 * transaction commits, and never if it rolls back. This instance's caches hear of it on
 * commit too, without waiting for its own notification to come back.
 */
@Component
public class ChangeNotifier {

	static final String CHANNEL = "securelink_changes";

	private final DatabaseClient db;

	private final ObjectProvider<ChangeListener> listeners;

	ChangeNotifier(DatabaseClient db, ObjectProvider<ChangeListener> listeners) {
		this.db = db;
		this.listeners = listeners;
	}

	public Mono<Void> notify(Change change) {
		// The change_log row is the feed's fallback for instances that do not hear
		// NOTIFY.
		return this.db
			.sql("with logged as (insert into change_log (payload) values (:payload)) select pg_notify('" + CHANNEL
					+ "', :payload)")
			.bind("payload", change.payload())
			.then()
			.then(TransactionSynchronizationManager.forCurrentTransaction()
				.filter(TransactionSynchronizationManager::isSynchronizationActive)
				.doOnNext((transaction) -> transaction.registerSynchronization(new TransactionSynchronization() {
					@Override
					public Mono<Void> afterCommit() {
						return Mono.fromRunnable(() -> tellLocal(change));
					}
				}))
				.switchIfEmpty(Mono.fromRunnable(() -> tellLocal(change)))
				.onErrorResume(NoTransactionException.class, (ex) -> Mono.fromRunnable(() -> tellLocal(change)))
				.then());
	}

	private void tellLocal(Change change) {
		List<ChangeListener> all = this.listeners.orderedStream().toList();
		all.forEach((listener) -> listener.changed(change));
	}

}
