package dev.securelink.gateway.keys;

import java.util.Base64;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class GatewayKeysTests {

	@Test
	void deriveWhenAnyP256PrivateKeyThenTheJdksOwnPublicKey() throws Exception {
		java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
		generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
		for (int i = 0; i < 20; i++) {
			java.security.KeyPair pair = generator.generateKeyPair();
			java.security.interfaces.ECPublicKey derived = EcPublicKeys
				.derive((java.security.interfaces.ECPrivateKey) pair.getPrivate());
			assertThat(derived.getW()).isEqualTo(((java.security.interfaces.ECPublicKey) pair.getPublic()).getW());
			assertThat(derived.getEncoded()).isEqualTo(pair.getPublic().getEncoded());
		}
	}

	@Test
	void fromWhenNothingConfiguredThenEveryMissingKeyIsNamedAtOnce() {
		assertThatIllegalStateException()
			.isThrownBy(() -> GatewayKeys.from(new KeysProperties(null, null, null, null, null, null, null)))
			.withMessageContaining("securelink.keys.email-pepper is missing")
			.withMessageContaining("securelink.keys.session is missing")
			.withMessageContaining("securelink.keys.assertion is missing")
			.withMessageContaining("securelink.keys.checkpoint is missing");
	}

	@Test
	void fromWhenKeysTooShortOrMalformedThenNamedWithoutEchoingTheSecret() {
		String shortSecret = Base64.getEncoder().encodeToString("sixteen-bytes-ok".getBytes());
		assertThatIllegalStateException()
			.isThrownBy(() -> GatewayKeys.from(new KeysProperties(shortSecret, "nokid",
					"-----BEGIN PRIVATE KEY-----\n" + "bm90IGEga2V5\n-----END PRIVATE KEY-----", null,
					TestKeys.checkpointPem(), null, null)))
			.withMessageContaining("securelink.keys.email-pepper is too short: 16 bytes")
			.withMessageContaining("securelink.keys.session has an entry without a valid kid")
			.withMessageContaining("securelink.keys.assertion is not a PKCS#8 EC private key")
			.withMessageNotContaining(shortSecret);
	}

	@Test
	void fromWhenSeveralSessionKeysThenFirstSignsAndAllAreKept() {
		String second = "t0:" + Base64.getEncoder().encodeToString(new byte[32]);
		GatewayKeys keys = GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, TestKeys.SESSION + "," + second,
				TestKeys.assertionPem(), null, TestKeys.checkpointPem(), null, null));
		assertThat(keys.sessionKeys()).extracting(GatewayKeys.SessionKey::kid).containsExactly("t1", "t0");
	}

	@Test
	void assertionWhenEdDsaThenSignedWithEd25519AndVerifiableWithThePublishedKeyAlone() throws Exception {
		GatewayKeys keys = GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, TestKeys.SESSION,
				TestKeys.ed25519Pem(), null, TestKeys.checkpointPem(), null, "EdDSA"));
		SigningKey signer = keys.assertionSigner();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("link").claim("doc", "/invoices/1").build();
		String jws = signer.sign(claims, JOSEObjectType.JWT);

		SignedJWT jwt = SignedJWT.parse(jws);
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
		OctetKeyPair published = OctetKeyPair.parse(signer.publicJwk().toJSONString());
		assertThat(published.isPrivate()).isFalse();
		assertThat(published.getCurve()).isEqualTo(Curve.Ed25519);
		assertThat(jwt.getHeader().getKeyID()).isEqualTo(published.getKeyID());
		assertThat(signer.verified(jws, JOSEObjectType.JWT)).isNotNull();
		assertThat(signer.verified(jws, new JOSEObjectType("other"))).isNull();
		// As a document service without this code would: the JDK's own Ed25519 and the
		// raw public key from the JWK.
		assertThat(TestKeys.verifiesEd25519(jwt, published)).isTrue();
		// One changed byte of the claims: no longer verifies.
		String[] parts = jws.split("\\.");
		String forged = parts[0] + "." + Base64URL.encode("{\"sub\":\"other\"}") + "." + parts[2];
		assertThat(signer.verified(forged, JOSEObjectType.JWT)).isNull();
	}

	@Test
	void assertionWhenAlgorithmAndKeyDisagreeThenStartUpFailsNamingTheKey() {
		assertThatIllegalStateException()
			.isThrownBy(() -> GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, TestKeys.SESSION,
					TestKeys.assertionPem(), null, TestKeys.checkpointPem(), null, "EdDSA")))
			.withMessageContaining("securelink.keys.assertion is not a PKCS#8 Ed25519 private key");
		assertThatIllegalStateException()
			.isThrownBy(() -> GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, TestKeys.SESSION,
					TestKeys.ed25519Pem(), null, TestKeys.checkpointPem(), null, null)))
			.withMessageContaining("securelink.keys.assertion is not a PKCS#8 EC private key");
		assertThatIllegalStateException()
			.isThrownBy(() -> GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, TestKeys.SESSION,
					TestKeys.assertionPem(), null, TestKeys.checkpointPem(), null, "HS256")))
			.withMessageContaining("securelink.keys.assertion-algorithm must be ES256 or EdDSA");
	}

}
