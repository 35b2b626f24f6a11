package dev.securelink.gateway.audit;

/**
 * What an audit event records; {@link #id()} is what is stored, hashed and shown by the
 * events API.
 */
public enum AuditType {

	/** The admin API created a link. */
	CREATED("created"),

	/**
	 * A link was revoked: by the admin API, or by its last recipient
	 * ({@link #MISDIRECTED}).
	 */
	REVOKED("revoked"),

	/**
	 * The invoicing application marked actions of a link done (paid, signed); the detail
	 * names them.
	 */
	COMPLETED("completed"),

	/** The admin API moved a link's expiry (the detail holds it before and after). */
	EXPIRY_CHANGED("expiry_changed"),

	/** A session's first document request (written once per session). */
	OPENED("opened"),

	/**
	 * A typed address matched one of the link's recipients; with the detail
	 * {@code {"method":"code"}}, a code mailed to it was typed too (the mailbox was
	 * proven); with {@code {"method":"device"}}, no address was typed: the browser was
	 * remembered for the recipient ({@link #DEVICE_REMEMBERED}).
	 */
	VERIFIED("verified"),

	/**
	 * In the code mode, a visitor asked for an e-mail code: the detail holds the
	 * recipient's index when the address was one (and a mail was written), none when it
	 * was not (no mail).
	 */
	CODE_REQUESTED("code_requested"),

	/**
	 * A verified recipient's browser was remembered for the tenant (the detail holds the
	 * recipient's index and for how many days).
	 */
	DEVICE_REMEMBERED("device_remembered"),

	/**
	 * The admin API forgot every browser remembered for an address (the detail holds how
	 * many; never the address).
	 */
	DEVICES_FORGOTTEN("devices_forgotten"),

	/** A typed address matched none of them. */
	FAILED("failed"),

	/** A wrong address that locked the link's e-mail check. */
	LOCKED("locked"),

	/**
	 * A recipient stuck on an expired or locked link asked for a new one (the detail
	 * holds the recipient's index in the creating request); at most one per link and
	 * recipient a day.
	 */
	RENEWAL_REQUESTED("renewal_requested"),

	/** The admin API lifted the locks of the link's e-mail check. */
	UNLOCKED("unlocked"),

	/** The sign page was shown (a GET under the sign path). */
	SIGN_VIEWED("sign_viewed"),

	/** The pay page was shown (a GET under the pay path). */
	PAY_VIEWED("pay_viewed"),

	/**
	 * A signature was submitted: {@code requested} before it is forwarded, or
	 * {@code replayed} (the detail holds the stored status) when the same submission of
	 * the same submitter was answered before and that answer was given again.
	 */
	SIGNED("signed"),

	/** The same for a payment. */
	PAID("paid"),

	/**
	 * The upstream (or the gateway, when it could not reach it) answered a submitted
	 * signature; the detail holds the status.
	 */
	SIGN_ANSWERED("sign_answered"),

	/** The same for a submitted payment. */
	PAY_ANSWERED("pay_answered"),

	/** The link reached its expiry (recorded within a minute of it). */
	EXPIRED("expired"),

	/**
	 * Retention removed a link's sealed events, leaving tombstones: the detail names the
	 * link and the place and hash of each, and verification accepts a tombstone only
	 * where a later purge event accounts for it. Sealed in the purge's own transaction.
	 */
	PURGED("purged"),

	/** The tenant's GDPR settings changed (the detail holds before and after). */
	SETTINGS_CHANGED("settings_changed"),

	/** Support staff read the tenant's data (the detail holds the method and path). */
	SUPPORT_READ("support_read"),

	/** The admin API gave the tenant a link host of its own (the detail names it). */
	LINK_HOST_ADDED("link_host_added"),

	/** The admin API took one of the tenant's link hosts away (the detail names it). */
	LINK_HOST_REMOVED("link_host_removed"),

	/**
	 * A link gained a recipient: a verified recipient shared it with a colleague, or a
	 * person of an allowed domain proved their mailbox (the detail holds the new index,
	 * who shared, the rights and the depth; never an address or its hash).
	 */
	RECIPIENT_ADDED("recipient_added"),

	/**
	 * Recipients added to a link were removed (the detail holds the one named and
	 * everyone they had added in turn): by the admin API (the actor) or by the recipient
	 * who had shared (the detail's {@code by}).
	 */
	RECIPIENT_REMOVED("recipient_removed"),

	/**
	 * A verified recipient said the document was not meant for them: they were revoked
	 * (with anyone they had added), and the link too when no one else could open it (the
	 * detail holds the index, everyone removed and whether the link was revoked).
	 */
	MISDIRECTED("misdirected");

	private final String id;

	AuditType(String id) {
		this.id = id;
	}

	public String id() {
		return this.id;
	}

}
