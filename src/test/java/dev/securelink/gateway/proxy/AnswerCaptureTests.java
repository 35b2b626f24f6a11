package dev.securelink.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The answer to a submission is settled before its last byte goes out, and nothing it
 * holds leaks when the client goes away.
 */
class AnswerCaptureTests {

	private static final HttpHeaders HEADERS = new DefaultHttpHeaders();

	@Test
	void watchWhenTheAnswerStreamsThenItsLastBufferWaitsUntilTheAnswerIsSettled() {
		Sinks.Empty<Void> stored = Sinks.empty();
		List<byte[]> settled = new ArrayList<>();
		AnswerCapture capture = new AnswerCapture((status, headers, kept) -> {
			settled.add(kept);
			return stored.asMono();
		});

		StepVerifier
			.create(capture.watch(201, HEADERS, Flux.just(buffer("paid "), buffer("in full")))
				.map(AnswerCaptureTests::text))
			.expectNext("paid ")
			.expectNoEvent(java.time.Duration.ofMillis(100))
			.then(() -> assertThat(settled).singleElement()
				.extracting((kept) -> new String(kept, StandardCharsets.UTF_8))
				.isEqualTo("paid in full"))
			.then(stored::tryEmitEmpty)
			.expectNext("in full")
			.verifyComplete();
	}

	@Test
	void watchWhenTheAnswerHasNoBodyThenItCompletesOnlyOnceSettled() {
		Sinks.Empty<Void> stored = Sinks.empty();
		AnswerCapture capture = new AnswerCapture((status, headers, kept) -> stored.asMono());

		StepVerifier.create(capture.watch(201, HEADERS, Flux.empty()))
			.expectSubscription()
			.expectNoEvent(java.time.Duration.ofMillis(100))
			.then(stored::tryEmitEmpty)
			.verifyComplete();
	}

	@Test
	void watchWhenTheAnswerIsOver64KbThenTheKeyIsForgottenAndEveryBufferStillGoesOut() {
		List<byte[]> settled = new ArrayList<>();
		AnswerCapture capture = new AnswerCapture((status, headers, kept) -> {
			settled.add(kept);
			return Mono.empty();
		});
		byte[] half = new byte[IdempotencyRecords.MAX_STORED_BODY / 2 + 1];

		StepVerifier
			.create(capture.watch(201, HEADERS, Flux.just(Unpooled.wrappedBuffer(half), Unpooled.wrappedBuffer(half)))
				.map(ByteBuf::readableBytes))
			.expectNext(half.length, half.length)
			.verifyComplete();
		assertThat(settled).containsExactly((byte[]) null);
	}

	@Test
	void watchWhenTheClientGoesAwayThenTheHeldBufferIsReleased() {
		ByteBuf held = buffer("held");
		AnswerCapture capture = new AnswerCapture((status, headers, kept) -> Mono.never());

		StepVerifier.create(capture.watch(201, HEADERS, Flux.just(buffer("first"), held)))
			.expectNextCount(1)
			.thenCancel()
			.verify();
		assertThat(held.refCnt()).isZero();
	}

	@Test
	void watchWhenTheClientHangsUpWhileTheAnswerSettlesThenTheSettlingRunsToItsEnd() {
		Sinks.Empty<Void> stored = Sinks.empty();
		AtomicBoolean cancelled = new AtomicBoolean();
		AtomicBoolean settled = new AtomicBoolean();
		AnswerCapture capture = new AnswerCapture((status, headers, kept) -> stored.asMono()
			.doOnCancel(() -> cancelled.set(true))
			.doOnSuccess((done) -> settled.set(true)));

		StepVerifier.create(capture.watch(201, HEADERS, Flux.just(buffer("paid"))))
			.expectSubscription()
			.expectNoEvent(java.time.Duration.ofMillis(50))
			.thenCancel()
			.verify();
		stored.tryEmitEmpty();

		assertThat(cancelled).isFalse();
		assertThat(settled).isTrue();
	}

	private static ByteBuf buffer(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
	}

	private static String text(ByteBuf buffer) {
		return buffer.toString(StandardCharsets.UTF_8);
	}

}
