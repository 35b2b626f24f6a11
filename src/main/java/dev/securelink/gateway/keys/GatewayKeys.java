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

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;

/**
 * The parsed, validated secrets. Every problem of the configuration is reported at once,
 * by property name, and no secret value ever appears in a message.
 */
public final class GatewayKeys {

	static final int MIN_SECRET_BYTES = 32;

	/** {@code securelink.keys.assertion-algorithm}'s default. */
	public static final String ASSERTION_ES256 = "ES256";

	/** {@code securelink.keys.assertion-algorithm} for Ed25519 signatures. */
	public static final String ASSERTION_EDDSA = "EdDSA";

	private final SecretKeySpec emailPepper;

	private final List<SessionKey> sessionKeys;

	private final SigningKey assertionSigner;

	private final Es256Signer checkpointSigner;

	private GatewayKeys(SecretKeySpec emailPepper, List<SessionKey> sessionKeys, SigningKey assertionSigner,
			ECPrivateKey checkpointKey) {
		this.emailPepper = emailPepper;
		this.sessionKeys = List.copyOf(sessionKeys);
		this.assertionSigner = assertionSigner;
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

	/**
	 * Signs the upstream assertions (ES256, or EdDSA when
	 * {@code securelink.keys.assertion-algorithm} says so); its public key is in the
	 * JWKS.
	 */
	public SigningKey assertionSigner() {
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
		SigningKey assertionKey = assertionKey(properties, errors);
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
	 * The assertion's key, of the configured algorithm: an EC P-256 key for ES256 (the
	 * default), an Ed25519 key for EdDSA.
	 */
	private static @Nullable SigningKey assertionKey(KeysProperties properties, List<String> errors) {
		String name = "securelink.keys.assertion";
		String algorithm = properties.assertionAlgorithm();
		if (algorithm == null || algorithm.isBlank() || algorithm.trim().equals(ASSERTION_ES256)) {
			int known = errors.size();
			ECPrivateKey key = ecKey(name, properties.assertion(), properties.assertionLocation(), errors);
			if (errors.size() > known) {
				errors.set(errors.size() - 1, errors.get(errors.size() - 1)
						+ " (the assertion algorithm is ES256; securelink.keys.assertion-algorithm=EdDSA takes an Ed25519 key)");
			}
			return (key != null) ? new Es256Signer(key, EcPublicKeys.derive(key)) : null;
		}
		if (!algorithm.trim().equals(ASSERTION_EDDSA)) {
			errors.add("securelink.keys.assertion-algorithm must be " + ASSERTION_ES256 + " or " + ASSERTION_EDDSA);
			return null;
		}
		byte[] der = pkcs8(name, properties.assertion(), properties.assertionLocation(), "Ed25519", errors);
		if (der == null) {
			return null;
		}
		try {
			if (PrivateKeyFactory.createKey(der) instanceof Ed25519PrivateKeyParameters key) {
				return new Ed25519Signer(key);
			}
		}
		catch (IOException | RuntimeException ex) {
			// Reported below, without the value.
		}
		errors.add(name + " is not a PKCS#8 Ed25519 private key in PEM (the assertion algorithm is EdDSA)");
		return null;
	}

	/**
	 * An EC P-256 private key given as PEM in {@code name}, or in a file at
	 * {@code name-location}.
	 */
	private static @Nullable ECPrivateKey ecKey(String name, @Nullable String value, @Nullable Resource location,
			List<String> errors) {
		byte[] der = pkcs8(name, value, location, "EC P-256", errors);
		if (der == null) {
			return null;
		}
		try {
			ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
				.generatePrivate(new PKCS8EncodedKeySpec(der));
			if (key.getParams().getCurve().getField().getFieldSize() != 256) {
				errors.add(name + " must be a P-256 key");
				return null;
			}
			return key;
		}
		catch (GeneralSecurityException | ClassCastException ex) {
			errors.add(name + " is not a PKCS#8 EC private key in PEM");
			return null;
		}
	}

	/**
	 * The DER of a PKCS#8 private key (of {@code kind}) given as PEM in {@code name}, or
	 * in a file at {@code name-location}.
	 */
	private static byte @Nullable [] pkcs8(String name, @Nullable String value, @Nullable Resource location,
			String kind, List<String> errors) {
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
			errors.add(name + " is missing (PEM, PKCS#8 " + kind + " private key; or " + name + "-location)");
			return null;
		}
		try {
			String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
			return Base64.getDecoder().decode(base64);
		}
		catch (IllegalArgumentException ex) {
			errors.add(name + " is not a PKCS#8 " + kind + " private key in PEM");
			return null;
		}
	}

}
