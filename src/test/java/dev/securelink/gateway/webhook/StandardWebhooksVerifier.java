package dev.securelink.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiver's side of the Standard Webhooks specification, written from the
 * specification alone (none of the gateway's code): the secret is {@code whsec_} and the
 * base64 of the key; the signed content is {@code id.timestamp.body}; the
 * {@code webhook-signature} header holds space-separated {@code v1,<base64>} signatures,
 * any one of which may match (compared in constant time); a timestamp more than five
 * minutes from now is refused.
 */
final class StandardWebhooksVerifier {

	private static final Duration TOLERANCE = Duration.ofMinutes(5);

	private final byte[] key;

	StandardWebhooksVerifier(String secret) {
		String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
		this.key = Base64.getDecoder().decode(encoded);
	}

	/** Whether the request is authentic: its headers sign exactly {@code body}. */
	boolean verify(String id, String timestamp, String signatures, String body, Instant now) {
		long seconds;
		try {
			seconds = Long.parseLong(timestamp);
		}
		catch (NumberFormatException ex) {
			return false;
		}
		if (Duration.between(Instant.ofEpochSecond(seconds), now).abs().compareTo(TOLERANCE) > 0) {
			return false;
		}
		byte[] expected = hmac(id + "." + timestamp + "." + body);
		for (String versioned : signatures.split(" ")) {
			int comma = versioned.indexOf(',');
			if (comma < 0 || !versioned.substring(0, comma).equals("v1")) {
				continue;
			}
			byte[] given;
			try {
				given = Base64.getDecoder().decode(versioned.substring(comma + 1));
			}
			catch (IllegalArgumentException ex) {
				continue;
			}
			if (MessageDigest.isEqual(expected, given)) {
				return true;
			}
		}
		return false;
	}

	boolean verify(WebhookReceiver.Received request) {
		return verify(request.header("webhook-id"), request.header("webhook-timestamp"),
				request.header("webhook-signature"), request.body(), Instant.now());
	}

	private byte[] hmac(String content) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.key, "HmacSHA256"));
			return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
