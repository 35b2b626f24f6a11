package dev.securelink.gateway.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256, the one keyed hash the gateway uses (recipient MACs, client hashes, form
 * tokens).
 */
public final class Hmac {

	private Hmac() {
	}

	public static SecretKeySpec key(byte[] secret) {
		return new SecretKeySpec(secret, "HmacSHA256");
	}

	public static byte[] sha256(SecretKeySpec key, String data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JVM", ex);
		}
	}

}
