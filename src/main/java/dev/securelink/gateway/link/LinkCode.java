package dev.securelink.gateway.link;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import dev.securelink.gateway.keys.Sha256;

/**
 * The per-document secret mailed in a link: 192 bits from {@link SecureRandom},
 * base64url. Only its SHA-256 is stored; that hash is the lookup key, so a database dump
 * holds nothing that opens a document.
 */
public final class LinkCode {

	/** 24 random bytes give 32 base64url characters without padding. */
	static final int LENGTH = 32;

	private static final int BYTES = 24;

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private LinkCode() {
	}

	static String generate() {
		byte[] bytes = new byte[BYTES];
		RANDOM.nextBytes(bytes);
		return ENCODER.encodeToString(bytes);
	}

	/** A public, non-secret link id: 96 random bits, base64url (16 characters). */
	static String newLinkId() {
		byte[] bytes = new byte[12];
		RANDOM.nextBytes(bytes);
		return ENCODER.encodeToString(bytes);
	}

	/**
	 * Whether {@code code} has the shape of a code, checked before any lookup so junk
	 * costs no query.
	 */
	public static boolean isWellFormed(String code) {
		return isBase64Url(code, LENGTH);
	}

	/**
	 * Whether {@code value} has the shape of a link id (checked before it names a cookie
	 * or a lookup).
	 */
	public static boolean isLinkId(String value) {
		return isBase64Url(value, 16);
	}

	/** A loop, not a regular expression: this runs on every request. */
	private static boolean isBase64Url(String value, int length) {
		if (value == null || value.length() != length) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_';
			if (!base64url) {
				return false;
			}
		}
		return true;
	}

	public static byte[] hash(String code) {
		return Sha256.of(code.getBytes(StandardCharsets.US_ASCII));
	}

}
