package dev.securelink.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's signatures against the Standard Webhooks test vector (the one every
 * reference library checks), and the independent verifier the delivery tests use.
 */
class WebhookSigningTests {

	private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";

	private static final String BODY = "{\"test\": 2432232314}";

	private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

	private static final Instant AT = Instant.ofEpochSecond(1614265330);

	@Test
	void signWhenTheSpecificationsVectorThenItsSignature() {
		byte[] key = Base64.getDecoder().decode(SECRET.substring("whsec_".length()));
		assertThat(WebhookSender.sign(key, ID + ".1614265330." + BODY)).isEqualTo(EXPECTED);
	}

	@Test
	void verifyWhenTheVectorThenValidAndAnyChangedByteFails() {
		StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(SECRET);
		assertThat(verifier.verify(ID, "1614265330", EXPECTED, BODY, AT)).isTrue();
		assertThat(verifier.verify(ID, "1614265330", "v1,bm9wZQ== " + EXPECTED, BODY, AT))
			.as("any one of several signatures")
			.isTrue();
		byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i < body.length; i++) {
			byte[] changed = body.clone();
			changed[i] ^= 0x01;
			assertThat(verifier.verify(ID, "1614265330", EXPECTED, new String(changed, StandardCharsets.UTF_8), AT))
				.as("byte %d changed", i)
				.isFalse();
		}
		assertThat(verifier.verify(ID + "x", "1614265330", EXPECTED, BODY, AT)).isFalse();
		assertThat(verifier.verify(ID, "1614265331", EXPECTED, BODY, AT.plusSeconds(1))).isFalse();
		assertThat(verifier.verify(ID, "1614265330", EXPECTED, BODY, AT.plus(Duration.ofMinutes(6)))).as("too old")
			.isFalse();
	}

	@Test
	void retryAfterWhenSecondsOrADateThenHonouredOtherwiseIgnored() {
		Instant now = Instant.parse("2026-12-02T10:00:00Z");
		assertThat(WebhookSender.retryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
		assertThat(WebhookSender.retryAfter("Wed, 02 Dec 2026 10:05:00 GMT", now)).isEqualTo(Duration.ofMinutes(5));
		assertThat(WebhookSender.retryAfter("Wed, 02 Dec 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
		assertThat(WebhookSender.retryAfter("soon", now)).isNull();
		assertThat(WebhookSender.retryAfter("-5", now)).isNull();
		assertThat(WebhookSender.retryAfter(null, now)).isNull();
	}

}
