package dev.securelink.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditCheckpoints;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditSubscriber;

/**
 * The bodies of webhook deliveries, in the Standard Webhooks shape: {@code {"type",
 * "timestamp", "data"}}. The data holds ids, times, outcomes and the audit event's id,
 * place and hash, and the event's {@link AuditDetail} record (its members, as the
 * catalogue documents them): never an e-mail address, a code, a cookie, an IP address
 * (not even hashed) or who acted.
 */
@Component
class WebhookPayloads {

	/** The largest body a delivery carries. */
	static final int MAX_BODY_BYTES = 20 * 1024;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JsonMapper json;

	WebhookPayloads(JsonMapper json) {
		this.json = json;
	}

	/** A new message id ({@code webhook-id}): the same for every attempt of one event. */
	static String newMessageId() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** A delivery's body. */
	@JsonPropertyOrder({ "type", "timestamp", "data" })
	record Body(String type, String timestamp, Object data) {
	}

	/**
	 * What an audit event's delivery says; its detail's members follow the audit event's.
	 *
	 * @param truncated present (true) when a long detail was left out
	 */
	@JsonPropertyOrder({ "tenantId", "linkId", "occurredAt", "outcome", "auditEvent" })
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record EventData(String tenantId, @Nullable String linkId, String occurredAt, String outcome,
			AuditEventRef auditEvent, @JsonUnwrapped @Nullable AuditDetail detail, @Nullable Boolean truncated) {
	}

	/** The audit event reported: its id in the events API, place and hash (base64). */
	@JsonPropertyOrder({ "id", "seq", "hash" })
	record AuditEventRef(long id, long seq, String hash) {
	}

	/** What {@code audit.checkpoint} says. */
	@JsonPropertyOrder({ "tenantId", "seq", "count", "hash", "createdAt", "jws" })
	record CheckpointData(String tenantId, long seq, long count, String hash, String createdAt, String jws) {
	}

	/** What {@code webhook.test} says. */
	@JsonPropertyOrder({ "tenantId", "endpointId", "occurredAt" })
	record TestData(String tenantId, String endpointId, String occurredAt) {
	}

	/** The body that reports {@code sealed} as {@code type}. */
	String event(String type, AuditSubscriber.SealedEvent sealed) {
		AccessEvent event = sealed.event();
		AuditEventRef audit = new AuditEventRef(sealed.id(), sealed.seq(),
				Base64.getEncoder().encodeToString(sealed.hash()));
		String occurredAt = event.occurredAt().toString();
		String written = write(type, event.occurredAt(), new EventData(event.tenantId(), event.linkId(), occurredAt,
				event.outcome(), audit, event.details(), null));
		if (written.length() > MAX_BODY_BYTES / 4 && written.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
			// Only a detail can be long (a support path); the ids and the event's hash
			// are what a receiver needs to fetch the rest from the events API.
			written = write(type, event.occurredAt(),
					new EventData(event.tenantId(), event.linkId(), occurredAt, event.outcome(), audit, null, true));
		}
		return written;
	}

	/** The body of {@code audit.checkpoint}. */
	String checkpoint(AuditCheckpoints.Checkpoint checkpoint) {
		return write("audit.checkpoint", checkpoint.createdAt(),
				new CheckpointData(checkpoint.tenantId(), checkpoint.seq(), checkpoint.seq(),
						Base64.getEncoder().encodeToString(checkpoint.hash()), checkpoint.createdAt().toString(),
						checkpoint.jws()));
	}

	/** The body of {@code webhook.test}. */
	String test(String tenantId, String endpointId, Instant now) {
		return write("webhook.test", now, new TestData(tenantId, endpointId, now.toString()));
	}

	private String write(String type, Instant timestamp, Object data) {
		return this.json.writeValueAsString(new Body(type, timestamp.toString(), data));
	}

}
