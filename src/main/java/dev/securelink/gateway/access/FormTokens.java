package dev.securelink.gateway.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;

/**
 * CSRF protection of the e-mail form as a signed double submit: a random pre-session
 * nonce in a {@code __Host-} cookie, and in the form an HMAC of that nonce and the link
 * id (for the form to ask for a new link, the code: {@link #renewalScope}). A page on
 * another site can neither read the cookie nor compute the token. The HMAC keys derive
 * from the session keys, so they rotate with them.
 */
@Component
class FormTokens {

	static final String COOKIE = "__Host-slc";

	private static final int NONCE_LENGTH = 22;

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private final List<SecretKeySpec> keys;

	FormTokens(GatewayKeys keys) {
		this.keys = keys.sessionKeys()
			.stream()
			.map((key) -> Hmac.key(Hmac.sha256(Hmac.key(key.secret()), "securelink form token")))
			.toList();
	}

	/** The nonce the browser holds, or null when it holds none (or junk). */
	@Nullable String nonce(ServerHttpRequest request) {
		return nonce(request.getHeaders().getOrEmpty(HttpHeaders.COOKIE));
	}

	/**
	 * The same, from the raw {@code Cookie} header lines (the first cookie of the name).
	 */
	@Nullable String nonce(List<String> cookieHeaders) {
		for (String header : cookieHeaders) {
			for (String pair : header.split(";")) {
				int equals = pair.indexOf('=');
				if (equals > 0 && pair.substring(0, equals).trim().equals(COOKIE)) {
					String value = pair.substring(equals + 1).trim();
					return (value.length() == NONCE_LENGTH && value.matches("[A-Za-z0-9_-]+")) ? value : null;
				}
			}
		}
		return null;
	}

	String newNonce() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return BASE64URL.encodeToString(bytes);
	}

	ResponseCookie cookie(String nonce) {
		return ResponseCookie.from(COOKIE, nonce).secure(true).httpOnly(true).sameSite("Strict").path("/").build();
	}

	/**
	 * What the token of the form to ask for a new link is made for: the code's path
	 * segment, as the request spelled it (never a link id: a colon is not base64url).
	 */
	static String renewalScope(String codeSegment) {
		return "renew:" + codeSegment;
	}

	String token(String nonce, String linkId) {
		return BASE64URL.encodeToString(Hmac.sha256(this.keys.get(0), nonce + "|" + linkId));
	}

	boolean valid(@Nullable String nonce, String linkId, @Nullable String token) {
		if (nonce == null || token == null) {
			return false;
		}
		byte[] presented = token.getBytes(StandardCharsets.US_ASCII);
		boolean valid = false;
		for (SecretKeySpec key : this.keys) {
			byte[] expected = BASE64URL.encodeToString(Hmac.sha256(key, nonce + "|" + linkId))
				.getBytes(StandardCharsets.US_ASCII);
			valid |= MessageDigest.isEqual(expected, presented);
		}
		return valid;
	}

}
