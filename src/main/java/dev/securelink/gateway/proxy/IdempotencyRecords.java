package dev.securelink.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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
	}

	Mono<Reservation> reserve(String linkId, String action, byte[] keyHash, byte[] fingerprint) {
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
			.bind("link", linkId)
			.bind("action", action)
			.bind("key", keyHash)
			.bind("fingerprint", fingerprint)
			.bind("now", now)
			.bind("expires", now.plus(this.ttl))
			.bind("abandoned", now.minus(this.abandonedAfter))
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows > 0) ? Mono.<Reservation>just(new Reserved())
					: existing(linkId, action, keyHash, fingerprint));
	}

	private Mono<Reservation> existing(String linkId, String action, byte[] keyHash, byte[] fingerprint) {
		return this.db
			.sql("select fingerprint, state, status, headers, body from idempotency_record "
					+ "where link_id = :link and action = :action and key_hash = :key")
			.bind("link", linkId)
			.bind("action", action)
			.bind("key", keyHash)
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
	Mono<Void> done(String linkId, String action, byte[] keyHash, int status, HttpHeaders headers, byte[] body) {
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
			.bind("link", linkId)
			.bind("action", action)
			.bind("key", keyHash)
			.then();
	}

	/**
	 * Forgets the key: the answer is not one to replay, so a retry is forwarded again.
	 */
	Mono<Void> release(String linkId, String action, byte[] keyHash) {
		return this.db
			.sql("delete from idempotency_record where link_id = :link and action = :action and key_hash = :key")
			.bind("link", linkId)
			.bind("action", action)
			.bind("key", keyHash)
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

	/**
	 * The answer as it goes to the client, kept while it is at most
	 * {@link #MAX_STORED_BODY}, and settled before the client has all of it.
	 */
	static final class Capture {

		private final ByteArrayOutputStream body = new ByteArrayOutputStream();

		private final Function<byte @Nullable [], Mono<Void>> settle;

		private final Supplier<Mono<Void>> forget;

		private boolean overflow;

		/**
		 * A capture that settles the upstream's answer with {@code settle}.
		 * @param settle settles the upstream's answer given its body, or null when it
		 * grew past what is kept; it must not fail
		 * @param forget forgets the key when the gateway answers instead
		 */
		Capture(Function<byte @Nullable [], Mono<Void>> settle, Supplier<Mono<Void>> forget) {
			this.settle = settle;
			this.forget = forget;
		}

		/**
		 * The answer's body on its way to the client: each buffer is kept, and the last
		 * one goes out only once the answer is settled, so that a client that has the
		 * whole answer and sends the same submission again gets the replay, never a 409.
		 * An answer without a body is settled before its head goes out.
		 */
		Flux<ByteBuf> watch(Flux<ByteBuf> content) {
			return Flux.defer(() -> {
				AtomicReference<@Nullable ByteBuf> held = new AtomicReference<>();
				return content.<ByteBuf>handle((buffer, sink) -> {
					add(buffer);
					ByteBuf previous = held.getAndSet(buffer);
					if (previous != null) {
						sink.next(previous);
					}
				})
					.concatWith(Mono.defer(() -> this.settle.apply(body()))
						.then(Mono.fromSupplier(() -> held.getAndSet(null))))
					.doFinally((signal) -> {
						ByteBuf left = held.getAndSet(null);
						if (left != null) {
							left.release();
						}
					});
			});
		}

		/**
		 * Nothing of the upstream's answer goes to the client (the gateway answers with
		 * its own page): the key is forgotten before that page goes out.
		 */
		Mono<Void> forget() {
			return this.forget.get().onErrorResume((ex) -> Mono.empty());
		}

		private void add(ByteBuf buffer) {
			int size = buffer.readableBytes();
			if (this.overflow || this.body.size() + size > MAX_STORED_BODY) {
				this.overflow = true;
				return;
			}
			byte[] bytes = new byte[size];
			buffer.getBytes(buffer.readerIndex(), bytes);
			this.body.write(bytes, 0, size);
		}

		/** The body, or null when it grew past what is kept. */
		private byte @Nullable [] body() {
			return this.overflow ? null : this.body.toByteArray();
		}

	}

}
