package dev.securelink.gateway;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Work that every instance does on a schedule (sealing, checkpoints, retention): one
 * round at a time (a round that overruns its interval skips the ticks it missed), a
 * failed round is one WARN without a stack trace and the next tick tries again, and it
 * stops with the application context.
 *
 * @param <T> what a round answers (handed to {@link #completed})
 */
public abstract class BackgroundTask<T> implements SmartLifecycle {

	private final Log logger = LogFactory.getLog(getClass());

	private final String name;

	private final Duration initialDelay;

	private final Duration interval;

	private volatile @Nullable Disposable schedule;

	protected BackgroundTask(String name, Duration initialDelay, Duration interval) {
		this.name = name;
		this.initialDelay = initialDelay;
		this.interval = interval;
	}

	/** One round of the work. */
	protected abstract Mono<T> round();

	/** What a successful round answered: nothing to do by default. */
	protected void completed(T result) {
	}

	@Override
	public void start() {
		this.schedule = Flux.interval(this.initialDelay, this.interval)
			.onBackpressureDrop()
			.concatMap((tick) -> round().onErrorResume((ex) -> {
				// The exception's class only: a database's message can quote the values
				// of a row.
				this.logger.warn(this.name + " failed, will try again: " + ex.getClass().getSimpleName());
				return Mono.empty();
			}), 0)
			.subscribe(this::completed);
	}

	@Override
	public void stop() {
		Disposable current = this.schedule;
		if (current != null) {
			current.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		Disposable current = this.schedule;
		return current != null && !current.isDisposed();
	}

}
