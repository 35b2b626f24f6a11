package dev.securelink.gateway.edge;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageLocales;

/**
 * The public listener's rules for a connection, right behind Netty's HTTP codec, ahead of
 * Reactor Netty and every route (the document route and WebFlux alike):
 * <ul>
 * <li><b>Framing.</b> A request is refused before anything sees it when its framing is
 * ambiguous: a {@code Transfer-Encoding} other than a single {@code chunked} is 501 (RFC
 * 9112 6.1: the gateway knows no other coding, and a coding it ignores would let the body
 * be read as the next request), no or more than one {@code Host} is 400 (RFC 9112 3.2),
 * and a GET or HEAD with a body is 400 (such a body means nothing and is never passed
 * upstream).</li>
 * <li><b>Deadlines.</b> A connection that does not deliver a complete request head in
 * time, counted from when it opens or from the first byte of its next request, is closed;
 * so is one whose request body stops arriving for the body deadline, after a 408 when
 * nothing of the answer was sent yet. Netty's idle timeouts restart on every byte, so a
 * client dribbling its request would otherwise hold a connection (and, for a document, an
 * upstream connection) for as long as it likes. Time when the gateway itself stopped
 * reading (backpressure from a slow upstream) does not count. A kept-alive connection
 * that sends nothing is left to {@code server.netty.idle-timeout}, longer than the
 * keep-alive of common ingresses and load balancers.</li>
 * <li><b>Security headers</b> on every response head written, whoever wrote it: gateway
 * pages, proxied documents and refusals.</li>
 * <li><b>A head Netty could not read</b> (a request line over 8 KB: 414; headers over 16
 * KB: 431; anything malformed: 400) is answered with the gateway's page (problem+json for
 * an API client), not Netty's bare answer, and the connection closed.</li>
 * <li><b>Peers</b>: while no trusted proxy is configured, each request's peer is shown to
 * {@link UntrustedPeers}.</li>
 * <li><b>Trace context</b> ({@link RequestPeers}): while tracing is on, a request loses
 * its {@code baggage}, and its {@code traceparent}, {@code tracestate} and B3 headers
 * unless incoming traces are continued ({@code securelink.tracing.continue-incoming}) and
 * a trusted proxy sent it, before anything reads them: no one on the internet chooses the
 * trace a request joins or forces it to be sampled (a parent's sampled flag is
 * obeyed).</li>
 * </ul>
 * Two handlers share the state: {@link #firstByte()} sits before the HTTP codec and sees
 * bytes arrive, this one after it. One periodic check per connection keeps the
 * per-request cost to writing a timestamp; it runs five times per shortest deadline, and
 * a deadline counts that period off, so no connection outlives a deadline.
 */
class EdgeHandler extends ChannelDuplexHandler {

	/** A request head was read and its body is complete: no read deadline. */
	private static final int IN_REQUEST = 0;

	/** Waiting for (the rest of) a request head since {@link #since}. */
	private static final int HEAD = 1;

	/** Reading a request body, which last made progress at {@link #since}. */
	private static final int BODY = 2;

	/**
	 * A response was sent and nothing of the next request has arrived: the idle timeout's
	 * business.
	 */
	private static final int BETWEEN_REQUESTS = 3;

	/**
	 * This connection's request was refused here; what else arrives is dropped until it
	 * closes.
	 */
	private static final int REFUSED = 4;

	private final SecurityHeaders securityHeaders;

	private final Drain drain;

	/** An answer of the drain is being written: the connection closes after it. */
	private boolean closing;

	private final long headNanos;

	private final long bodyNanos;

	private final long periodNanos;

	private int state = HEAD;

	private long since;

	/**
	 * Whether a response head went out for the current request, so that a late 408 cannot
	 * follow it.
	 */
	private boolean answering;

	private @Nullable ScheduledFuture<?> check;

	/** What each request's peer is shown to, and whether its trace context is kept. */
	private final RequestPeers peers;

	private final MessagePages pages;

	EdgeHandler(SecurityHeaders securityHeaders, Drain drain, RequestPeers peers, MessagePages pages,
			Duration headTimeout, Duration bodyTimeout) {
		this.pages = pages;
		this.securityHeaders = securityHeaders;
		this.drain = drain;
		this.peers = peers;
		this.periodNanos = Math.max(Math.min(headTimeout.toNanos(), bodyTimeout.toNanos()) / 5,
				TimeUnit.MILLISECONDS.toNanos(50));
		this.headNanos = Math.max(headTimeout.toNanos() - this.periodNanos, this.periodNanos);
		this.bodyNanos = Math.max(bodyTimeout.toNanos() - this.periodNanos, this.periodNanos);
	}

