package dev.securelink.gateway.access;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.link.Right;

/**
 * What a request to {@code /l/{code}[/sign|/pay]} says, read once by
 * {@link LinkRequestConverter}: the decision works on this and never on the HTTP request.
 *
 * @param code the path's code, as typed (not yet checked to be well formed)
 * @param action the right the path asks for, or null for a segment that names none
 * (answered as not found)
 * @param submitted whether this is the prompt's POST rather than a GET
 * @param sameOrigin for a POST, whether the browser's origin evidence allows it (a GET is
 * always true)
 * @param client the client's IP, as the trusted proxies let it be known
 * @param cookieHeaders the raw {@code Cookie} header lines (the session is checked on
 * them)
 * @param formNonce the form-token nonce the browser holds, or null
 * @param formToken the posted form token, or null
 * @param address the posted e-mail address, or null
 * @param language the language the visitor chose ({@code ?lang=} or the form's field), or
 * null
 * @param acceptLanguage the raw {@code Accept-Language} header lines
 * @param host the {@code Host} the request came to (a tenant's link host opens only that
 * tenant's codes), or null
 * @param otp the posted e-mail code (the code mode's second step), or null
 * @param resend whether the post asks for a new e-mail code
 * @param remember whether the visitor left "remember this browser" ticked
 */
record LinkRequest(String code, @Nullable Right action, boolean submitted, boolean sameOrigin, String client,
		List<String> cookieHeaders, @Nullable String formNonce, @Nullable String formToken, @Nullable String address,
		@Nullable String language, List<String> acceptLanguage, @Nullable String host, @Nullable String otp,
		boolean resend, boolean remember) {

	/** A GET of the link (the mailed link, or the sign/pay button). */
	static LinkRequest open(String code, @Nullable Right action, String client, List<String> cookieHeaders,
			@Nullable String formNonce, @Nullable String language, List<String> acceptLanguage, @Nullable String host) {
		return new LinkRequest(code, action, false, true, client, cookieHeaders, formNonce, null, null, language,
				acceptLanguage, host, null, false, false);
	}

	/** The prompt's POST, with the form's fields. */
	static LinkRequest submit(String code, @Nullable Right action, boolean sameOrigin, String client,
			List<String> cookieHeaders, @Nullable String formNonce, @Nullable String formToken,
			@Nullable String address, @Nullable String language, List<String> acceptLanguage, @Nullable String host,
			@Nullable String otp, boolean resend, boolean remember) {
		return new LinkRequest(code, action, true, sameOrigin, client, cookieHeaders, formNonce, formToken, address,
				language, acceptLanguage, host, otp, resend, remember);
	}

}
