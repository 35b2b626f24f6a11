package dev.securelink.gateway.edge;

import java.net.InetSocketAddress;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.tracing.TraceHeaders;

/**
 * What {@link EdgeHandler} does with each request by who sent it: shows its peer to
 * {@link UntrustedPeers} while no trusted proxy is configured, and, while tracing is on,
 * drops its trace context unless incoming traces are continued and a trusted proxy sent
 * it; {@code baggage} always.
 */
final class RequestPeers {

	/**
	 * Counts each request's peer while no trusted proxy is configured; null otherwise.
	 */
	private final @Nullable UntrustedPeers untrustedPeers;

	/** Whether a trace context is looked at (tracing is on). */
	private final boolean tracing;

	/** Whose trace context is continued; null when none is. */
	private final @Nullable ClientAddress traceContextFrom;

	RequestPeers(@Nullable UntrustedPeers untrustedPeers, boolean tracing, @Nullable ClientAddress traceContextFrom) {
		this.untrustedPeers = untrustedPeers;
		this.tracing = tracing;
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
		if (!this.tracing) {
			return;
		}
		request.headers().remove(TraceHeaders.BAGGAGE);
		ClientAddress continued = this.traceContextFrom;
		if (continued == null
				|| !(channel.remoteAddress() instanceof InetSocketAddress peer && continued.fromTrustedProxy(peer))) {
			TraceHeaders.CONTINUED.forEach(request.headers()::remove);
		}
	}

}
