package dev.securelink.gateway.webhook;

import java.security.SecureRandom;
import java.util.Base64;

import org.springframework.stereotype.Component;

import dev.securelink.gateway.keys.Aead;
import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;

/**
 * Endpoint signing secrets: made here ({@code whsec_} and the base64 of 32 random bytes,
 * as Standard Webhooks writes them), shown once, and kept only encrypted: AES-256-GCM
 * ({@link Aead}) under a key derived from the e-mail pepper (which never changes, since
 * it also hashes the recipients' addresses), with the endpoint's id as associated data so
 * that a secret copied onto another endpoint's row does not decrypt. A database dump
 * alone reveals no secret.
 */
@Component
class WebhookSecrets {

	static final String PREFIX = "whsec_";

	private static final int SECRET_BYTES = 32;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final Aead aead;

	WebhookSecrets(GatewayKeys keys) {
		this.aead = new Aead(Hmac.sha256(keys.emailPepper(), "securelink webhook secrets v1"), "webhook secret");
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

	/** {@code secret} sealed for storage on {@code endpointId}'s row. */
	byte[] encrypt(String endpointId, byte[] secret) {
		return this.aead.seal(endpointId, secret);
	}

	/**
	 * The raw secret stored on {@code endpointId}'s row; fails when the row was altered
	 * or moved.
	 */
	byte[] decrypt(String endpointId, byte[] stored) {
		return this.aead.open(endpointId, stored);
	}

}
