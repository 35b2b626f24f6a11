package dev.securelink.gateway.link;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a link lets its holder do with the document; {@code view} is always granted. */
public enum Right {

	/** Open the document. */
	@JsonProperty("view")
	VIEW,

	/** Sign the offer (the upstream's sign page and its submission). */
	@JsonProperty("sign")
	SIGN,

	/** Pay the invoice (the upstream's pay page and its submission). */
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
