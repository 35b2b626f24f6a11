package dev.securelink.gateway.web;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Closes a connection that does not deliver a complete request head in time, counted from when it opens or from
 * the first byte of its next request. Netty's idle timeouts restart on every byte, so a client dribbling its
 * headers one byte at a time would otherwise hold a connection for as long as it likes. A kept-alive connection
 * that sends nothing is left to {@code server.netty.idle-timeout}, which is longer than the keep-alive of common
 * ingresses and load balancers: a proxy never sends a request on a connection the gateway is just closing.
 * <p>
 * Two handlers share the state: {@link #firstByte()} sits before the HTTP codec and sees bytes arrive, this one
 * after it and sees the decoded request head and the end of the response. One periodic check per connection
 * (every half deadline) keeps the per-request cost to writing a timestamp; a dribbler is closed within 1.5 times
 * the deadline.
 */
class HeaderReadDeadline extends ChannelDuplexHandler {

	/** A request is under way: no deadline. */
	private static final long IN_REQUEST = -1;

	/** A response was sent and nothing of the next request has arrived: the idle timeout's business. */
	private static final long BETWEEN_REQUESTS = -2;

	private final long nanos;

	/** When the current request head started, or {@link #IN_REQUEST}, or {@link #BETWEEN_REQUESTS}. */
	private long waitingSince;

	private ScheduledFuture<?> check;

	HeaderReadDeadline(Duration timeout) {
		this.nanos = timeout.toNanos();
	}

	/** The handler to put before the HTTP codec: it starts the deadline when a new request's first bytes arrive. */
	ChannelHandler firstByte() {
		return new ChannelInboundHandlerAdapter() {

			@Override
			public void channelRead(ChannelHandlerContext context, Object message) {
				if (HeaderReadDeadline.this.waitingSince == BETWEEN_REQUESTS) {
					HeaderReadDeadline.this.waitingSince = System.nanoTime();
				}
				context.fireChannelRead(message);
			}

		};
	}

	@Override
	public void handlerAdded(ChannelHandlerContext context) {
		this.waitingSince = System.nanoTime();
		long period = Math.max(this.nanos / 2, TimeUnit.MILLISECONDS.toNanos(100));
		this.check = context.executor().scheduleAtFixedRate(() -> {
			if (this.waitingSince >= 0 && System.nanoTime() - this.waitingSince > this.nanos) {
				context.close();
			}
		}, period, period, TimeUnit.NANOSECONDS);
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
		if (message instanceof HttpRequest) {
			this.waitingSince = IN_REQUEST;
		}
		super.channelRead(context, message);
	}

	@Override
	public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
		if (message instanceof LastHttpContent) {
			this.waitingSince = BETWEEN_REQUESTS;
		}
		super.write(context, message, promise);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext context) {
		if (this.check != null) {
			this.check.cancel(false);
		}
	}

}
