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
 * byte at a time would otherwise hold a connection for as long as it likes.
 */
class HeaderReadDeadline extends ChannelDuplexHandler {

	private final long nanos;

	private ScheduledFuture<?> deadline;

	HeaderReadDeadline(Duration timeout) {
		this.nanos = timeout.toNanos();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext context) {
		arm(context);
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
		if (message instanceof HttpRequest) {
			disarm();
		}
		super.channelRead(context, message);
	}

	@Override
	public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
		if (message instanceof LastHttpContent) {
			promise.addListener((future) -> arm(context));
		}
		super.write(context, message, promise);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext context) {
		disarm();
	}

	private void arm(ChannelHandlerContext context) {
		disarm();
		this.deadline = context.executor().schedule((Runnable) context::close, this.nanos, TimeUnit.NANOSECONDS);
	}

	private void disarm() {
		if (this.deadline != null) {
			this.deadline.cancel(false);
			this.deadline = null;
		}
	}

}
