package dev.securelink.gateway.edge;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The first thing shutdown does (SIGTERM, the highest lifecycle phase): readiness turns
 * DOWN at once, every answer from then on carries {@code Connection: close} (so
 * kept-alive connections end after their next answer, {@link EdgeHandler}), and for
 * {@code securelink.drain-time} the gateway keeps answering while load balancers see it
 * go. Then Spring Boot's graceful shutdown stops accepting requests and lets those in
 * flight finish, up to {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
@Component
public class Drain implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(Drain.class);

	private final ApplicationEventPublisher events;

	private final Duration drainTime;

	private volatile boolean running;

	private volatile boolean draining;

	Drain(ApplicationEventPublisher events, WebProperties properties) {
		this.events = events;
		this.drainTime = properties.drainTime();
	}

	/** Whether shutdown has begun: answers close their connections. */
	public boolean draining() {
		return this.draining;
	}

	/**
	 * Also on a restart after a stop (a paused context, as the test framework pauses
	 * them): the drain ends and readiness is up again.
	 */
	@Override
	public void start() {
		if (this.draining) {
			this.draining = false;
			AvailabilityChangeEvent.publish(this.events, this, ReadinessState.ACCEPTING_TRAFFIC);
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.draining = true;
		this.running = false;
	}

	@Override
	public void stop(Runnable callback) {
		this.draining = true;
		AvailabilityChangeEvent.publish(this.events, this, ReadinessState.REFUSING_TRAFFIC);
		logger.info("Shutting down: readiness is down; answering with Connection: close for "
				+ this.drainTime.toMillis() + " ms, then finishing the requests in flight");
		Mono.delay(this.drainTime).subscribe((tick) -> {
			this.running = false;
			callback.run();
		});
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Not stopped when a context is only paused (the test framework pauses cached ones):
	 * that is no shutdown.
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	/** Stopped before every other phase, the web server's graceful shutdown included. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
