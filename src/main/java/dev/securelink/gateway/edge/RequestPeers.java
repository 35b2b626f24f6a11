package dev.securelink.gateway.edge;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import org.jspecify.annotations.Nullable;

/**
 * What {@link EdgeHandler} does with each request by who sent it: shows its peer to
 * {@link UntrustedPeers} while no trusted proxy is configured, and drops its trace
 * context while tracing is on, unless a trusted proxy sent it.
 */
final class RequestPeers {

	/** The trace context headers Micrometer Tracing reads (W3C, B3 single and multi). */
	private static final List<String> TRACE_CONTEXT = List.of("traceparent", "tracestate", "baggage", "b3",
			"x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags");

	/**
	 * Counts each request's peer while no trusted proxy is configured; null otherwise.
	 */
	private final @Nullable UntrustedPeers untrustedPeers;

	/** Whose trace context is kept, while tracing is on; null otherwise. */
	private final @Nullable ClientAddress traceContextFrom;

	RequestPeers(@Nullable UntrustedPeers untrustedPeers, @Nullable ClientAddress traceContextFrom) {
		this.untrustedPeers = untrustedPeers;
		this.traceContextFrom = traceContextFrom;
	}

	/**
	 * Shows the peer of {@code request}, which came on {@code channel}, and drops its
	 * trace context, as configured.
	 */
	void arrived(HttpRequest request, Channel channel) {
		if (this.untrustedPeers != null && channel.remoteAddress() instanceof InetSocketAddress peer
				&& peer.getAddress() != null) {
			this.untrustedPeers.observe(peer.getAddress());
		}
		if (this.traceContextFrom != null && !(channel.remoteAddress() instanceof InetSocketAddress peer
				&& this.traceContextFrom.fromTrustedProxy(peer))) {
			TRACE_CONTEXT.forEach(request.headers()::remove);
		}
	}

}
