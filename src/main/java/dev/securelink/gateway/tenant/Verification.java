package dev.securelink.gateway.tenant;

import java.util.Arrays;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** How a company's links check the visitor before a session. */
public enum Verification {

	/** No check: the link's code alone opens the document. */
	OFF("off"),

	/** The visitor types an address, which must be one of the link's recipients. */
	ADDRESS("address"),

	/**
	 * The visitor types an address and then a one-time code mailed to it: the mailbox is
	 * proven, not only the address known.
	 */
	CODE("code");

	private final String id;

	Verification(String id) {
		this.id = id;
	}

	/** The mode as the settings API and the database spell it. */
	public String id() {
		return this.id;
	}

	/** The mode spelled {@code id}, or null for none. */
	public static @Nullable Verification of(String id) {
		return Arrays.stream(values())
			.filter((mode) -> mode.id.equals(id.toLowerCase(Locale.ROOT)))
			.findFirst()
			.orElse(null);
	}

}
