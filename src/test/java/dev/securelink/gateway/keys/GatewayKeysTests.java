package dev.securelink.gateway.keys;

import java.util.Base64;

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
			.isThrownBy(() -> GatewayKeys.from(new KeysProperties(null, null, null, null, null, null)))
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
					TestKeys.checkpointPem(), null)))
			.withMessageContaining("securelink.keys.email-pepper is too short: 16 bytes")
			.withMessageContaining("securelink.keys.session has an entry without a valid kid")
			.withMessageContaining("securelink.keys.assertion is not a PKCS#8 EC private key")
			.withMessageNotContaining(shortSecret);
	}

	@Test
	void fromWhenSeveralSessionKeysThenFirstSignsAndAllAreKept() {
		String second = "t0:" + Base64.getEncoder().encodeToString(new byte[32]);
		GatewayKeys keys = GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, TestKeys.SESSION + "," + second,
				TestKeys.assertionPem(), null, TestKeys.checkpointPem(), null));
		assertThat(keys.sessionKeys()).extracting(GatewayKeys.SessionKey::kid).containsExactly("t1", "t0");
	}

}
