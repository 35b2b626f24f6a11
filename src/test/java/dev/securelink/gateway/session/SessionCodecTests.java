package dev.securelink.gateway.session;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.KeysProperties;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

class SessionCodecTests {

	static final String OLD = "old:"
			+ Base64.getEncoder().encodeToString("an-older-session-key-of-32-bytes!".getBytes());

	static final String NEW = "new:"
			+ Base64.getEncoder().encodeToString("the-newest-session-key-32-bytes!!".getBytes());

	@Test
	void decodeWhenSignedWithAnOlderKeyStillConfiguredThenValidSoRotationLogsNobodyOut() {
		String token = codec(OLD).encode(claims());
		SessionCodec rotated = codec(NEW + "," + OLD);
		assertThat(rotated.decode(token)).hasValueSatisfying((claims) -> {
			assertThat(claims.linkId()).isEqualTo("AAAAAAAAAAAAAAAA");
			assertThat(claims.rights()).containsExactly(Right.VIEW, Right.PAY);
			assertThat(claims.emailVerified()).isTrue();
		});
		String header = new String(Base64.getUrlDecoder().decode(rotated.encode(claims()).split("\\.")[0]));
		assertThat(header).as("the newest key signs").contains("\"kid\":\"new\"").contains("HS256");
	}

	@Test
	void decodeWhenKeyRetiredForgedOrUnsignedThenNoSession() {
		String token = codec(OLD).encode(claims());
		assertThat(codec(NEW).decode(token)).isEmpty();
		String[] parts = token.split("\\.");
		String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
		assertThat(codec(OLD).decode(tampered)).isEmpty();
		String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes()) + "."
				+ parts[1] + ".";
		assertThat(codec(OLD).decode(unsigned)).isEmpty();
		assertThat(codec(OLD).decode("not-a-token")).isEmpty();
	}

	private static SessionCodec codec(String sessionKeys) {
		return new SessionCodec(GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, sessionKeys,
				TestKeys.assertionPem(), null, TestKeys.checkpointPem(), null, null)));
	}

	private static SessionClaims claims() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		return new SessionClaims("id-1", "acme", "AAAAAAAAAAAAAAAA", EnumSet.of(Right.VIEW, Right.PAY), 0, true, now,
				now.plusSeconds(3600), now, 2);
	}

}
