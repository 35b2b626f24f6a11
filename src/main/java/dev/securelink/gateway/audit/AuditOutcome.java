package dev.securelink.gateway.audit;

/** How the recorded action ended, as far as the gateway knows when it records it. */
public enum AuditOutcome {

	/** Done. */
	OK("ok"),

	/**
	 * Handed to the upstream, which decides (a sign or pay request is recorded before it
	 * is forwarded).
	 */
	REQUESTED("requested"),

	/**
	 * Not forwarded: the same submission of the same submitter was answered, and that
	 * answer was given again.
	 */
	REPLAYED("replayed"),

	/**
	 * Not forwarded: the same submission is under way (409), or its key came with another
	 * request (422).
	 */
	REFUSED("refused");

	private final String id;

	AuditOutcome(String id) {
		this.id = id;
	}

	public String id() {
		return this.id;
	}

}
