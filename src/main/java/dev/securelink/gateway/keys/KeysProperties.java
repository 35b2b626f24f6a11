package dev.securelink.gateway.keys;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The gateway's secrets as configured: {@code securelink.keys.*}.
 *
 * @param emailPepper base64 of at least 32 bytes, the HMAC key for recipient e-mail
 * addresses
 * @param session comma-separated {@code kid:base64secret} entries of at least 32 bytes;
 * the first signs
 * @param assertion PEM (PKCS#8) private key that signs the upstream assertion: EC P-256
 * (ES256), or Ed25519 when {@code assertionAlgorithm} is {@code EdDSA}
 * @param assertionLocation a file holding that PEM, instead of {@code assertion}
 * @param checkpoint PEM (PKCS#8) EC P-256 private key that signs the audit checkpoints
 * (its own key: the checkpoints outlive assertion-key rotations)
 * @param checkpointLocation a file holding that PEM, instead of {@code checkpoint}
 * @param assertionAlgorithm {@code ES256} (the default) or {@code EdDSA}, for document
 * services that accept it (its signature is made once per session)
 */
@ConfigurationProperties("securelink.keys")
public record KeysProperties(@Nullable String emailPepper, @Nullable String session, @Nullable String assertion,
		@Nullable Resource assertionLocation, @Nullable String checkpoint, @Nullable Resource checkpointLocation,
		@Nullable String assertionAlgorithm) {
}
