package dev.securelink.gateway.keys;

import java.text.ParseException;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * One of the gateway's signing keys, as its users need it: JWTs signed with it (the
 * header naming the key's {@code kid}, its RFC 7638 thumbprint, and a {@code typ}), the
 * public part as the JWK that {@code /.well-known/jwks.json} publishes, and the check of
 * a JWT it signed. The private key never leaves the object.
 */
public abstract sealed class SigningKey permits Es256Signer, Ed25519Signer {

	/** The public key, as published. */
	public abstract JWK publicJwk();

	/** The JWS algorithm its signatures name. */
	public abstract JWSAlgorithm algorithm();

	/** Nimbus's signer of this key. */
	abstract JWSSigner signer();

	/** Nimbus's verifier of this key's signatures. */
	abstract JWSVerifier verifier();

	/**
	 * {@code claims} signed, compact form; {@code type} is the header's {@code typ}, or
	 * none.
	 */
	public final String sign(JWTClaimsSet claims, @Nullable JOSEObjectType type) {
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(algorithm()).type(type).keyID(publicJwk().getKeyID()).build(), claims);
		try {
			jwt.sign(signer());
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(algorithm() + " signing failed", ex);
		}
		return jwt.serialize();
	}

	/**
	 * The claims of {@code jws} when this key signed it, with its algorithm and
	 * {@code type}; otherwise (malformed, another key, algorithm or type, a changed byte)
	 * null.
	 */
	public final @Nullable JWTClaimsSet verified(String jws, JOSEObjectType type) {
		try {
			SignedJWT jwt = SignedJWT.parse(jws);
			if (!type.equals(jwt.getHeader().getType()) || !algorithm().equals(jwt.getHeader().getAlgorithm())
					|| !jwt.verify(verifier())) {
				return null;
			}
			return jwt.getJWTClaimsSet();
		}
		catch (ParseException | JOSEException ex) {
			return null;
		}
	}

}
