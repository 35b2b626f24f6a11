package dev.securelink.gateway.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/**
 * What else an audit event records, one record per event type that has details. Each is
 * written once, as JSON in the fixed property order its {@link JsonPropertyOrder} names,
 * by a mapper of its own ({@link AuditJson}) that no application setting changes: the
 * stored bytes are what the chain hashes, so the same values always give the same bytes.
 * Readers (the evidence export, webhook payloads and their catalogue) read the records
 * back with {@link #read}.
 */
public sealed interface AuditDetail {

	/** The detail as stored. */
	default String json() {
		return AuditJson.MAPPER.writeValueAsString(this);
	}

	/**
	 * The stored detail of an event of {@code type} as its record; null when the type has
	 * none, or the text is not one (a row altered in the database still reads, and fails
	 * verification instead).
	 */
	static @Nullable AuditDetail read(String type, @Nullable String json) {
		Class<? extends AuditDetail> kind = typeOf(type);
		if (json == null || kind == null) {
			return null;
		}
		try {
			return AuditJson.MAPPER.readValue(json, kind);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/** The record that details events of {@code type}, or null when they have none. */
	static @Nullable Class<? extends AuditDetail> typeOf(String type) {
		return switch (type) {
			case "failed" -> Failed.class;
			case "verified" -> Verified.class;
			case "code_requested" -> CodeRequested.class;
			case "device_remembered" -> DeviceRemembered.class;
			case "devices_forgotten" -> DevicesForgotten.class;
			case "locked" -> Locked.class;
			case "renewal_requested" -> RenewalRequested.class;
			case "sign_answered", "pay_answered" -> Answered.class;
			case "signed", "paid" -> NotForwarded.class;
			case "expired" -> Expired.class;
			case "purged" -> Purged.class;
			case "expiry_changed" -> ExpiryChanged.class;
			case "completed" -> Completed.class;
			case "settings_changed" -> SettingsChanged.class;
			case "support_read" -> SupportRead.class;
			case "link_host_added", "link_host_removed" -> LinkHost.class;
			case "recipient_added" -> RecipientAdded.class;
			case "recipient_removed" -> RecipientRemoved.class;
			case "misdirected" -> Misdirected.class;
			case "opened", "sign_viewed", "pay_viewed" -> Delegated.class;
			default -> null;
		};
	}

	/**
	 * How a visitor was verified, when more than the address was: {@code code}, an e-mail
	 * code sent to it (the mailbox was proven). An address alone records no detail, but
	 * for a recipient someone shared the document with ({@code address}, with their index
	 * and who shared).
	 */
	@JsonPropertyOrder({ "method", "rememberedOn", "rememberedAfter", "recipient", "delegatedBy" })
	record Verified(String method, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String rememberedOn,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String rememberedAfter,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer recipient,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer delegatedBy) implements AuditDetail {

		/** Verified by an e-mail code. */
		public static final Verified CODE = new Verified("code", null, null);

		/** The method {@code address}: how a colleague's address alone is recorded. */
		public static final Verified ADDRESS = new Verified("address", null, null);

		/** A recipient the creating request named (no index recorded, as before). */
		public Verified(String method, @Nullable String rememberedOn, @Nullable String rememberedAfter) {
			this(method, rememberedOn, rememberedAfter, null, null);
		}

		/**
		 * The same verification by a recipient someone shared the document with: their
		 * index, and the index of who shared it.
		 */
		public Verified onBehalf(int recipient, int delegatedBy) {
			return new Verified(this.method, this.rememberedOn, this.rememberedAfter, recipient, delegatedBy);
		}

		/**
		 * A browser remembered for the recipient, no address typed: on which link it was
		 * remembered, and after which check ({@code address} or {@code code}).
		 */
		public static Verified device(String rememberedOn, String rememberedAfter) {
			return new Verified("device", rememberedOn, rememberedAfter);
		}

	}

	/**
	 * A recipient's browser remembered: the recipient's index, for how many days, and
	 * after which check ({@code address} or {@code code}).
	 */
	@JsonPropertyOrder({ "recipient", "days", "after" })
	record DeviceRemembered(int recipient, int days, String after) implements AuditDetail {
	}

	/**
	 * The browsers remembered for an address, forgotten: how many (never the address).
	 */
	@JsonPropertyOrder({ "forgotten" })
	record DevicesForgotten(long forgotten) implements AuditDetail {
	}

	/**
	 * An e-mail code asked for: the recipient's index when the typed address was one (a
	 * mail was written), null when it was not; never the address.
	 */
	@JsonPropertyOrder({ "recipient" })
	record CodeRequested(@Nullable Integer recipient) implements AuditDetail {
	}

	/**
	 * A wrong address that set no lock: the client's failures in the window with this
	 * one, and the threshold that locks.
	 */
	@JsonPropertyOrder({ "failures", "threshold" })
	record Failed(int failures, int threshold) implements AuditDetail {
	}

	/**
	 * A wrong address that locked the link's check: the same, the lock's end (to the
	 * second), and whether it holds for this client ({@code client}) or for everyone
	 * ({@code everyone}).
	 */
	@JsonPropertyOrder({ "failures", "threshold", "lockedUntil", "scope" })
	record Locked(int failures, int threshold, Instant lockedUntil, String scope) implements AuditDetail {

		public Locked {
			lockedUntil = lockedUntil.truncatedTo(ChronoUnit.SECONDS);
		}

	}

	/**
	 * A recipient asked for a new link: their index in the creating request, never the
	 * address.
	 */
	@JsonPropertyOrder({ "recipient" })
	record RenewalRequested(int recipient) implements AuditDetail {
	}

	/**
	 * How a sign or pay submission was answered: the status, who answered it
	 * ({@code upstream}, or {@code gateway} with one of its pages), and the SHA-256 of
	 * the submitted body (hex).
	 */
	@JsonPropertyOrder({ "status", "answeredBy", "bodySha256", "recipient", "delegatedBy" })
	record Answered(int status, String answeredBy, String bodySha256,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer recipient,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer delegatedBy) implements AuditDetail {

		/** An answer to a recipient the creating request named. */
		public Answered(int status, String answeredBy, String bodySha256) {
			this(status, answeredBy, bodySha256, null, null);
		}

		/** The same answer to a recipient someone shared the document with. */
		public Answered onBehalf(@Nullable Delegated delegation) {
			return (delegation != null) ? new Answered(this.status, this.answeredBy, this.bodySha256,
					delegation.recipient(), delegation.delegatedBy()) : this;
		}

	}

	/**
	 * A sign or pay submission that was not forwarded: given the stored answer of the
	 * same submission again (outcome {@code replayed}), or refused because the same key
	 * is under way or came with another request (outcome {@code refused}); the status it
	 * was answered with and the SHA-256 of its body (hex).
	 */
	@JsonPropertyOrder({ "status", "bodySha256", "recipient", "delegatedBy" })
	record NotForwarded(@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer status,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String bodySha256,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer recipient,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer delegatedBy) implements AuditDetail {

		/** A submission not forwarded, of a recipient the creating request named. */
		public NotForwarded(int status, String bodySha256) {
			this(status, bodySha256, null, null);
		}

		/**
		 * The same for a recipient someone shared the document with; a submission that
		 * was forwarded ({@code requested}) of such a recipient holds only the two
		 * indexes.
		 */
		public NotForwarded onBehalf(@Nullable Delegated delegation) {
			return (delegation != null)
					? new NotForwarded(this.status, this.bodySha256, delegation.recipient(), delegation.delegatedBy())
					: this;
		}

	}

	/**
	 * What a recipient someone shared the document with did in a session (opened, a sign
	 * or pay page read, a submission): their index and the index of who shared it, so the
	 * evidence says "B, on behalf of A".
	 */
	@JsonPropertyOrder({ "recipient", "delegatedBy" })
	record Delegated(int recipient, int delegatedBy) implements AuditDetail {
	}

	/**
	 * A link gained a recipient: the new index, who shared it ({@code addedBy}, the
	 * sharer's index; null for a person of an allowed domain, {@code via}
	 * {@code domain}), the rights given and how many shares away from a named recipient
	 * they are. Never an address or its hash.
	 */
	@JsonPropertyOrder({ "recipient", "addedBy", "rights", "depth", "via" })
	record RecipientAdded(int recipient, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer addedBy,
			List<String> rights, int depth, String via) implements AuditDetail {

		public RecipientAdded {
			rights = List.copyOf(rights);
		}

	}

	/**
	 * "This was not meant for me": the recipient who said so, everyone removed with them
	 * (themselves and anyone they had added), and whether the link was revoked because no
	 * one else could open it.
	 */
	@JsonPropertyOrder({ "recipient", "removed", "linkRevoked" })
	record Misdirected(int recipient, List<Integer> removed, boolean linkRevoked) implements AuditDetail {

		public Misdirected {
			removed = removed.stream().sorted().toList();
		}

	}

	/**
	 * Recipients removed from a link: the one named ({@code recipient}), and with them
	 * everyone they had added, in turn ({@code removed}, all of them, in index order);
	 * {@code by} is the index of the recipient who withdrew their share, null when the
	 * admin API removed them.
	 */
	@JsonPropertyOrder({ "recipient", "removed", "by" })
	record RecipientRemoved(int recipient, List<Integer> removed,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer by) implements AuditDetail {

		public RecipientRemoved {
			removed = removed.stream().sorted().toList();
		}

	}

	/**
	 * Retention purged events: the link they belonged to (null for the tombstones left
	 * before purges recorded their link), the place and hash of each event removed, and
	 * the gateway's signature over them ({@link PurgeSignatures}; null for the one purge
	 * that accounted for the tombstones left before purges were signed), so that
	 * verification accepts a tombstone only where a purge the gateway made accounts for
	 * it.
	 */
	@JsonPropertyOrder({ "linkId", "removed", "signature" })
	record Purged(@Nullable String linkId, List<Removed> removed, @Nullable String signature) implements AuditDetail {
	}

	/** An event a purge removed: its place in the chain and its hash (base64). */
	@JsonPropertyOrder({ "seq", "hash" })
	record Removed(long seq, String hash) {
	}

	/** A link reached its expiry (to the second). */
	@JsonPropertyOrder({ "expiresAt" })
	record Expired(Instant expiresAt) implements AuditDetail {

		public Expired {
			expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
		}

	}

	/** The admin API moved a link's expiry. */
	@JsonPropertyOrder({ "before", "after" })
	record ExpiryChanged(Instant before, Instant after) implements AuditDetail {
	}

	/** Actions marked done, by id in alphabetical order. */
	@JsonPropertyOrder({ "completed" })
	record Completed(List<String> completed) implements AuditDetail {

		public Completed {
			completed = completed.stream().sorted().toList();
		}

	}

	/** A link host the tenant was given or lost. */
	@JsonPropertyOrder({ "host" })
	record LinkHost(String host) implements AuditDetail {
	}

	/** The tenant's GDPR settings before and after a change. */
	@JsonPropertyOrder({ "before", "after" })
	record SettingsChanged(Settings before, Settings after) implements AuditDetail {
	}

	/**
	 * The tenant settings a change records; a value an older event did not record reads
	 * as null.
	 */
	@JsonPropertyOrder({ "emailVerification", "supportAccess", "supportAccessUntil", "selfServiceRenewal",
			"renewalForRevoked", "displayName", "showSenderOnPrompt", "linksOnGatewayHost", "verification",
			"rememberDeviceDays", "codeBeforeActions", "recipientSharing" })
	record Settings(@Nullable Boolean emailVerification, @Nullable Boolean supportAccess,
			@Nullable Instant supportAccessUntil, @Nullable Boolean selfServiceRenewal,
			@Nullable Boolean renewalForRevoked, @Nullable String displayName, @Nullable Boolean showSenderOnPrompt,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean linksOnGatewayHost,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String verification,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer rememberDeviceDays,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Boolean codeBeforeActions,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String recipientSharing) {

		/** Settings as events before the verification mode recorded them. */
		public Settings(@Nullable Boolean emailVerification, @Nullable Boolean supportAccess,
				@Nullable Instant supportAccessUntil, @Nullable Boolean selfServiceRenewal,
				@Nullable Boolean renewalForRevoked, @Nullable String displayName, @Nullable Boolean showSenderOnPrompt,
				@Nullable Boolean linksOnGatewayHost) {
			this(emailVerification, supportAccess, supportAccessUntil, selfServiceRenewal, renewalForRevoked,
					displayName, showSenderOnPrompt, linksOnGatewayHost, null, null, null, null);
		}

		/** Settings as events before link hosts recorded them. */
		public Settings(@Nullable Boolean emailVerification, @Nullable Boolean supportAccess,
				@Nullable Instant supportAccessUntil, @Nullable Boolean selfServiceRenewal,
				@Nullable Boolean renewalForRevoked, @Nullable String displayName,
				@Nullable Boolean showSenderOnPrompt) {
			this(emailVerification, supportAccess, supportAccessUntil, selfServiceRenewal, renewalForRevoked,
					displayName, showSenderOnPrompt, null, null, null, null, null);
		}

	}

	/** Support staff read the tenant's data: the method and path of the call. */
	@JsonPropertyOrder({ "method", "path" })
	record SupportRead(String method, String path) implements AuditDetail {
	}

}
