package dev.securelink.gateway.database;

import java.util.List;

/**
 * Start-up refused: what production needs was not configured. Each item names a property.
 */
class MissingConfigurationException extends RuntimeException {

	private final List<String> missing;

	MissingConfigurationException(List<String> missing) {
		super("securelink-gateway needs configuration that is missing: " + String.join("; ", missing));
		this.missing = List.copyOf(missing);
	}

	List<String> missing() {
		return this.missing;
	}

}
