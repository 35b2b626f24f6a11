package dev.securelink.gateway.access;

import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseCookie;

import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.session.SessionClaims;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.tenant.Verification;

/**
 * What a request to a link comes to, decided by {@link LinkDecisions} and answered by
 * {@link LinkResponder}. Every outcome carries the page language (a pure function of the
 * request and the link) and, once the code named an active link, that link's id for the
 * access log.
 */
sealed interface LinkOutcome {

	Locale locale();

	/** The link the code named, or null when it named none (or was never looked up). */
	@Nullable String linkId();

	/**
	 * The browser already holds a valid session: 303 to the document space (the action's
	 * page, if allowed).
	 */
	record Granted(Link link, Right action, SessionClaims claims, Locale locale) implements LinkOutcome {

		@Override
		public String linkId() {
			return this.link.id();
		}

	}

	/**
	 * A new session for the link, then a 303 to the document space.
	 *
	 * @param recipient the index of the recipient whose address verified it, or -1
	 * @param mailboxProven whether the recipient proved the mailbox too (a code)
	 * @param device the cookie that remembers this browser for the recipient, or null
	 */
	record SessionIssued(Link link, Right action, boolean emailVerified, int recipient, Locale locale,
			boolean mailboxProven, @Nullable ResponseCookie device) implements LinkOutcome {

		SessionIssued(Link link, Right action, boolean emailVerified, int recipient, Locale locale) {
			this(link, action, emailVerified, recipient, locale, false, null);
		}

		SessionIssued withDevice(ResponseCookie cookie) {
			return new SessionIssued(this.link, this.action, this.emailVerified, this.recipient, this.locale,
					this.mailboxProven, cookie);
		}

		@Override
		public String linkId() {
			return this.link.id();
		}

	}

	/**
	 * Verification on and no session: the e-mail prompt, with the reason the last address
	 * was refused and the sender it names (the tenant's, or null); in the code mode
	 * ({@code code}) it says a code will be mailed.
	 */
	record EmailRequired(Link link, Right action, @Nullable PromptError error, Locale locale, @Nullable String sender,
			boolean code, int rememberDays, boolean rememberTicked,
			@Nullable ResponseCookie forget) implements LinkOutcome {

		EmailRequired(Link link, Right action, @Nullable PromptError error, Locale locale, @Nullable String sender) {
			this(link, action, error, locale, sender, false, 0, true, null);
		}

		EmailRequired(Link link, Right action, @Nullable PromptError error, Locale locale) {
			this(link, action, error, locale, null, false, 0, true, null);
		}

		/** The same, with "remember this browser" (if offered) as the visitor left it. */
		EmailRequired remembering(boolean ticked) {
			return (this.rememberDays == 0) ? this : new EmailRequired(this.link, this.action, this.error, this.locale,
					this.sender, this.code, this.rememberDays, ticked, this.forget);
		}

		/**
		 * The same in the code mode's words (a code will be mailed), offering no memory.
		 */
		EmailRequired asCode() {
			return new EmailRequired(this.link, this.action, this.error, this.locale, this.sender, true, 0, true,
					this.forget);
		}

		/**
		 * The same, making the browser forget a remembered-device cookie that is over.
		 */
		EmailRequired forgetting(ResponseCookie expired) {
			return new EmailRequired(this.link, this.action, this.error, this.locale, this.sender, this.code,
					this.rememberDays, this.rememberTicked, expired);
		}

		/**
		 * The prompt of {@code tenant}'s mode, offering to remember the browser if it
		 * may.
		 */
		static EmailRequired of(Link link, Right action, @Nullable PromptError error, Locale locale,
				TenantSettings tenant) {
			boolean code = tenant.verification() == Verification.CODE;
			return new EmailRequired(link, action, error, locale, tenant.sender(), code,
					code ? 0 : tenant.rememberDeviceDays(), true, null);
		}

		@Override
		public String linkId() {
			return this.link.id();
		}

	}

	/**
	 * The code mode's second step: the page that says a code is on its way if the address
	 * received the document, and asks for it, with the reason the last code was refused
	 * (or none).
	 */
	record CodeRequired(Link link, Right action, @Nullable CodeError error, Locale locale, @Nullable String sender,
			int rememberDays, boolean rememberTicked) implements LinkOutcome {

		CodeRequired(Link link, Right action, @Nullable CodeError error, Locale locale, TenantSettings tenant) {
			this(link, action, error, locale, tenant.sender(), tenant.rememberDeviceDays(), true);
		}

		/**
		 * The same, offering no memory (a step-up is remembered for its session only).
		 */
		CodeRequired withoutMemory() {
			return new CodeRequired(this.link, this.action, this.error, this.locale, this.sender, 0, true);
		}

		/** The same, with "remember this browser" (if offered) as the visitor left it. */
		CodeRequired remembering(boolean ticked) {
			return (this.rememberDays == 0) ? this : new CodeRequired(this.link, this.action, this.error, this.locale,
					this.sender, this.rememberDays, ticked);
		}

		@Override
		public String linkId() {
			return this.link.id();
		}

	}

	/** Why the code page is shown again. */
	enum CodeError {

		/** Nothing typed. */
		BLANK("blank"),

		/** Not the code. */
		WRONG("wrong"),

		/** No live code in this browser: expired, used, or out of tries. */
		EXPIRED("expired"),

		/** A new code was asked for too soon after the last. */
		WAIT("wait");

		private final String id;

		CodeError(String id) {
			this.id = id;
		}

		/** The key of the message in the code page's template. */
		String id() {
			return this.id;
		}

	}

	/** Why the prompt is shown again. */
	enum PromptError {

		/** Nothing typed. */
		BLANK("blank"),

		/** An address that is none of the link's recipients. */
		MISMATCH("mismatch");

		private final String id;

		PromptError(String id) {
			this.id = id;
		}

		/** The key of the message in the prompt's template. */
		String id() {
			return this.id;
		}

	}

	/**
	 * The link's e-mail check is locked (its page names the sender, when the tenant has
	 * one), or this client spent a budget.
	 */
	record TooManyAttempts(@Nullable String linkId, Duration retryAfter, Locale locale,
			@Nullable String sender) implements LinkOutcome {

		TooManyAttempts(@Nullable String linkId, Duration retryAfter, Locale locale) {
			this(linkId, retryAfter, locale, null);
		}
	}

	/** A cross-site post, or one without a valid form token. */
	record Forbidden(@Nullable String linkId, Locale locale) implements LinkOutcome {
	}

	/**
	 * No usable link behind this code: one answer for every reason, but that the page of
	 * an expired link names its sender when the tenant has one.
	 */
	record NotFound(Locale locale, @Nullable String sender) implements LinkOutcome {

		NotFound(Locale locale) {
			this(locale, null);
		}

		@Override
		public @Nullable String linkId() {
			return null;
		}

	}

}
