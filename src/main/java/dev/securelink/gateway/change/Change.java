package dev.securelink.gateway.change;

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

	static Change parse(String payload) {
		int colon = payload.indexOf(':');
		if (colon < 0) {
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
