package dev.securelink.gateway.keys;

import java.nio.file.Path;
import java.util.Map;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The development keys follow the configured assertion algorithm: a stored key of the
 * other kind is replaced, so a demo switched to EdDSA (or back) still starts.
 */
class DevelopmentKeysTests {

	@TempDir
	Path directory;

	@Test
	void loadOrCreateWhenTheAlgorithmChangesThenTheAssertionKeyIsOfItsKind() {
		Path file = this.directory.resolve("keys.properties");
		Map<String, Object> edDsa = DevelopmentKeys.loadOrCreate(file,
				new MockEnvironment().withProperty("securelink.keys.assertion-algorithm", "EdDSA"),
				LogFactory.getLog(getClass()));
		assertThat(keys(edDsa, "EdDSA").assertionSigner()).isInstanceOf(Ed25519Signer.class);
		assertThat(DevelopmentKeys.loadOrCreate(file,
				new MockEnvironment().withProperty("securelink.keys.assertion-algorithm", "EdDSA"),
				LogFactory.getLog(getClass())))
			.as("kept while the algorithm stays")
			.containsEntry("securelink.keys.assertion", edDsa.get("securelink.keys.assertion"));

		Map<String, Object> es256 = DevelopmentKeys.loadOrCreate(file, new MockEnvironment(),
				LogFactory.getLog(getClass()));
		assertThat(keys(es256, null).assertionSigner()).isInstanceOf(Es256Signer.class);
		assertThat(es256.get("securelink.keys.checkpoint")).as("the other keys stay")
			.isEqualTo(edDsa.get("securelink.keys.checkpoint"));
	}

	private static GatewayKeys keys(Map<String, Object> generated, String algorithm) {
		return GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, TestKeys.SESSION,
				(String) generated.get("securelink.keys.assertion"), null, TestKeys.checkpointPem(), null, algorithm));
	}

}
