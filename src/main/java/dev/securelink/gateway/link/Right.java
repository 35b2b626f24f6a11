package dev.securelink.gateway.link;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a link lets its holder do with the document; {@code view} is always granted. */
public enum Right {

	@JsonProperty("view")
	VIEW,

	@JsonProperty("sign")
	SIGN,

	@JsonProperty("pay")
	PAY;

	private final String id = name().toLowerCase(Locale.ROOT);

	/** The name used in JSON, the database and the session. */
	public String id() {
		return this.id;
	}

	public static Right fromId(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

}
