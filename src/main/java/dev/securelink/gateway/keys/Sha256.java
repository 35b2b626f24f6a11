package dev.securelink.gateway.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, which every JVM has: one place for the checked exception that never comes. */
public final class Sha256 {

	private Sha256() {
	}

	/** A new digest, to feed in pieces. */
	public static MessageDigest digest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JVM", ex);
		}
	}

	/** The SHA-256 of {@code bytes}. */
	public static byte[] of(byte[] bytes) {
		return digest().digest(bytes);
	}

}
