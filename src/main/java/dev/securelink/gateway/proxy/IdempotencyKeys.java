package dev.securelink.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;
import dev.securelink.gateway.keys.Sha256;
import dev.securelink.gateway.session.SessionClaims;

/**
 * The {@code Idempotency-Key} of a sign or pay submission, as forwarded to the upstream
 * (which can hand it to its payment provider): the client's own, when it is a
 * structured-field string (RFC 8941: quoted, printable ASCII, {@code \"} and {@code \\}
 * escaped) of at most 255 characters; otherwise one derived from the submitter's scope,
 * the link, the action and a fingerprint of the request (method, path, content type and
 * body), so that the same submission repeated carries the same key and any other a
 * different one. A derived key is an HMAC with a key of the gateway's: nobody else can
 * compute another recipient's future key and claim it first.
 * <p>
 * Every key belongs to one submitter ({@link #scope}): the recipient whose address
 * verified the session, or the session itself when none did. What is stored of a key is a
 * hash over its namespace (the client's or derived), its scope and the key, so that two
 * recipients never meet each other's key and a client key never equals a derived one.
 */
@Component
class IdempotencyKeys {

	static final String HEADER = "Idempotency-Key";

	static final int MAX_CHARACTERS = 255;

	/** The gateway's own keys' prefix, which a client's key may not take. */
	private static final Pattern GATEWAY_PREFIX = Pattern.compile("\"sl[a-z0-9]{0,3}-", Pattern.CASE_INSENSITIVE);

	private final SecretKeySpec derivation;

	IdempotencyKeys(GatewayKeys keys) {
		this.derivation = Hmac.key(Hmac.sha256(keys.emailPepper(), "securelink idempotency keys v2"));
	}

	/**
	 * Whom a session's keys belong to: the recipient whose address verified it, or the
	 * session itself when none did (verification off, or a session from before the
	 * recipient was recorded).
	 */
	static String scope(SessionClaims claims) {
		return (claims.recipient() >= 0) ? "recipient " + claims.recipient() : "session " + claims.id();
	}

	/**
	 * Whether {@code value} is a structured-field string of at most 255 characters that
	 * does not start with the gateway's own prefix ({@code sl}, up to three letters or
	 * digits, {@code -}).
	 */
	static boolean valid(String value) {
		if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"'
				|| GATEWAY_PREFIX.matcher(value).lookingAt()) {
			return false;
		}
		int characters = 0;
		for (int i = 1; i < value.length() - 1; i++) {
			char c = value.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				return false;
			}
			if (c == '\\') {
				i++;
				if (i >= value.length() - 1 || (value.charAt(i) != '"' && value.charAt(i) != '\\')) {
					return false;
				}
			}
			else if (c == '"') {
				return false;
			}
			characters++;
		}
		return characters >= 1 && characters <= MAX_CHARACTERS;
	}

	/**
	 * The fingerprint of a submission: SHA-256 over its method, path, content type and
	 * body.
	 */
	static byte[] fingerprint(String method, String path, @Nullable String contentType, byte[] body) {
		MessageDigest digest = Sha256.digest();
		for (String part : new String[] { method, path, (contentType != null) ? contentType : "" }) {
			digest.update(part.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
		}
		digest.update(body);
		return digest.digest();
	}

	/**
	 * The key derived for a submission of {@code scope} without one: a structured-field
	 * string of the base64url HMAC over the scope, the link, the action and the
	 * submission's fingerprint.
	 */
	String derived(String scope, String linkId, String action, byte[] fingerprint) {
		return key("sl2-", "derived", scope, linkId, action, Base64.getEncoder().encodeToString(fingerprint));
	}

	/**
	 * The key that goes upstream for the client's {@code clientKey}: the HMAC over the
	 * scope, the link, the action and that key.
	 */
	String scoped(String scope, String linkId, String action, String clientKey) {
		return key("slc-", "client", scope, linkId, action, clientKey);
	}

	private String key(String prefix, String... parts) {
		byte[] mac = Hmac.sha256(this.derivation, String.join("\u0000", parts));
		return "\"" + prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(mac) + "\"";
	}

	/**
	 * What is stored of a key: its SHA-256 (the key is the gateway's, already bound to
	 * its submitter and namespace).
	 */
	static byte[] hash(String key) {
		return Sha256.digest().digest(key.getBytes(StandardCharsets.ISO_8859_1));
	}

}
