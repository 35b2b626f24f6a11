package dev.securelink.gateway.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;

/**
 * The wrong-address budget of a client in PostgreSQL, exact across instances: at most
 * {@code securelink.limits.wrong-addresses} comparisons per client in a window of
 * {@code wrong-addresses-period}, whichever instance answers. A comparison is reserved
 * before it is made, in one statement (the primary key decides a race), and given back
 * when the address matched or nothing was compared. Rows of ended windows are purged.
 */
@Component
class ClientBudgets extends BackgroundTask<Long> {

	private static final String ADDRESS = "address";

	private final DatabaseClient db;

	private final Clock clock;

	private final int wrongAddresses;

	private final Duration period;

	ClientBudgets(DatabaseClient db, Clock clock, LimitsProperties limits) {
		super("Client budgets purge", Duration.ofMinutes(1), Duration.ofMinutes(10));
		this.db = db;
		this.clock = clock;
		this.wrongAddresses = limits.wrongAddresses();
		this.period = limits.wrongAddressesPeriod();
	}

	/**
	 * A reservation: whether a comparison may be made, and the window it was counted in
	 * (a refund goes back to that window only).
	 */
	record Reservation(boolean granted, Instant window) {
	}

	/** Reserves one comparison for {@code client} (its keyed hash). */
	Mono<Reservation> reserveAddress(String client, Instant now) {
		return this.db.sql("""
				insert into client_budget (client, kind, window_start, used) values (:client, :kind, :now, 1)
				on conflict (client, kind) do update
				set window_start = case when client_budget.window_start <= :ended then :now
				                        else client_budget.window_start end,
				    used = case when client_budget.window_start <= :ended then 1
				                else least(client_budget.used + 1, :ceiling) end
				returning used, window_start
				""")
			.bind("client", client)
			.bind("kind", ADDRESS)
			.bind("now", now)
			.bind("ended", now.minus(this.period))
			.bind("ceiling", this.wrongAddresses + 1)
			.map((row) -> new Reservation(row.get("used", Integer.class) <= this.wrongAddresses,
					row.get("window_start", Instant.class)))
			.one();
	}

	/**
	 * Gives one comparison back to the window it was counted in (the address matched, or
	 * nothing was compared); a window that has ended since is left alone.
	 */
	Mono<Void> refundAddress(String client, Reservation reservation) {
		return this.db.sql("""
				update client_budget set used = greatest(used - 1, 0)
				where client = :client and kind = :kind and window_start = :window
				""").bind("client", client).bind("kind", ADDRESS).bind("window", reservation.window()).then();
	}

	@Override
	protected Mono<Long> round() {
		return this.db.sql("delete from client_budget where window_start < :ended")
			.bind("ended", this.clock.instant().minus(this.period))
			.fetch()
			.rowsUpdated();
	}

}
