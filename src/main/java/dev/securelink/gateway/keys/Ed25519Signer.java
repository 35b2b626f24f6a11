package dev.securelink.gateway.keys;

import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSProvider;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * An Ed25519 key signing JWS with {@code alg} {@code EdDSA} (RFC 8037), published as an
 * {@code OKP} JWK: the assertion's cheaper signature, for document services that accept
 * it. Bouncy Castle's arithmetic signs in a fraction of the time of ES256 and needs no
 * random number per signature. Nimbus's own EdDSA classes need Google Tink; this one
 * plugs Bouncy Castle, already on the class path for ES256, into Nimbus's JWS objects.
 */
public final class Ed25519Signer extends SigningKey {

	private final OctetKeyPair publicJwk;

	private final Ed25519PrivateKeyParameters privateKey;

	private final Signing signing = new Signing();

	private final Verifying verifying;

	Ed25519Signer(Ed25519PrivateKeyParameters privateKey) {
		this.privateKey = privateKey;
		Ed25519PublicKeyParameters publicKey = privateKey.generatePublicKey();
		this.verifying = new Verifying(publicKey);
		try {
			this.publicJwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(publicKey.getEncoded()))
				.keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.EdDSA)
				.keyIDFromThumbprint()
				.build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Invalid Ed25519 key", ex);
		}
	}

	@Override
	public OctetKeyPair publicJwk() {
		return this.publicJwk;
	}

	@Override
	public JWSAlgorithm algorithm() {
		return JWSAlgorithm.EdDSA;
	}

	@Override
	JWSSigner signer() {
		return this.signing;
	}

	@Override
	JWSVerifier verifier() {
		return this.verifying;
	}

	/** Nimbus's signer interface over Bouncy Castle's Ed25519. */
	private final class Signing extends EdDsa implements JWSSigner {

		@Override
		public Base64URL sign(JWSHeader header, byte[] signingInput) {
			org.bouncycastle.crypto.signers.Ed25519Signer signer = new org.bouncycastle.crypto.signers.Ed25519Signer();
			signer.init(true, Ed25519Signer.this.privateKey);
			signer.update(signingInput, 0, signingInput.length);
			return Base64URL.encode(signer.generateSignature());
		}

	}

	/** Nimbus's verifier interface over Bouncy Castle's Ed25519. */
	private static final class Verifying extends EdDsa implements JWSVerifier {

		private final Ed25519PublicKeyParameters key;

		Verifying(Ed25519PublicKeyParameters key) {
			this.key = key;
		}

		@Override
		public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
			// No critical header parameter is understood here.
			if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) || header.getCriticalParams() != null) {
				return false;
			}
			org.bouncycastle.crypto.signers.Ed25519Signer verifier = new org.bouncycastle.crypto.signers.Ed25519Signer();
			verifier.init(false, this.key);
			verifier.update(signingInput, 0, signingInput.length);
			return verifier.verifySignature(signature.decode());
		}

	}

	/** What Nimbus asks of any JWS provider: the one algorithm, no JCA provider. */
	private abstract static class EdDsa implements JWSProvider {

		private final JCAContext context = new JCAContext();

		@Override
		public Set<JWSAlgorithm> supportedJWSAlgorithms() {
			return Set.of(JWSAlgorithm.EdDSA);
		}

		@Override
		public JCAContext getJCAContext() {
			return this.context;
		}

	}

}
