package dev.securelink.gateway.link;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.tenant.Sharing;

/**
 * A stored link. It holds no secret in clear: the code exists only as its hash (not even
 * loaded here), the recipients only as HMACs.
 *
 * @param completed the actions the invoicing application marked done (paid, signed):
 * their pages say so and their submissions are never forwarded
 * @param signOnce whether a signature the upstream accepted completes the link's
 * signature
 * @param sharing what its recipients may pass on, when stricter than the company's cap;
 * null: the company's
 * @param allowDomains the registrable domains whose mailboxes may verify (code mode
 * only), lower-case; empty for none
 * @param added the recipients it gained since its creation and still has, by index
 * @param barredMacs the keyed address hashes of the people the company removed from it,
 * concatenated: neither a share nor an allowed domain brings them back
 * @param revokedNamed the recipients it was created for who said it was not meant for
 * them
 */
public record Link(String id, String tenantId, String document, Set<Right> rights, byte[] recipientMacs,
		@Nullable String locale, Instant createdAt, Instant expiresAt, @Nullable Instant revokedAt, int sessionEpoch,
		Set<Right> completed, boolean signOnce, @Nullable Sharing sharing, List<String> allowDomains,
		List<AddedRecipient> added, byte[] barredMacs, List<Integer> revokedNamed) {

	/** A link as created: no sharing setting of its own, no domain, no one added. */
	public Link(String id, String tenantId, String document, Set<Right> rights, byte[] recipientMacs,
			@Nullable String locale, Instant createdAt, Instant expiresAt, @Nullable Instant revokedAt,
			int sessionEpoch, Set<Right> completed, boolean signOnce) {
		this(id, tenantId, document, rights, recipientMacs, locale, createdAt, expiresAt, revokedAt, sessionEpoch,
				completed, signOnce, null, List.of(), List.of(), new byte[0], List.of());
	}

	/** This link with the recipients it gained or revoked since its creation. */
	Link withRecipients(List<AddedRecipient> added, byte[] barredMacs, List<Integer> revokedNamed) {
		return new Link(this.id, this.tenantId, this.document, this.rights, this.recipientMacs, this.locale,
				this.createdAt, this.expiresAt, this.revokedAt, this.sessionEpoch, this.completed, this.signOnce,
				this.sharing, this.allowDomains, added, barredMacs, revokedNamed);
	}

	/** How many recipients the creating request named (indexes 0 to this, exclusive). */
	public int namedRecipients() {
		return this.recipientMacs.length / RecipientMacs.MAC_BYTES;
	}

	/**
	 * The recipient at {@code index}: one the creating request named (the link's rights,
	 * no one delegated), one added since and not removed, or null (none, or removed).
	 */
	public @Nullable Recipient recipient(int index) {
		if (index >= 0 && index < namedRecipients()) {
			return new Recipient(index, this.rights, -1, 0);
		}
		for (AddedRecipient person : this.added) {
			if (person.index() == index) {
				return person.recipient();
			}
		}
		return null;
	}

	/**
	 * Whether the recipient at {@code index} may open the link now with {@code rights}:
	 * one it was created for until they say it was not meant for them (and -1, no one:
	 * verification off); one added since only while on it, within what they were given; a
	 * person of an allowed domain only with the mailbox proven (an address typed proves
	 * nothing about who holds it); a colleague only within the sharing {@code cap} as it
	 * is now.
	 */
	public boolean admits(int index, Set<Right> rights, boolean mailboxProven, Sharing cap) {
		if (index < namedRecipients()) {
			return !this.revokedNamed.contains(index);
		}
		Recipient who = recipient(index);
		if (who == null || !who.rights().containsAll(rights)) {
			return false;
		}
		if (!who.delegated()) {
			return mailboxProven;
		}
		return cap != Sharing.OFF && rights.stream().allMatch((right) -> cap.allows(right.id()));
	}

	/**
	 * {@link #indexOfMac}, for a check that proved the mailbox ({@code mailboxProven}) or
	 * not: -1 for a recipient {@link #admits} would not let in with their rights.
	 */
	public int admittedIndexOf(byte[] mac, boolean mailboxProven, Sharing cap) {
		int index = indexOfMac(mac);
		Recipient who = (index >= 0) ? recipient(index) : null;
		return (who != null && admits(index, who.rights(), mailboxProven, cap)) ? index : -1;
	}

	/** Whether the company removed the person whose keyed address hash is {@code mac}. */
	public boolean barred(byte[] mac) {
		return RecipientMacs.indexOfMac(this.barredMacs, mac) >= 0;
	}

	/**
	 * The index of the recipient whose keyed address hash is {@code mac}, named or added,
	 * or -1; every stored hash is compared, in constant time, so the time taken does not
	 * tell which one matched.
	 */
	public int indexOfMac(byte[] mac) {
		int found = RecipientMacs.indexOfMac(this.recipientMacs, mac);
		for (AddedRecipient person : this.added) {
			boolean equal = MessageDigest.isEqual(person.mac(), mac);
			found = (equal && found < 0) ? person.index() : found;
		}
		return found;
	}

	/** What a link is at an instant; only {@code ACTIVE} opens anything. */
	public enum Status {

		/** Opens the document. */
		ACTIVE,

		/** Past its expiry. */
		EXPIRED,

		/** Revoked by the admin API. */
		REVOKED

	}

	public Status status(Instant now) {
		if (this.revokedAt != null) {
			return Status.REVOKED;
		}
		return now.isBefore(this.expiresAt) ? Status.ACTIVE : Status.EXPIRED;
	}

}
