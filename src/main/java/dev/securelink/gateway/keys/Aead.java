package dev.securelink.gateway.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets kept in the database only sealed: AES-256-GCM with a fresh 96-bit nonce, stored
 * as nonce, then ciphertext and tag, with the row's id as associated data, so that a
 * value copied onto another row does not open. One instance per job, each under a key of
 * its own.
 */
public final class Aead {

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SecretKeySpec key;

	private final String job;

	/**
	 * A sealer under {@code key}.
	 * @param key 32 bytes
	 * @param job what is sealed, named in the error when a value does not open
	 */
	public Aead(byte[] key, String job) {
		this.key = new SecretKeySpec(key, "AES");
		this.job = job;
	}

	/** {@code plain} sealed for the row {@code rowId}. */
	public byte[] seal(String rowId, byte[] plain) {
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(rowId.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plain);
			byte[] stored = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
			System.arraycopy(sealed, 0, stored, NONCE_BYTES, sealed.length);
			return stored;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not seal " + this.job, ex);
		}
	}

	/**
	 * What {@link #seal} sealed for {@code rowId}; fails when the value was altered or
	 * moved.
	 */
	public byte[] open(String rowId, byte[] stored) {
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
			cipher.updateAAD(rowId.getBytes(StandardCharsets.UTF_8));
			return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("The " + this.job + " of " + rowId + " does not open", ex);
		}
	}

}
