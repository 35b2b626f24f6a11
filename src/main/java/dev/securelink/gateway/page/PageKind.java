package dev.securelink.gateway.page;

import org.springframework.http.HttpStatus;

/**
 * Every message page the gateway shows, with the status it is always answered with; its
 * texts are {@code page.<id>.title} and {@code page.<id>.text} in the messages, and
 * {@link #id} is the page marker's value.
 */
public enum PageKind {

	/**
	 * An unknown, malformed, expired or revoked code, and every malformed link path;
	 * under a code, with the form to ask for a new link.
	 */
	NOT_FOUND("notfound", HttpStatus.NOT_FOUND),

	/** No usable session for the document: open the link from the e-mail again. */
	SESSION("session", HttpStatus.FORBIDDEN),

	/**
	 * The link's check is locked, or the client spent its budget; under a code, with the
	 * form to ask for a new link.
	 */
	LOCKED("locked", HttpStatus.TOO_MANY_REQUESTS),

	/** Cross-site or token-less form, a missing right, a foreign origin. */
	FORBIDDEN("forbidden", HttpStatus.FORBIDDEN),

	/** The gateway cannot decide (database down) or has no upstream. */
	UNAVAILABLE("unavailable", HttpStatus.SERVICE_UNAVAILABLE),

	/** An address that is not valid. */
	BAD_PATH("badpath", HttpStatus.BAD_REQUEST),

	/** A request line longer than Netty accepts (8 KB). */
	URL_TOO_LONG("urltoolong", HttpStatus.URI_TOO_LONG),

	/** Request headers larger than Netty accepts (16 KB). */
	HEADERS_TOO_LARGE("headerstoolarge", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),

	/** A request head Netty could not read. */
	MALFORMED("malformed", HttpStatus.BAD_REQUEST),

	/** A body larger than accepted. */
	TOO_LARGE("toolarge", HttpStatus.CONTENT_TOO_LARGE),

	/** The document service refused, reset or redirected where it may not. */
	BAD_GATEWAY("badgateway", HttpStatus.BAD_GATEWAY),

	/** The document service took too long. */
	TIMEOUT("timeout", HttpStatus.GATEWAY_TIMEOUT),

	/** A method the document space does not pass on. */
	METHOD("method", HttpStatus.METHOD_NOT_ALLOWED),

	/** Too many requests of one session at once. */
	BUSY("busy", HttpStatus.TOO_MANY_REQUESTS),

	/** The pay pages of a link whose payment the invoicing application marked done. */
	PAID("paid", HttpStatus.OK),

	/** A payment submitted for a link whose payment is done: not forwarded. */
	PAID_AGAIN("paidagain", HttpStatus.CONFLICT),

	/** The sign pages of a link whose signature is done. */
	SIGNED("signed", HttpStatus.OK),

	/** A signature submitted for a link whose signature is done: not forwarded. */
	SIGNED_AGAIN("signedagain", HttpStatus.CONFLICT),

	/** A sign or pay submission whose {@code Idempotency-Key} header is not valid. */
	BAD_IDEMPOTENCY_KEY("badkey", HttpStatus.BAD_REQUEST),

	/**
	 * The same submission (its key) is being forwarded right now: not forwarded again.
	 */
	IN_FLIGHT("inflight", HttpStatus.CONFLICT),

	/** An Idempotency-Key already used for a different submission. */
	KEY_REUSED("keyreused", HttpStatus.UNPROCESSABLE_CONTENT),

	/** "Ask for a new link": the form on its own ({@code GET /l/{code}/renew}). */
	RENEWAL("renewal", HttpStatus.OK),

	/** The same form sent without an address. */
	RENEWAL_BLANK("renewalblank", HttpStatus.UNPROCESSABLE_CONTENT),

	/**
	 * A request for a new link was received: the one answer to every request that got as
	 * far as the address, whatever it came to.
	 */
	RENEWAL_SENT("renewalsent", HttpStatus.OK),

	/**
	 * The share page of a recipient who may share no further: someone shared the document
	 * with them and the company's depth limit is reached.
	 */
	NOT_SHAREABLE("notshareable", HttpStatus.FORBIDDEN),

	/**
	 * A sign or pay page of a colleague someone shared the document with, without that
	 * right: they were given less.
	 */
	NOT_GIVEN("notgiven", HttpStatus.FORBIDDEN);

	private final String id;

	private final HttpStatus status;

	PageKind(String id, HttpStatus status) {
		this.id = id;
		this.status = status;
	}

	public String id() {
		return this.id;
	}

	public HttpStatus status() {
		return this.status;
	}

}