	/**
	 * The handler to put before the HTTP codec: it starts the deadline when a new
	 * request's first bytes arrive.
	 */
	ChannelHandler firstByte() {
		return new ChannelInboundHandlerAdapter() {

			@Override
			public void channelRead(ChannelHandlerContext context, Object message) {
				if (EdgeHandler.this.state == BETWEEN_REQUESTS) {
					EdgeHandler.this.state = HEAD;
					EdgeHandler.this.since = System.nanoTime();
				}
				context.fireChannelRead(message);
			}

		};
	}

	@Override
	public void handlerAdded(ChannelHandlerContext context) {
		this.since = System.nanoTime();
		this.check = context.executor()
			.scheduleAtFixedRate(() -> expire(context), this.periodNanos, this.periodNanos, TimeUnit.NANOSECONDS);
	}

	private void expire(ChannelHandlerContext context) {
		long now = System.nanoTime();
		if (this.state == BODY && !context.channel().config().isAutoRead()) {
			// The gateway is not reading (backpressure): the client is not the one being
			// slow.
			this.since = now;
		}
		if (this.state == HEAD && now - this.since > this.headNanos) {
			context.close();
		}
		else if (this.state == BODY && now - this.since > this.bodyNanos) {
			if (this.answering) {
				context.close();
			}
			else {
				refuse(context, HttpResponseStatus.REQUEST_TIMEOUT, "The request body stopped arriving.");
			}
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
		if (this.state == REFUSED) {
			ReferenceCountUtil.release(message);
			return;
		}
		if (message instanceof HttpRequest request) {
			this.answering = false;
			if (request.decoderResult().isFailure()) {
				// Netty could not read the head: the gateway's page, not Netty's bare
				// one; behind an answer still owed to an earlier pipelined request, which
				// the page would come before, the connection is only closed.
				ReferenceCountUtil.release(message);
				boolean owed = this.state == IN_REQUEST;
				this.state = REFUSED;
				if (owed) {
					context.close();
					return;
				}
				FullHttpResponse page = this.pages.refusal(EdgeRefusals.decoding(request.decoderResult().cause()),
						PageLocales.resolve(null, null, request.headers().getAll(HttpHeaderNames.ACCEPT_LANGUAGE)),
						request.headers().getAll(HttpHeaderNames.ACCEPT));
				this.securityHeaders.apply(page.headers());
				context.writeAndFlush(page).addListener(ChannelFutureListener.CLOSE);
				return;
			}
			HttpResponseStatus refusal = EdgeRefusals.framing(request);
			if (refusal != null) {
				ReferenceCountUtil.release(message);
				refuse(context, refusal, HttpResponseStatus.NOT_IMPLEMENTED.equals(refusal)
						? "The request's transfer coding is not supported." : "The request is not framed correctly.");
				return;
			}
			this.state = BODY;
			this.since = System.nanoTime();
			this.peers.arrived(request, context.channel());
		}
		else if (message instanceof HttpContent && this.state == BODY) {
			this.since = System.nanoTime();
		}
		if (message instanceof LastHttpContent && this.state == BODY) {
			this.state = IN_REQUEST;
		}
		super.channelRead(context, message);
	}

	/**
	 * Answers {@code status} with a short text and the security headers, then closes the
	 * connection.
	 */
	private void refuse(ChannelHandlerContext context, HttpResponseStatus status, String text) {
		this.state = REFUSED;
		FullHttpResponse response = EdgeRefusals.answer(status, text);
		this.securityHeaders.apply(response.headers());
		// Written from here, toward the codec: the rest of the pipeline never sees this
		// request.
		context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
	}

	@Override
	public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
		if (message instanceof HttpResponse response
				&& response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
			this.answering = true;
			this.securityHeaders.apply(response.headers());
			if (this.drain.draining()) {
				response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
				this.closing = true;
			}
		}
		if (message instanceof LastHttpContent && this.state != REFUSED) {
			this.state = BETWEEN_REQUESTS;
		}
		if (message instanceof LastHttpContent && this.closing) {
			// Shutting down: the answer said Connection: close, and the connection ends
			// with it.
			super.write(context, message, promise.unvoid().addListener(ChannelFutureListener.CLOSE));
			return;
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
