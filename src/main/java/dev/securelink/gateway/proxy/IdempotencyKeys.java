package dev.securelink.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.keys.Sha256;

/**
 * The {@code Idempotency-Key} of a sign or pay submission, as forwarded to the upstream
 * (which can hand it to its payment provider): the client's own, when it is a
 * structured-field string (RFC 8941: quoted, printable ASCII, {@code \"} and {@code \\}
 * escaped) of at most 255 characters; otherwise one derived from the link, the action and
 * a fingerprint of the request (method, path, content type and body), so that the same
 * submission repeated carries the same key and any other a different one.
 */
final class IdempotencyKeys {

	static final String HEADER = "Idempotency-Key";

	static final int MAX_CHARACTERS = 255;

	private IdempotencyKeys() {
	}

	/** Whether {@code value} is a structured-field string of at most 255 characters. */
	static boolean valid(String value) {
		if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
			return false;
		}
		int characters = 0;
		for (int i = 1; i < value.length() - 1; i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				return false;
			}
			if (c == '\\') {
				i++;
				if (i >= value.length() - 1 || (value.charAt(i) != '"' && value.charAt(i) != '\\')) {
					return false;
				}
			}
			else if (c == '"') {
				return false;
			}
			characters++;
		}
		return characters >= 1 && characters <= MAX_CHARACTERS;
	}

	/**
	 * The fingerprint of a submission: SHA-256 over its method, path, content type and
	 * body.
	 */
	static byte[] fingerprint(String method, String path, @Nullable String contentType, byte[] body) {
		MessageDigest digest = Sha256.digest();
		for (String part : new String[] { method, path, (contentType != null) ? contentType : "" }) {
			digest.update(part.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
		}
		digest.update(body);
		return digest.digest();
	}

	/**
	 * The key derived for a submission without one: a structured-field string of the
	 * base64url SHA-256 over the link, the action and the submission's fingerprint.
	 */
	static String derived(String linkId, String action, byte[] fingerprint) {
		MessageDigest digest = Sha256.digest();
		for (String part : new String[] { "securelink idempotency v1", linkId, action }) {
			digest.update(part.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
		}
		digest.update(fingerprint);
		return "\"sl1-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest()) + "\"";
	}

	/** What is stored of a key: its SHA-256 (the key is whatever the client chose). */
	static byte[] hash(String key) {
		return Sha256.digest().digest(key.getBytes(StandardCharsets.ISO_8859_1));
	}

}
