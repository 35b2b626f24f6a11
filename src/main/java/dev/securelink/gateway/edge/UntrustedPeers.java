package dev.securelink.gateway.edge;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Notices a gateway behind a proxy that nobody named in
 * {@code securelink.trusted-proxies}: when most requests of the last minute came from
 * private-range peers (an ingress controller, a load balancer in the cluster), every
 * client looks like that proxy and the per-client budgets become one budget for
 * everybody. Then it logs one WARN a minute and counts it
 * ({@code securelink_untrusted_proxy_warnings_total}). Loopback peers (development, a
 * local sidecar) do not count. Counting costs two adders per request, and only while no
 * trusted proxy is configured.
 */
final class UntrustedPeers implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(UntrustedPeers.class);

	/** Fewer requests than this in a minute say nothing either way. */
	private static final long MINIMUM = 20;

	private final LongAdder all = new LongAdder();

	private final LongAdder fromPrivate = new LongAdder();

	private final Counter warnings;

	private final Duration period;

	private volatile @Nullable Disposable schedule;

	UntrustedPeers(MeterRegistry meters, Duration period) {
		this.warnings = Counter.builder("securelink.untrusted.proxy.warnings")
			.description("Minutes in which most requests came from private peers while no trusted proxy was configured")
			.register(meters);
		this.period = period;
	}

	/** Counts one request's socket peer. */
	void observe(InetAddress peer) {
		this.all.increment();
		if (peer.isSiteLocalAddress() || isUniqueLocal(peer) || isSharedAddressSpace(peer)) {
			this.fromPrivate.increment();
		}
	}

	/** Looks at the last period and starts the next; answers whether it warned. */
	boolean check() {
		long total = this.all.sumThenReset();
		long privatePeers = this.fromPrivate.sumThenReset();
		if (total < MINIMUM || privatePeers * 2 <= total) {
			return false;
		}
		this.warnings.increment();
		logger.warn(privatePeers + " of the last " + total + " requests came from private-range peers, and "
				+ "securelink.trusted-proxies is empty: if the gateway runs behind an ingress or load balancer, every "
				+ "client counts as that proxy and shares one budget. Set securelink.trusted-proxies to its network.");
		return true;
	}

	private static boolean isUniqueLocal(InetAddress peer) {
		byte[] address = peer.getAddress();
		return address.length == 16 && (address[0] & 0xfe) == 0xfc;
	}

	/** 100.64.0.0/10 (RFC 6598), which some clusters and cloud load balancers use. */
	private static boolean isSharedAddressSpace(InetAddress peer) {
		byte[] address = peer.getAddress();
		return address.length == 4 && (address[0] & 0xff) == 100 && (address[1] & 0xc0) == 64;
	}

	@Override
	public void start() {
		this.schedule = Flux.interval(this.period).subscribe((tick) -> check());
	}

	@Override
	public void stop() {
		Disposable running = this.schedule;
		if (running != null) {
			running.dispose();
		}
		this.schedule = null;
	}

	@Override
	public boolean isRunning() {
		return this.schedule != null;
	}

}
