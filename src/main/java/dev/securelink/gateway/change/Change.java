package dev.securelink.gateway.change;

import org.jspecify.annotations.Nullable;

/**
 * Something that every instance must forget at once: a link's state or a tenant's
 * settings.
 */
public record Change(Kind kind, String id) {

	/** What changed. */
	public enum Kind {

		/** A link changed (revoked, its session epoch moved). */
		LINK,

		/** A tenant's settings changed. */
		TENANT

	}

	String payload() {
		return this.kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + this.id;
	}

	static @Nullable Change parse(@Nullable String payload) {
		int colon = (payload != null) ? payload.indexOf(':') : -1;
		if (payload == null || colon < 0) {
			return null;
		}
		String kind = payload.substring(0, colon);
		String id = payload.substring(colon + 1);
		return switch (kind) {
			case "link" -> new Change(Kind.LINK, id);
			case "tenant" -> new Change(Kind.TENANT, id);
			default -> null;
		};
	}

}
