package dev.securelink.gateway.edge;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.page.Pages;

/**
 * What {@link EdgeHandler} refuses before anything else sees a request: the framing rules
 * a request head must meet, and the short answer, closing the connection, that a refused
 * request gets.
 */
final class EdgeRefusals {

	private EdgeRefusals() {
	}

	/** Why a decoded request head must not be served, or null when it may. */
	static @Nullable HttpResponseStatus framing(HttpRequest request) {
		List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
		if (!codings.isEmpty() && (codings.size() > 1 || !codings.get(0).trim().equalsIgnoreCase("chunked"))) {
			return HttpResponseStatus.NOT_IMPLEMENTED;
		}
		List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
		if (hosts.size() > 1 || (hosts.isEmpty() && request.protocolVersion().equals(HttpVersion.HTTP_1_1))) {
			return HttpResponseStatus.BAD_REQUEST;
		}
		boolean safe = request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD);
		if (safe && (!codings.isEmpty() || declaresContent(request))) {
			return HttpResponseStatus.BAD_REQUEST;
		}
		return null;
	}

	/** The page for a request head Netty could not read, by why it could not. */
	static PageKind decoding(@Nullable Throwable cause) {
		if (cause instanceof TooLongHttpLineException) {
			return PageKind.URL_TOO_LONG;
		}
		return (cause instanceof TooLongHttpHeaderException) ? PageKind.HEADERS_TOO_LARGE : PageKind.MALFORMED;
	}

	private static boolean declaresContent(HttpRequest request) {
		String length = request.headers().get(HttpHeaderNames.CONTENT_LENGTH);
		return length != null && !length.trim().equals("0");
	}

	/**
	 * The answer {@code status} with a short text, closing the connection; the security
	 * headers are the caller's to add.
	 */
	static FullHttpResponse answer(HttpResponseStatus status, String text) {
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
				Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
			.set(Pages.MARK, "refused");
		return response;
	}

}
