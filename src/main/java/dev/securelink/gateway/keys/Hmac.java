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

	/**
	 * One {@code Mac} per thread: {@code Mac.getInstance} walks the JCA providers on
	 * every call, a first open's most frequent lookup (bench/RESULTS.md, #30).
	 */
	private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
		try {
			return Mac.getInstance("HmacSHA256");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is part of every JVM", ex);
		}
	});

	private Hmac() {
	}

	public static SecretKeySpec key(byte[] secret) {
		return new SecretKeySpec(secret, "HmacSHA256");
	}

	public static byte[] sha256(SecretKeySpec key, String data) {
		Mac mac = MACS.get();
		try {
			mac.init(key);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Not an HMAC key", ex);
		}
		return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
	}

}
