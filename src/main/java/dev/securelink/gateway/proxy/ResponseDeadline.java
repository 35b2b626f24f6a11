package dev.securelink.gateway.proxy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * Fails an upstream exchange when the upstream stays silent for the response timeout:
 * from the end of the request until the response starts, and between two reads of it, so
 * a long download that keeps flowing is never cut. It stays on a pooled connection for
 * its whole life and costs a request two timestamps; Reactor Netty's own
 * {@code responseTimeout} adds and removes a handler in the pipeline for every request,
 * which the benchmark put at about 2 % of a small document. One periodic check per
 * connection (every tenth of the timeout) fires it within 1.1 times the timeout, as
 * Netty's {@link ReadTimeoutException}.
 */
class ResponseDeadline extends ChannelDuplexHandler {

	/**
	 * No response is awaited (the connection is idle in the pool or sending its request).
	 */
	private static final long IDLE = -1;

	private final long nanos;

	/**
	 * The last sign of life of the awaited response (request sent, or a read), or
	 * {@link #IDLE}.
	 */
	private long lastActivity = IDLE;

	private @Nullable ScheduledFuture<?> check;

	ResponseDeadline(Duration timeout) {
		this.nanos = timeout.toNanos();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext context) {
		long period = Math.max(this.nanos / 10, TimeUnit.MILLISECONDS.toNanos(100));
		this.check = context.executor().scheduleAtFixedRate(() -> {
			if (this.lastActivity != IDLE && System.nanoTime() - this.lastActivity > this.nanos) {
				this.lastActivity = IDLE;
				context.fireExceptionCaught(ReadTimeoutException.INSTANCE);
				context.close();
			}
		}, period, period, TimeUnit.NANOSECONDS);
	}

	@Override
	public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
		if (message instanceof LastHttpContent) {
			this.lastActivity = System.nanoTime();
		}
		super.write(context, message, promise);
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
		if (this.lastActivity != IDLE) {
			this.lastActivity = (message instanceof LastHttpContent) ? IDLE : System.nanoTime();
		}
		super.channelRead(context, message);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext context) {
		if (this.check != null) {
			this.check.cancel(false);
		}
	}

}
