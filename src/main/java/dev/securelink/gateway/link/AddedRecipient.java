package dev.securelink.gateway.link;

import java.time.Instant;
import java.util.Set;

/**
 * A recipient a link gained after its creation, and still has: someone a recipient shared
 * it with, or a person of an allowed domain who proved their mailbox.
 *
 * @param mac the keyed hash of their address ({@link RecipientMacs#mac}); the address
 * itself is stored nowhere
 * @param addedBy the index of the recipient who shared it, or -1 for an allowed domain
 */
public record AddedRecipient(int index, byte[] mac, int addedBy, Set<Right> rights, int depth, Instant addedAt) {

	/** This person as a session knows them. */
	public Recipient recipient() {
		return new Recipient(this.index, this.rights, this.addedBy, this.depth);
	}

}
