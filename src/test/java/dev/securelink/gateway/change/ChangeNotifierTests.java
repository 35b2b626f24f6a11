package dev.securelink.gateway.change;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.support.GatewayTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

@GatewayTest
@Import(ChangeNotifierTests.Recording.class)
class ChangeNotifierTests {

	@Autowired
	ChangeNotifier notifier;

	@Autowired
	TransactionalOperator transaction;

	@Autowired
	Recorder recorder;

	@Test
	void notifyWhenTransactionCommitsThenThisInstanceIsToldAtCommitNotBefore() {
		Change change = new Change(Change.Kind.LINK, "committed-" + System.nanoTime());
		List<Change> seenBeforeCommit = new CopyOnWriteArrayList<>();
		this.notifier.notify(change)
			.then(Mono.fromRunnable(() -> seenBeforeCommit.addAll(this.recorder.local(change))))
			.as(this.transaction::transactional)
			.block(Duration.ofSeconds(10));
		assertThat(seenBeforeCommit).isEmpty();
		assertThat(this.recorder.local(change)).isNotEmpty();
	}

	@Test
	void notifyWhenTransactionRollsBackThenNobodyIsTold() {
		Change change = new Change(Change.Kind.LINK, "rolled-back-" + System.nanoTime());
		assertThatIllegalStateException().isThrownBy(() -> this.notifier.notify(change)
			.then(Mono.error(new IllegalStateException("roll back")))
			.as(this.transaction::transactional)
			.block(Duration.ofSeconds(10)));
		// Told nothing, for longer than a NOTIFY takes to arrive.
		await().during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(
					() -> assertThat(this.recorder.all(change)).as("neither locally nor through NOTIFY").isEmpty());
	}

	/** Records what this instance was told, and from where the feed delivered it too. */
	static class Recorder implements ChangeListener {

		final List<Change> told = new CopyOnWriteArrayList<>();

		final List<Change> fromFeed = new CopyOnWriteArrayList<>();

		@Override
		public void changed(Change change) {
			boolean feed = Thread.currentThread().getStackTrace().length > 0
					&& java.util.Arrays.stream(Thread.currentThread().getStackTrace())
						.anyMatch((frame) -> frame.getClassName().equals(ChangeFeed.class.getName()));
			(feed ? this.fromFeed : this.told).add(change);
		}

		@Override
		public void changesMissed() {
		}

		List<Change> local(Change change) {
			return this.told.stream().filter(change::equals).toList();
		}

		List<Change> all(Change change) {
			return java.util.stream.Stream.concat(this.told.stream(), this.fromFeed.stream())
				.filter(change::equals)
				.toList();
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Recording {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

	}

}
