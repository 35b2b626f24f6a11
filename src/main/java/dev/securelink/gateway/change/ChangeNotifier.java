package dev.securelink.gateway.change;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Announces a change to every instance through PostgreSQL NOTIFY. Called inside the transaction that makes the
 * change, the notification is delivered exactly when that transaction commits, and never if it rolls back.
 */
@Component
public class ChangeNotifier {

	static final String CHANNEL = "securelink_changes";

	private final DatabaseClient db;

	ChangeNotifier(DatabaseClient db) {
		this.db = db;
	}

	public Mono<Void> notify(Change change) {
		return this.db.sql("select pg_notify('" + CHANNEL + "', :payload)")
			.bind("payload", change.payload())
			.then();
	}

}
