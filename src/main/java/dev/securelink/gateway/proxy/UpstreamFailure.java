package dev.securelink.gateway.proxy;

import dev.securelink.gateway.page.PageKind;

/**
 * Why the upstream's answer did not reach the client, decided before anything of it was
 * written: the page the gateway answers with instead, and the metric's tag.
 */
enum UpstreamFailure {

	/** Refused, reset, or closed before answering. */
	UNREACHABLE(PageKind.BAD_GATEWAY, "unreachable"),

	/** No connection or no answer in time. */
	TIMED_OUT(PageKind.TIMEOUT, "timedout"),

	/** A redirect outside the document or to a host not allowed: nothing of it passes. */
	FORBIDDEN_REDIRECT(PageKind.BAD_GATEWAY, "forbiddenredirect"),

	/** Every pooled connection is busy and the wait queue is full. */
	SATURATED(PageKind.UNAVAILABLE, "saturated"),

	/** The request body grew past the limit while streaming. */
	BODY_TOO_LARGE(PageKind.TOO_LARGE, "bodytoolarge"),

	/** No upstream is configured (a development set-up). */
	NOT_CONFIGURED(PageKind.UNAVAILABLE, "notconfigured");

	private final PageKind page;

	private final String tag;

	UpstreamFailure(PageKind page, String tag) {
		this.page = page;
		this.tag = tag;
	}

	PageKind page() {
		return this.page;
	}

	/** The tag of {@code securelink.upstream.requests}. */
	String tag() {
		return this.tag;
	}

}
