package dev.securelink.gateway.webhook;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditCheckpoints;
import dev.securelink.gateway.audit.AuditSubscriber;

/**
 * The bodies of webhook deliveries, in the Standard Webhooks shape: {@code {"type",
 * "timestamp", "data"}}. The data holds ids, times, outcomes and the audit event's id,
 * place and hash, and of the event's detail only the members its type documents (taken by
 * name, never copied whole): never an e-mail address, a code, a cookie, an IP address
 * (not even hashed) or who acted.
 */
@Component
class WebhookPayloads {

	/** The largest body a delivery carries. */
	static final int MAX_BODY_BYTES = 20 * 1024;

	private static final SecureRandom RANDOM = new SecureRandom();

	/** The detail members each type's data carries, as the OpenAPI document describes. */
	static final Map<String, List<String>> DETAIL_MEMBERS = Map.of("link.verification_failed",
			List.of("failures", "threshold"), "link.locked", List.of("failures", "threshold", "lockedUntil", "scope"),
			"sign.submitted", List.of("status", "answeredBy", "bodySha256"), "pay.submitted",
			List.of("status", "answeredBy", "bodySha256"), "link.expired", List.of("expiresAt"), "link.completed",
			List.of("completed"), "link.renewal_requested", List.of("recipient"), "tenant.settings_changed",
			List.of("before", "after"), "support.accessed", List.of("method", "path"));

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

	/** The body that reports {@code sealed} as {@code type}. */
	String event(String type, AuditSubscriber.SealedEvent sealed) {
		AccessEvent event = sealed.event();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("tenantId", event.tenantId());
		if (event.linkId() != null) {
			data.put("linkId", event.linkId());
		}
		data.put("occurredAt", event.occurredAt().toString());
		data.put("outcome", event.outcome());
		Map<String, Object> audit = new LinkedHashMap<>();
		audit.put("id", sealed.id());
		audit.put("seq", sealed.seq());
		audit.put("hash", Base64.getEncoder().encodeToString(sealed.hash()));
		data.put("auditEvent", audit);
		JsonNode detail = detail(event.detail());
		for (String member : DETAIL_MEMBERS.getOrDefault(type, List.of())) {
			if (detail != null && detail.has(member)) {
				data.put(member, detail.get(member));
			}
		}
		return body(type, event.occurredAt(), data);
	}

	/** The body of {@code audit.checkpoint}. */
	String checkpoint(AuditCheckpoints.Checkpoint checkpoint) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("tenantId", checkpoint.tenantId());
		data.put("seq", checkpoint.seq());
		data.put("count", checkpoint.seq());
		data.put("hash", Base64.getEncoder().encodeToString(checkpoint.hash()));
		data.put("createdAt", checkpoint.createdAt().toString());
		data.put("jws", checkpoint.jws());
		return body("audit.checkpoint", checkpoint.createdAt(), data);
	}

	/** The body of {@code webhook.test}. */
	String test(String tenantId, String endpointId, Instant now) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("tenantId", tenantId);
		data.put("endpointId", endpointId);
		data.put("occurredAt", now.toString());
		return body("webhook.test", now, data);
	}

	private String body(String type, Instant timestamp, Map<String, Object> data) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", type);
		body.put("timestamp", timestamp.toString());
		body.put("data", data);
		String written = this.json.writeValueAsString(body);
		if (written.length() > MAX_BODY_BYTES / 4 && utf8Length(written) > MAX_BODY_BYTES) {
			// Only a detail can be long (a support path); the ids and the event's hash
			// are what a receiver needs to fetch the rest from the events API.
			data.keySet().retainAll(List.of("tenantId", "linkId", "occurredAt", "outcome", "auditEvent"));
			data.put("truncated", true);
			written = this.json.writeValueAsString(body);
		}
		return written;
	}

	private @Nullable JsonNode detail(@Nullable String detail) {
		if (detail == null) {
			return null;
		}
		try {
			return this.json.readTree(detail);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static int utf8Length(String text) {
		return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
	}

}
