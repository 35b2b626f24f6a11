package dev.securelink.gateway.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;

/**
 * The parsed, validated secrets. Every problem of the configuration is reported at once,
 * by property name, and no secret value ever appears in a message.
 */
public final class GatewayKeys {

	static final int MIN_SECRET_BYTES = 32;

	private final SecretKeySpec emailPepper;

	private final List<SessionKey> sessionKeys;

	private final Es256Signer assertionSigner;

	private final Es256Signer checkpointSigner;

	private GatewayKeys(SecretKeySpec emailPepper, List<SessionKey> sessionKeys, ECPrivateKey assertionKey,
			ECPrivateKey checkpointKey) {
		this.emailPepper = emailPepper;
		this.sessionKeys = List.copyOf(sessionKeys);
		this.assertionSigner = new Es256Signer(assertionKey, EcPublicKeys.derive(assertionKey));
		this.checkpointSigner = new Es256Signer(checkpointKey, EcPublicKeys.derive(checkpointKey));
	}

	/** One HMAC key for sessions; the first configured one signs, all verify. */
	public record SessionKey(String kid, byte[] secret) {
	}

	/** The HMAC-SHA256 key for recipient addresses. */
	public SecretKeySpec emailPepper() {
		return this.emailPepper;
	}

	public List<SessionKey> sessionKeys() {
		return this.sessionKeys;
	}

	/** Signs the upstream assertions; its public key is in the JWKS. */
	public Es256Signer assertionSigner() {
		return this.assertionSigner;
	}

	/**
	 * Signs the audit trail's checkpoints, never the assertions; its public key is in the
	 * JWKS under its own {@code kid}, for anyone to verify a checkpoint offline.
	 */
	public Es256Signer checkpointSigner() {
		return this.checkpointSigner;
	}

	public static GatewayKeys from(KeysProperties properties) {
		List<String> errors = new ArrayList<>();
		byte[] pepper = secret("securelink.keys.email-pepper", properties.emailPepper(), errors);
		List<SessionKey> sessionKeys = sessionKeys(properties.session(), errors);
		ECPrivateKey assertionKey = ecKey("securelink.keys.assertion", properties.assertion(),
				properties.assertionLocation(), errors);
		ECPrivateKey checkpointKey = ecKey("securelink.keys.checkpoint", properties.checkpoint(),
				properties.checkpointLocation(), errors);
		if (pepper == null || sessionKeys == null || assertionKey == null || checkpointKey == null
				|| !errors.isEmpty()) {
			throw new IllegalStateException("Invalid gateway keys:\n - " + String.join("\n - ", errors));
		}
		return new GatewayKeys(Hmac.key(pepper), sessionKeys, assertionKey, checkpointKey);
	}

	private static byte @Nullable [] secret(String name, @Nullable String base64, List<String> errors) {
		if (!StringUtils.hasText(base64)) {
			errors.add(name + " is missing (base64 of at least " + MIN_SECRET_BYTES + " random bytes)");
			return null;
		}
		try {
			byte[] bytes = Base64.getDecoder().decode(base64.trim());
			if (bytes.length < MIN_SECRET_BYTES) {
				errors.add(name + " is too short: " + bytes.length + " bytes, at least " + MIN_SECRET_BYTES);
				return null;
			}
			return bytes;
		}
		catch (IllegalArgumentException ex) {
			errors.add(name + " is not valid base64");
			return null;
		}
	}

	private static @Nullable List<SessionKey> sessionKeys(@Nullable String value, List<String> errors) {
		String name = "securelink.keys.session";
		List<SessionKey> keys = new ArrayList<>();
		if (!StringUtils.hasText(value)) {
			errors.add(name + " is missing (comma-separated kid:base64secret entries)");
			return keys;
		}
		for (String entry : value.split(",")) {
			int colon = entry.indexOf(':');
			String kid = (colon > 0) ? entry.substring(0, colon).trim() : "";
			if (!kid.matches("[A-Za-z0-9._-]{1,32}")) {
				errors.add(name + " has an entry without a valid kid (kid:base64secret, kid of [A-Za-z0-9._-])");
				continue;
			}
			if (keys.stream().anyMatch((key) -> key.kid().equals(kid))) {
				errors.add(name + " names kid '" + kid + "' twice");
				continue;
			}
			byte[] secret = secret(name + " (kid " + kid + ")", entry.substring(colon + 1), errors);
			if (secret != null) {
				keys.add(new SessionKey(kid, secret));
			}
		}
		return keys;
	}

	/**
	 * An EC P-256 private key given as PEM in {@code name}, or in a file at
	 * {@code name-location}.
	 */
	private static @Nullable ECPrivateKey ecKey(String name, @Nullable String value, @Nullable Resource location,
			List<String> errors) {
		String pem = value;
		if (!StringUtils.hasText(pem) && location != null) {
			try {
				pem = location.getContentAsString(StandardCharsets.US_ASCII);
			}
			catch (IOException ex) {
				errors.add(name + "-location cannot be read: " + location);
				return null;
			}
		}
		if (!StringUtils.hasText(pem)) {
			errors.add(name + " is missing (PEM, PKCS#8 EC P-256 private key; or " + name + "-location)");
			return null;
		}
		try {
			String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
			PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
			ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(spec);
			if (key.getParams().getCurve().getField().getFieldSize() != 256) {
				errors.add(name + " must be a P-256 key");
				return null;
			}
			return key;
		}
		catch (GeneralSecurityException | IllegalArgumentException | ClassCastException ex) {
			errors.add(name + " is not a PKCS#8 EC private key in PEM");
			return null;
		}
	}

}
