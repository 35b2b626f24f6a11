package dev.securelink.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyCaptureTests {

	@Test
	void watchWhenTheAnswerStreamsThenItsLastBufferWaitsUntilTheAnswerIsSettled() {
		Sinks.Empty<Void> stored = Sinks.empty();
		List<byte[]> settled = new ArrayList<>();
		IdempotencyRecords.Capture capture = new IdempotencyRecords.Capture((kept) -> {
			settled.add(kept);
			return stored.asMono();
		}, Mono::empty);

		StepVerifier
			.create(capture.watch(Flux.just(buffer("paid "), buffer("in full"))).map(IdempotencyCaptureTests::text))
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
		IdempotencyRecords.Capture capture = new IdempotencyRecords.Capture((kept) -> stored.asMono(), Mono::empty);

		StepVerifier.create(capture.watch(Flux.empty()))
			.expectSubscription()
			.expectNoEvent(java.time.Duration.ofMillis(100))
			.then(stored::tryEmitEmpty)
			.verifyComplete();
	}

	@Test
	void watchWhenTheAnswerIsOver64KbThenTheKeyIsForgottenAndEveryBufferStillGoesOut() {
		List<byte[]> settled = new ArrayList<>();
		IdempotencyRecords.Capture capture = new IdempotencyRecords.Capture((kept) -> {
			settled.add(kept);
			return Mono.empty();
		}, Mono::empty);
		byte[] half = new byte[IdempotencyRecords.MAX_STORED_BODY / 2 + 1];

		StepVerifier
			.create(capture.watch(Flux.just(Unpooled.wrappedBuffer(half), Unpooled.wrappedBuffer(half)))
				.map(ByteBuf::readableBytes))
			.expectNext(half.length, half.length)
			.verifyComplete();
		assertThat(settled).containsExactly((byte[]) null);
	}

	@Test
	void watchWhenTheClientGoesAwayThenTheHeldBufferIsReleased() {
		ByteBuf held = buffer("held");
		IdempotencyRecords.Capture capture = new IdempotencyRecords.Capture((kept) -> Mono.never(), Mono::empty);

		StepVerifier.create(capture.watch(Flux.just(buffer("first"), held))).expectNextCount(1).thenCancel().verify();
		assertThat(held.refCnt()).isZero();
	}

	private static ByteBuf buffer(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
	}

	private static String text(ByteBuf buffer) {
		return buffer.toString(StandardCharsets.UTF_8);
	}

}
