package dev.securelink.gateway.webhook;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.input.BadInputException;

/**
 * The catalogue of webhook event types. An endpoint subscribes to types by name, to a
 * family by its prefix ({@code link.*}) or to everything ({@code *}).
 */
final class WebhookEventTypes {

	/** Every type the gateway delivers, in the order the admin API documents them. */
	static final List<String> ALL = List.of("link.created", "link.opened", "link.verified", "link.verification_failed",
			"link.locked", "link.unlocked", "link.renewal_requested", "link.recipient_added", "link.recipient_removed",
			"link.misdirected", "sign.submitted", "pay.submitted", "link.revoked", "link.expired", "link.completed",
			"tenant.settings_changed", "tenant.link_host_added", "tenant.link_host_removed", "support.accessed",
			"audit.checkpoint", "webhook.test");

	private static final int MAX_PATTERNS = ALL.size();

	/**
	 * The audit event types that are delivered, and as which webhook type (views of the
	 * sign and pay pages and the requests before they are forwarded are not: the answer
	 * to a submission is).
	 */
	private static final Map<String, String> BY_AUDIT_TYPE = Map.ofEntries(Map.entry("created", "link.created"),
			Map.entry("opened", "link.opened"), Map.entry("verified", "link.verified"),
			Map.entry("failed", "link.verification_failed"), Map.entry("locked", "link.locked"),
			Map.entry("unlocked", "link.unlocked"), Map.entry("renewal_requested", "link.renewal_requested"),
			Map.entry("recipient_added", "link.recipient_added"),
			Map.entry("recipient_removed", "link.recipient_removed"), Map.entry("misdirected", "link.misdirected"),
			Map.entry("sign_answered", "sign.submitted"), Map.entry("pay_answered", "pay.submitted"),
			Map.entry("revoked", "link.revoked"), Map.entry("expired", "link.expired"),
			Map.entry("completed", "link.completed"), Map.entry("settings_changed", "tenant.settings_changed"),
			Map.entry("support_read", "support.accessed"), Map.entry("link_host_added", "tenant.link_host_added"),
			Map.entry("link_host_removed", "tenant.link_host_removed"));

	private WebhookEventTypes() {
	}

	/**
	 * {@code patterns} as given, each a known type, a known family with {@code .*}, or
	 * {@code *}; otherwise a 400 naming {@code eventTypes}.
	 */
	static List<String> requireValid(List<String> patterns) {
		if (patterns.isEmpty() || patterns.size() > MAX_PATTERNS) {
			throw new BadInputException("eventTypes", "must name between 1 and " + MAX_PATTERNS + " event types");
		}
		for (String pattern : patterns) {
			if (!isKnown(pattern)) {
				throw new BadInputException("eventTypes", "unknown event type '" + printable(pattern) + "': one of "
						+ String.join(", ", ALL) + ", a family such as link.*, or *");
			}
		}
		return List.copyOf(patterns);
	}

	/** The audit event type delivered as {@code webhookType}, or null for none. */
	static @Nullable String auditTypeOf(String webhookType) {
		return BY_AUDIT_TYPE.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(webhookType))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElse(null);
	}

	/** The webhook type an audit event is delivered as, or null when it is not. */
	static @Nullable String forAudit(String auditType) {
		return BY_AUDIT_TYPE.get(auditType);
	}

	/**
	 * The family pattern that covers {@code type}: {@code link.*} for
	 * {@code link.opened}.
	 */
	static String family(String type) {
		return type.substring(0, type.indexOf('.') + 1) + "*";
	}

	private static boolean isKnown(String pattern) {
		if (pattern.equals("*") || ALL.contains(pattern)) {
			return true;
		}
		if (pattern.endsWith(".*")) {
			String family = pattern.substring(0, pattern.length() - 1);
			return ALL.stream().anyMatch((type) -> type.startsWith(family));
		}
		return false;
	}

	/** Enough of a bad value to recognize it, without echoing whatever was sent. */
	private static String printable(String value) {
		String cut = (value.length() > 40) ? value.substring(0, 40) + "…" : value;
		return cut.replaceAll("[^\\x20-\\x7e…]", "?");
	}

}
