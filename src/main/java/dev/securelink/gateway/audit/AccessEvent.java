package dev.securelink.gateway.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

/**
 * One line of the audit trail. Never a code, a cookie, a token or an e-mail address; the
 * client only as a keyed hash. Made by the named factories below, one per kind of actor;
 * the record holds what is stored (and hashed) exactly, so that a row altered in the
 * database still reads, and fails verification instead of the read.
 *
 * @param type an {@link AuditType#id()}
 * @param outcome an {@link AuditOutcome#id()}
 * @param actor who acted: the admin token's subject, or null for a link's visitor
 * @param client the visitor's keyed client hash ({@link AuditLog#clientHash}), or null
 * for the admin API
 * @param sessionId the document session, for events of a session ({@code opened} is
 * written once per session)
 * @param detail what else matters (old and new settings, the path support staff read), as
 * its {@link AuditDetail} wrote it, or null
 */
public record AccessEvent(String tenantId, @Nullable String linkId, String type, String outcome, @Nullable String actor,
		@Nullable String client, Instant occurredAt, @Nullable String sessionId, @Nullable String detail) {

	public AccessEvent {
		// PostgreSQL keeps microseconds: the hashed form must be exactly what is stored.
		occurredAt = occurredAt.truncatedTo(ChronoUnit.MICROS);
	}

	/**
	 * The admin API acted on a link ({@link AuditType#CREATED},
	 * {@link AuditType#REVOKED}).
	 */
	public static AccessEvent ofAdmin(AuditType type, String tenantId, String linkId, String actor, Instant at) {
		return new AccessEvent(tenantId, linkId, type.id(), AuditOutcome.OK.id(), actor, null, at, null, null);
	}

	/**
	 * The admin API moved a link's expiry; {@code detail} holds it before and after.
	 */
	public static AccessEvent expiryChanged(String tenantId, String linkId, String actor, Instant at,
			AuditDetail.ExpiryChanged detail) {
		return new AccessEvent(tenantId, linkId, AuditType.EXPIRY_CHANGED.id(), AuditOutcome.OK.id(), actor, null, at,
				null, detail.json());
	}

	/**
	 * The invoicing application marked actions of a link done; {@code detail} names them.
	 */
	public static AccessEvent completed(String tenantId, String linkId, @Nullable String actor, Instant at,
			AuditDetail.Completed detail) {
		return new AccessEvent(tenantId, linkId, AuditType.COMPLETED.id(), AuditOutcome.OK.id(), actor, null, at, null,
				detail.json());
	}

	/**
	 * An admin caller changed the tenant's settings; {@code detail} holds them before and
	 * after.
	 */
	public static AccessEvent settingsChanged(String tenantId, String actor, Instant at,
			AuditDetail.SettingsChanged detail) {
		return new AccessEvent(tenantId, null, AuditType.SETTINGS_CHANGED.id(), AuditOutcome.OK.id(), actor, null, at,
				null, detail.json());
	}

	/**
	 * An admin caller gave the tenant a link host ({@code added}) or took one away;
	 * {@code detail} names it.
	 */
	public static AccessEvent linkHost(String tenantId, String actor, Instant at, boolean added,
			AuditDetail.LinkHost detail) {
		return new AccessEvent(tenantId, null, (added ? AuditType.LINK_HOST_ADDED : AuditType.LINK_HOST_REMOVED).id(),
				AuditOutcome.OK.id(), actor, null, at, null, detail.json());
	}

	/**
	 * An admin caller forgot the browsers remembered for an address; {@code detail} holds
	 * how many (never the address).
	 */
	public static AccessEvent devicesForgotten(String tenantId, String actor, Instant at,
			AuditDetail.DevicesForgotten detail) {
		return new AccessEvent(tenantId, null, AuditType.DEVICES_FORGOTTEN.id(), AuditOutcome.OK.id(), actor, null, at,
				null, detail.json());
	}

	/** Support staff read the tenant's data; {@code detail} names the method and path. */
	public static AccessEvent supportRead(String tenantId, String actor, Instant at, AuditDetail.SupportRead detail) {
		return new AccessEvent(tenantId, null, AuditType.SUPPORT_READ.id(), AuditOutcome.OK.id(), actor, null, at, null,
				detail.json());
	}

	/**
	 * A visitor's e-mail check on a link ({@link AuditType#VERIFIED},
	 * {@link AuditType#FAILED}, ...); a wrong address's {@code detail} holds the failures
	 * in the window, the threshold and the lock it set.
	 */
	public static AccessEvent ofVerification(AuditType type, String tenantId, String linkId, String client, Instant at,
			@Nullable AuditDetail detail) {
		return new AccessEvent(tenantId, linkId, type.id(), AuditOutcome.OK.id(), null, client, at, null,
				(detail != null) ? detail.json() : null);
	}

	/**
	 * What a visitor did in a document session (opened, viewed or submitted a sign or pay
	 * page, and how a submission was answered, in {@code detail}).
	 */
	public static AccessEvent ofSession(AuditType type, AuditOutcome outcome, String tenantId, String linkId,
			String client, Instant at, String sessionId, @Nullable AuditDetail detail) {
		return new AccessEvent(tenantId, linkId, type.id(), outcome.id(), null, client, at, sessionId,
				(detail != null) ? detail.json() : null);
	}

	/**
	 * A link reached its expiry (the system acted: no actor, no client).
	 */
	public static AccessEvent expired(String tenantId, String linkId, Instant expiresAt) {
		return new AccessEvent(tenantId, linkId, AuditType.EXPIRED.id(), AuditOutcome.OK.id(), null, null, expiresAt,
				null, new AuditDetail.Expired(expiresAt).json());
	}

	/** Retention purged events of the tenant; {@code detail} names them. */
	public static AccessEvent purged(String tenantId, Instant at, AuditDetail.Purged detail) {
		return new AccessEvent(tenantId, null, AuditType.PURGED.id(), AuditOutcome.OK.id(), null, null, at, null,
				detail.json());
	}

	/**
	 * A link gained or lost recipients ({@link AuditType#RECIPIENT_ADDED},
	 * {@link AuditType#RECIPIENT_REMOVED}): by the admin API ({@code actor}) or by a
	 * visitor (their keyed {@code client} hash).
	 */
	public static AccessEvent recipients(AuditType type, String tenantId, String linkId, @Nullable String actor,
			@Nullable String client, Instant at, AuditDetail detail) {
		return new AccessEvent(tenantId, linkId, type.id(), AuditOutcome.OK.id(), actor, client, at, null,
				detail.json());
	}

	/**
	 * A link revoked because its last recipient said it was not meant for them: no actor,
	 * the visitor's keyed {@code client} hash.
	 */
	public static AccessEvent revokedByRecipient(String tenantId, String linkId, String client, Instant at) {
		return new AccessEvent(tenantId, linkId, AuditType.REVOKED.id(), AuditOutcome.OK.id(), null, client, at, null,
				null);
	}

	/** The stored detail read back as its record, or null. */
	public @Nullable AuditDetail details() {
		return AuditDetail.read(this.type, this.detail);
	}

	/**
	 * The form the chain hashes: every field, in order, separated by U+001F; absent
	 * fields empty.
	 */
	public String canonical() {
		long micros = ChronoUnit.MICROS.between(Instant.EPOCH, this.occurredAt);
		return String.join("\u001f", this.tenantId, orEmpty(this.linkId), this.type, this.outcome, orEmpty(this.actor),
				orEmpty(this.client), Long.toString(micros), orEmpty(this.sessionId), orEmpty(this.detail));
	}

	private static String orEmpty(@Nullable String value) {
		return (value != null) ? value : "";
	}

}
