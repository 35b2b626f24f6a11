package dev.securelink.gateway.keys;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import org.jspecify.annotations.Nullable;

/**
 * One of the gateway's signing keys, as its users need it: JWTs signed with it (the
 * header naming the key's {@code kid}, its RFC 7638 thumbprint, and a {@code typ}), the
 * public part as the JWK that {@code /.well-known/jwks.json} publishes, and the check of
 * a JWT it signed. The private key never leaves the object.
 */
public sealed interface SigningKey permits Es256Signer, Ed25519Signer {

	/** The public key, as published. */
	JWK publicJwk();

	/** The JWS algorithm its signatures name. */
	JWSAlgorithm algorithm();

	/**
	 * {@code claims} signed, compact form; {@code type} is the header's {@code typ}, or
	 * none.
	 */
	String sign(JWTClaimsSet claims, @Nullable JOSEObjectType type);

	/**
	 * The claims of {@code jws} when this key signed it, with its algorithm and
	 * {@code type}; otherwise (malformed, another key, algorithm or type, a changed byte)
	 * null.
	 */
	@Nullable JWTClaimsSet verified(String jws, JOSEObjectType type);

}
