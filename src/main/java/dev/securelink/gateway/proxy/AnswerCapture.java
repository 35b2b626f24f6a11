package dev.securelink.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The upstream's answer to a submission as it goes to the client: kept while it is at
 * most {@link IdempotencyRecords#MAX_STORED_BODY}, and settled before the client has all
 * of it.
 */
final class AnswerCapture {

	private final ByteArrayOutputStream body = new ByteArrayOutputStream();

	private final Settle settle;

	private boolean overflow;

	/** What settles the answer; it must not fail. */
	@FunctionalInterface
	interface Settle {

		/**
		 * Settles one answer.
		 * @param status the answer's status
		 * @param headers its headers, as they go to the client
		 * @param body its body, or null when it grew past what is kept
		 */
		Mono<Void> settle(int status, HttpHeaders headers, byte @Nullable [] body);

	}

	AnswerCapture(Settle settle) {
		this.settle = settle;
	}

	/**
	 * The answer's body on its way to the client: each buffer is kept, and the last one
	 * goes out only once the answer is settled, so that a client that has the whole
	 * answer and sends the same submission again gets the replay, never a 409. An answer
	 * without a body is settled before its head goes out.
	 */
	Flux<ByteBuf> watch(int status, HttpHeaders headers, Flux<ByteBuf> content) {
		return Flux.defer(() -> {
			AtomicReference<@Nullable ByteBuf> held = new AtomicReference<>();
			return content.<ByteBuf>handle((buffer, sink) -> {
				add(buffer);
				ByteBuf previous = held.getAndSet(buffer);
				if (previous != null) {
					sink.next(previous);
				}
			})
				// Settled apart from the client: a client that hangs up on the last byte
				// cancels the answer, never the settling (the kept answer stays).
				.concatWith(
						Mono.defer(() -> Mono.fromFuture(this.settle.settle(status, headers, body()).toFuture(), true))
							.then(Mono.fromSupplier(() -> held.getAndSet(null))))
				.doFinally((signal) -> {
					ByteBuf left = held.getAndSet(null);
					if (left != null) {
						left.release();
					}
				});
		});
	}

	private void add(ByteBuf buffer) {
		int size = buffer.readableBytes();
		if (this.overflow || this.body.size() + size > IdempotencyRecords.MAX_STORED_BODY) {
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
