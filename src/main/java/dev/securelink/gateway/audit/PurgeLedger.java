package dev.securelink.gateway.audit;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a tenant's sealed purge events account for, as verification reads them: each
 * tombstone's place and hash, named by a later purge the gateway signed (or by the one
 * unsigned purge that accounted for the tombstones left before purges were signed, a
 * legacy one). A purge event whose signature does not verify accounts for nothing, and is
 * itself a break of the chain.
 */
final class PurgeLedger {

	private record Accounted(byte[] hash, long purgeSeq, boolean legacy) {
	}

	private final Map<Long, Accounted> bySeq = new HashMap<>();

	private final Set<Long> forged = new HashSet<>();

	/**
	 * The ledger of {@code purges}: each sealed purge event's place and stored detail.
	 */
	PurgeLedger(String tenantId, List<Map.Entry<Long, String>> purges, PurgeSignatures signatures) {
		for (Map.Entry<Long, String> purge : purges) {
			if (!(AuditDetail.read(AuditType.PURGED.id(), purge.getValue()) instanceof AuditDetail.Purged detail)
					|| (detail.signature() != null && !signatures.verifies(tenantId, detail))) {
				this.forged.add(purge.getKey());
				continue;
			}
			for (AuditDetail.Removed removed : detail.removed()) {
				try {
					this.bySeq.put(removed.seq(), new Accounted(Base64.getDecoder().decode(removed.hash()),
							purge.getKey(), detail.signature() == null));
				}
				catch (IllegalArgumentException ex) {
					// Not a hash: it accounts for nothing, and the tombstone shows.
				}
			}
		}
	}

	/** Whether the purge event at {@code seq} is one the gateway did not sign. */
	boolean forged(long seq) {
		return this.forged.contains(seq);
	}

	/**
	 * Whether the tombstone at {@code seq} with {@code hash} is accounted for by a later
	 * purge: null when it is not, else whether that purge is a legacy one.
	 */
	@Nullable Boolean accountedFor(long seq, byte[] hash) {
		Accounted purge = this.bySeq.get(seq);
		if (purge == null || purge.purgeSeq() <= seq || !MessageDigest.isEqual(purge.hash(), hash)) {
			return null;
		}
		return purge.legacy();
	}

}
