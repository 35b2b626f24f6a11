package dev.securelink.gateway.audit;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.stream.Collectors;

import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;

/**
 * The gateway's signature on a purge: an HMAC, with a key the database never holds, over
 * the tenant, the link and the place and hash of every event removed. A purge event
 * written into the database by hand carries none that verifies: the sealer never seals
 * it, and verification never lets it account for a tombstone.
 */
@Component
public class PurgeSignatures {

	private final SecretKeySpec key;

	PurgeSignatures(GatewayKeys keys) {
		this.key = Hmac.key(Hmac.sha256(keys.emailPepper(), "securelink audit purges v1"));
	}

	/** {@code purged} signed for {@code tenantId}. */
	AuditDetail.Purged sign(String tenantId, AuditDetail.Purged purged) {
		return new AuditDetail.Purged(purged.linkId(), purged.removed(), mac(tenantId, purged));
	}

	/**
	 * Whether {@code purged} carries the gateway's signature for {@code tenantId}; false
	 * for an unsigned one too (a purge from before purges were signed).
	 */
	boolean verifies(String tenantId, AuditDetail.Purged purged) {
		String signature = purged.signature();
		return signature != null
				&& MessageDigest.isEqual(signature.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
						mac(tenantId, purged).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
	}

	private String mac(String tenantId, AuditDetail.Purged purged) {
		String removed = purged.removed()
			.stream()
			.map((each) -> each.seq() + ":" + each.hash())
			.collect(Collectors.joining(","));
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(Hmac.sha256(this.key, String.join("\u0000", tenantId, orEmpty(purged.linkId()), removed)));
	}

	private static String orEmpty(@Nullable String value) {
		return (value != null) ? value : "";
	}

}
