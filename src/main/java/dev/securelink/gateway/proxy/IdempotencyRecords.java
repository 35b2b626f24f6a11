package dev.securelink.gateway.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.BackgroundTask;

/**
 * The {@code idempotency_record} table: a sign or pay submission's key, reserved before
 * it is forwarded and exact across instances (the primary key decides), then the answer
 * kept for replay. See V11 for the rules.
 */
@Component
class IdempotencyRecords extends BackgroundTask<Long> {

	/** The largest answer body kept for replay. */
	static final int MAX_STORED_BODY = 64 * 1024;

	/** Headers of an answer never stored: cookies, and those the replay sets itself. */
	private static final java.util.Set<String> NOT_KEPT = java.util.Set.of("set-cookie", "content-length",
			"transfer-encoding", "connection", "keep-alive", "date");

	private final DatabaseClient db;

	private final JsonMapper json;

	private final Clock clock;

	private final Duration ttl;

	/** An in-flight row older than this was abandoned by an instance that died. */
	private final Duration abandonedAfter;

	IdempotencyRecords(DatabaseClient db, JsonMapper json, Clock clock, UpstreamProperties properties) {
		super("Idempotency records purge", Duration.ofMinutes(1), Duration.ofHours(1));
		this.db = db;
		this.json = json;
		this.clock = clock;
		this.ttl = properties.idempotencyTtl();
		this.abandonedAfter = properties.responseTimeout().multipliedBy(2);
	}

	/** What a reservation found. */
	sealed interface Reservation {

	}

	/** The key is this submission's: forward it. */
	record Reserved() implements Reservation {
	}

	/** The same key is being forwarded right now. */
	record InFlight() implements Reservation {
	}

	/** The same key came with another request. */
	record OtherRequest() implements Reservation {
	}

	/** The same submission was answered: replay this. */
	record Done(int status, List<Map.Entry<String, String>> headers, byte[] body) implements Reservation {

		/** The stored answer again, marked as replayed; nothing is forwarded. */
		Mono<Void> writeTo(HttpServerResponse response) {
			response.status(this.status);
			this.headers.forEach((header) -> response.addHeader(header.getKey(), header.getValue()));
			response.header("Idempotent-Replayed", "true");
			response.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(this.body.length));
			return response.sendByteArray(Mono.just(this.body)).then();
		}

	}

	/**
	 * A submission's key as it is stored: its link, its action and the SHA-256 of the
	 * key.
	 */
	record Key(String linkId, String action, byte[] hash) {
	}

	Mono<Reservation> reserve(Key key, byte[] fingerprint) {
		Instant now = this.clock.instant();
		return this.db.sql("""
				insert into idempotency_record (link_id, action, key_hash, fingerprint, state, created_at, expires_at)
				values (:link, :action, :key, :fingerprint, 'in_flight', :now, :expires)
				on conflict (link_id, action, key_hash) do update
				set fingerprint = excluded.fingerprint, state = 'in_flight', status = null, headers = null, body = null,
				    created_at = excluded.created_at, expires_at = excluded.expires_at
				where idempotency_record.expires_at <= :now
				   or (idempotency_record.state = 'in_flight' and idempotency_record.created_at < :abandoned)
				""")
			.bind("link", key.linkId())
			.bind("action", key.action())
			.bind("key", key.hash())
			.bind("fingerprint", fingerprint)
			.bind("now", now)
			.bind("expires", now.plus(this.ttl))
			.bind("abandoned", now.minus(this.abandonedAfter))
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows > 0) ? Mono.<Reservation>just(new Reserved()) : existing(key, fingerprint));
	}

	private Mono<Reservation> existing(Key key, byte[] fingerprint) {
		return this.db
			.sql("select fingerprint, state, status, headers, body from idempotency_record "
					+ "where link_id = :link and action = :action and key_hash = :key")
			.bind("link", key.linkId())
			.bind("action", key.action())
			.bind("key", key.hash())
			.map((row) -> {
				if (!java.util.Arrays.equals(row.get("fingerprint", byte[].class), fingerprint)) {
					return (Reservation) new OtherRequest();
				}
				if (!"done".equals(row.get("state", String.class))) {
					return new InFlight();
				}
				String headers = row.get("headers", String.class);
				byte[] body = row.get("body", byte[].class);
				return new Done(row.get("status", Integer.class), headers(headers),
						(body != null) ? body : new byte[0]);
			})
			.one()
			// Deleted between the two statements (its answer was a 5xx): still being
			// decided.
			.defaultIfEmpty(new InFlight());
	}

	/**
	 * Keeps the answer for replay: its status, body and headers, except cookies (never
	 * stored) and the framing ones (the replay sets its own).
	 */
	Mono<Void> done(Key key, int status, HttpHeaders headers, byte[] body) {
		List<List<String>> kept = new ArrayList<>();
		headers.forEach((header) -> {
			if (!NOT_KEPT.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
				kept.add(List.of(header.getKey(), header.getValue()));
			}
		});
		return this.db.sql("""
				update idempotency_record set state = 'done', status = :status, headers = :headers, body = :body
				where link_id = :link and action = :action and key_hash = :key
				""")
			.bind("status", status)
			.bind("headers", this.json.writeValueAsString(kept))
			.bind("body", body)
			.bind("link", key.linkId())
			.bind("action", key.action())
			.bind("key", key.hash())
			.then();
	}

	/**
	 * Forgets the key while it is in flight: the answer is not one to replay, so a retry
	 * is forwarded again. A kept answer is never deleted here.
	 */
	Mono<Void> release(Key key) {
		return this.db
			.sql("delete from idempotency_record "
					+ "where link_id = :link and action = :action and key_hash = :key and state = 'in_flight'")
			.bind("link", key.linkId())
			.bind("action", key.action())
			.bind("key", key.hash())
			.then();
	}

	@Override
	protected Mono<Long> round() {
		return purge();
	}

	/** Deletes expired records; answers how many. */
	Mono<Long> purge() {
		return this.db.sql("delete from idempotency_record where expires_at < :now")
			.bind("now", this.clock.instant())
			.fetch()
			.rowsUpdated();
	}

	private List<Map.Entry<String, String>> headers(@Nullable String stored) {
		if (stored == null) {
			return List.of();
		}
		List<List<String>> pairs = this.json.readValue(stored, new TypeReference<List<List<String>>>() {
		});
		return pairs.stream().map((pair) -> Map.entry(pair.get(0), pair.get(1))).toList();
	}

}
