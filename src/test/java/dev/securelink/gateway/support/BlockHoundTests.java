package dev.securelink.gateway.support;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/** Proves that BlockHound really watches the non-blocking threads in this suite. */
class BlockHoundTests {

	@Test
	void sleepWhenOnParallelSchedulerThenBlockingOperationError() {
		Mono.fromCallable(() -> {
			Thread.sleep(1);
			return "";
		})
			.subscribeOn(Schedulers.parallel())
			.as(StepVerifier::create)
			.expectError(BlockingOperationError.class)
			.verify(Duration.ofSeconds(10));
	}

}
