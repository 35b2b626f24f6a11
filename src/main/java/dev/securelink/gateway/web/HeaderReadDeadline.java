package dev.securelink.gateway.web;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Closes a connection that does not deliver a complete request head in time, from when it opens or from the end
 * of its previous response. Netty's idle timeouts restart on every byte, so a client dribbling its headers one
 * byte at a time would otherwise hold a connection for as long as it likes. One periodic check per connection
 * (every half deadline) keeps the per-request cost to writing a timestamp; a dribbler is closed within 1.5 times
 * the deadline.
 */
class HeaderReadDeadline extends ChannelDuplexHandler {

	private static final long IDLE = -1;

	private final long nanos;

	/** When the connection started waiting for a request head, or {@link #IDLE} while a request is under way. */
	private long waitingSince;

	private ScheduledFuture<?> check;

	HeaderReadDeadline(Duration timeout) {
		this.nanos = timeout.toNanos();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext context) {
		this.waitingSince = System.nanoTime();
		long period = Math.max(this.nanos / 2, TimeUnit.MILLISECONDS.toNanos(100));
		this.check = context.executor().scheduleAtFixedRate(() -> {
			if (this.waitingSince != IDLE && System.nanoTime() - this.waitingSince > this.nanos) {
				context.close();
			}
		}, period, period, TimeUnit.NANOSECONDS);
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
		if (message instanceof HttpRequest) {
			this.waitingSince = IDLE;
		}
		super.channelRead(context, message);
	}

	@Override
	public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
		if (message instanceof LastHttpContent) {
			this.waitingSince = System.nanoTime();
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
