package dev.securelink.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;

/**
 * Endpoint signing secrets: made here ({@code whsec_} and the base64 of 32 random bytes,
 * as Standard Webhooks writes them), shown once, and kept only encrypted: AES-256-GCM
 * under a key derived from the e-mail pepper (which never changes, since it also hashes
 * the recipients' addresses), with the endpoint's id as associated data so that a secret
 * copied onto another endpoint's row does not decrypt. A database dump alone reveals no
 * secret.
 */
@Component
class WebhookSecrets {

	static final String PREFIX = "whsec_";

	private static final int SECRET_BYTES = 32;

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SecretKeySpec key;

	WebhookSecrets(GatewayKeys keys) {
		this.key = new SecretKeySpec(Hmac.sha256(keys.emailPepper(), "securelink webhook secrets v1"), "AES");
	}

	/** A new secret's raw bytes. */
	static byte[] generate() {
		byte[] secret = new byte[SECRET_BYTES];
		RANDOM.nextBytes(secret);
		return secret;
	}

	/** The secret as the endpoint's owner sees it once: {@code whsec_<base64>}. */
	static String shown(byte[] secret) {
		return PREFIX + Base64.getEncoder().encodeToString(secret);
	}

	/**
	 * {@code secret} sealed for storage on {@code endpointId}'s row: nonce, then
	 * ciphertext and tag.
	 */
	byte[] encrypt(String endpointId, byte[] secret) {
		byte[] nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(secret);
			byte[] stored = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
			System.arraycopy(sealed, 0, stored, NONCE_BYTES, sealed.length);
			return stored;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not encrypt a webhook secret", ex);
		}
	}

	/**
	 * The raw secret stored on {@code endpointId}'s row; fails when the row was altered
	 * or moved.
	 */
	byte[] decrypt(String endpointId, byte[] stored) {
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, this.key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
			cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8));
			return cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("The webhook secret of endpoint " + endpointId + " does not decrypt", ex);
		}
	}

}
