package dev.securelink.gateway.database;

import java.util.List;

/**
 * Start-up refused: what production needs was not configured. Each item names a property.
 */
public class MissingConfigurationException extends RuntimeException {

	private final String description;

	private final List<String> missing;

	private final String action;

	MissingConfigurationException(List<String> missing) {
		this("The gateway has no database to use, and starts none of its own in production.", missing,
				"Configure the properties above (as environment variables: SPRING_R2DBC_URL, SECURELINK_KEYS_…), or, "
						+ "for development only, set SECURELINK_DATABASE_EMBEDDED=true.");
	}

	/**
	 * Start-up refused for the {@code missing} properties.
	 * @param description what the gateway cannot do without it
	 * @param missing the properties, one item each
	 * @param action what to do about it
	 */
	public MissingConfigurationException(String description, List<String> missing, String action) {
		super("securelink-gateway needs configuration that is missing: " + String.join("; ", missing));
		this.description = description;
		this.missing = List.copyOf(missing);
		this.action = action;
	}

	String description() {
		return this.description;
	}

	List<String> missing() {
		return this.missing;
	}

	String action() {
		return this.action;
	}

}
